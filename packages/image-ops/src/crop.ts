// Cropping to the data's bounding box, and voxel <-> mm coordinate conversion.
import { invertAffine, type Affine, type NiftiImage, type NumericArray } from '@neurodecode/nifti-io';
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { describe, imageLike, loadImg, spatialShape, type ImgLike } from './io.js';

/** Options of cropImg: what counts as data and whether to keep a margin. */
export interface CropOptions {
  /** Voxels count as data when |value| > rtol * max|value| (default 1e-8). */
  rtol?: number;
  /** Keep one voxel of margin around the box where the volume allows (default true). */
  pad?: boolean;
}

/** Half-open voxel box [start, end) per spatial axis. */
export interface CropBox {
  start: [number, number, number];
  end: [number, number, number];
}

/** The box cropImg keeps: every voxel (of any volume) whose |value| passes rtol * max|value|. */
export async function cropBox(img: ImgLike, opts: CropOptions = {}): Promise<CropBox> {
  checkOptions('cropImg', opts, optionKeys<CropOptions>({ rtol: true, pad: true }));
  const { rtol = 1e-8, pad = true } = opts;
  if (typeof rtol !== 'number' || !(rtol >= 0)) throw new Error(`rtol: expected a number >= 0, got ${describe(rtol)}`);
  const src = await loadImg(img);
  src.assertNumeric('img');
  const data = src.data;
  let norm = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]!);
    if (a > norm) norm = a;
  }
  const cut = rtol * norm;
  const shape = spatialShape(src);
  const [nx, ny] = shape;
  const vol = src.volumeSize;
  const lo = [Infinity, Infinity, Infinity],
    hi = [-1, -1, -1];
  for (let t = 0; t < src.nVolumes; t++) {
    const off = t * vol;
    for (let v = 0; v < vol; v++) {
      const x = data[off + v]!;
      if (!(x > cut || x < -cut)) continue;
      const i = v % nx,
        j = Math.floor(v / nx) % ny,
        k = Math.floor(v / (nx * ny));
      if (i < lo[0]!) lo[0] = i;
      if (i > hi[0]!) hi[0] = i;
      if (j < lo[1]!) lo[1] = j;
      if (j > hi[1]!) hi[1] = j;
      if (k < lo[2]!) lo[2] = k;
      if (k > hi[2]!) hi[2] = k;
    }
  }
  if (hi[0]! < 0) return { start: [0, 0, 0], end: [...shape] };
  const start = lo.map((v) => (pad ? Math.max(v - 1, 0) : v)) as [number, number, number];
  const end = hi.map((v, d) => (pad ? Math.min(v + 2, shape[d]!) : v + 1)) as [number, number, number];
  return { start, end };
}

/**
 * Crop an image (3-D or 4-D) to the bounding box of its non-zero voxels (nilearn's crop_img),
 * moving the affine's origin so every kept voxel keeps its mm position.
 */
export async function cropImg(img: ImgLike, opts: CropOptions = {}): Promise<NiftiImage> {
  const src = await loadImg(img);
  const { start, end } = await cropBox(src, opts);
  const [nx, ny] = spatialShape(src);
  const size = [end[0] - start[0], end[1] - start[1], end[2] - start[2]] as const;
  const Ctor = src.data.constructor as new (n: number) => NumericArray;
  const outVol = size[0] * size[1] * size[2];
  const out = new Ctor(outVol * src.nVolumes);
  let o = 0;
  for (let t = 0; t < src.nVolumes; t++) {
    const base = t * src.volumeSize;
    for (let k = start[2]; k < end[2]; k++)
      for (let j = start[1]; j < end[1]; j++) {
        const row = base + start[0] + nx * (j + ny * k);
        out.set(src.data.subarray(row, row + size[0]), o);
        o += size[0];
      }
  }
  const affine = src.affine.map((row) => row.slice());
  for (let r = 0; r < 3; r++) {
    affine[r]![3] = src.affine[r]![0]! * start[0] + src.affine[r]![1]! * start[1] + src.affine[r]![2]! * start[2] + src.affine[r]![3]!;
  }
  return imageLike(src, out, [...size, ...src.shape.slice(3)], affine);
}

type Coord = number | ArrayLike<number>;

function transformPoints(
  x: Coord,
  y: Coord,
  z: Coord,
  a: Affine,
  what: string,
): [number, number, number] | [Float64Array, Float64Array, Float64Array] {
  if (!Array.isArray(a) || a.length < 3 || a.some((row) => !Array.isArray(row) || row.length < 4)) {
    throw new Error(`affine: expected a 4x4 array, got ${describe(a)}`);
  }
  const m = (r: number, c: number) => a[r]![c]!;
  if (typeof x === 'number' && typeof y === 'number' && typeof z === 'number') {
    return [0, 1, 2].map((r) => m(r, 0) * x + m(r, 1) * y + m(r, 2) * z + m(r, 3)) as [number, number, number];
  }
  if (typeof x === 'number' || typeof y === 'number' || typeof z === 'number') {
    throw new TypeError(`${what}: x, y and z must all be numbers or all be arrays`);
  }
  if (x.length !== y.length || x.length !== z.length) {
    throw new Error(`${what}: x, y and z have different lengths (${x.length}, ${y.length}, ${z.length})`);
  }
  const out = [new Float64Array(x.length), new Float64Array(x.length), new Float64Array(x.length)] as const;
  for (let n = 0; n < x.length; n++) {
    const px = x[n]!,
      py = y[n]!,
      pz = z[n]!;
    for (let r = 0; r < 3; r++) out[r][n] = m(r, 0) * px + m(r, 1) * py + m(r, 2) * pz + m(r, 3);
  }
  return [out[0], out[1], out[2]];
}

/**
 * Apply an affine to coordinates (nilearn's coord_transform): with an image's affine, voxel
 * indices (i, j, k) -> mm (x, y, z). Numbers give a tuple of numbers; arrays give Float64Arrays.
 */
export function coordTransform(x: number, y: number, z: number, affine: Affine): [number, number, number];
export function coordTransform(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  affine: Affine,
): [Float64Array, Float64Array, Float64Array];
export function coordTransform(
  x: Coord,
  y: Coord,
  z: Coord,
  affine: Affine,
): [number, number, number] | [Float64Array, Float64Array, Float64Array] {
  return transformPoints(x, y, z, affine, 'coordTransform');
}

/**
 * World (mm) coordinates -> voxel coordinates of the grid `affine` describes (the inverse of
 * coordTransform). Fractional unless `round` is set (nearest voxel).
 */
export function mmToVoxel(x: number, y: number, z: number, affine: Affine, opts: { round?: boolean } = {}): [number, number, number] {
  const v = transformPoints(x, y, z, invertAffine(affine), 'mmToVoxel') as [number, number, number];
  return opts.round ? (v.map((c) => Math.round(c)) as [number, number, number]) : v;
}
