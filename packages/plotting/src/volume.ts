// One 3-D volume ready to draw: its values, grid, affine and inverse, and the world-space facts
// figures need (bounding boxes, value range). 4-D inputs need an explicit volume index.
import { applyAffine, invertAffine, type Affine, type NiftiImage, type NumericArray } from '@neurodecode/nifti-io';

/** A panel's `[[left, right], [bottom, top]]` in mm (or data units for charts): the coordinate at each edge of its box. */
export type Extent = [[number, number], [number, number]];
/** World-space box: [[xmin, xmax], [ymin, ymax], [zmin, zmax]] in mm. */
export type Bounds = [[number, number], [number, number], [number, number]];

/** One 3-D volume ready to draw: voxels (Fortran order), grid shape, affine and its inverse, smallest voxel edge. */
export interface Volume {
  data: NumericArray;
  shape: [number, number, number];
  affine: Affine;
  inverse: Affine;
  /** Smallest voxel edge in mm. */
  step: number;
}

/** A 3-D view of `img` (volume `index` of a 4-D image); errors name `arg`. */
export function toVolume(img: NiftiImage, arg: string, index?: number): Volume {
  if (!img || typeof img !== 'object' || !('shape' in img) || !('affine' in img)) {
    throw new TypeError(`${arg}: expected a NiftiImage`);
  }
  img.assertNumeric(arg);
  const n = img.nVolumes;
  let data: NumericArray;
  if (index !== undefined) {
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new Error(`${arg}: volume ${index} is outside 0..${n - 1}`);
    data = img.volume(index);
  } else if (n > 1) {
    throw new Error(`${arg}: a 4-D image with ${n} volumes where a 3-D one is needed; pick one (volume option / --volume 0..${n - 1})`);
  } else {
    data = img.volume(0);
  }
  const affine = img.affine;
  const step = Math.min(...[0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!)));
  return { data, shape: [img.shape[0]!, img.shape[1]!, img.shape[2]!], affine, inverse: invertAffine(affine), step };
}

/**
 * Results computed once per voxel array (a background drawn in several figures is scanned once).
 * A typed array is keyed by its buffer and its place in it: `img.volume(0)` hands out a new view
 * of the same voxels on every call, and those views must share their results.
 */
const memo = new WeakMap<object, Map<string, unknown>>();
export function memoized<T>(data: object, key: string, compute: () => T): T {
  const view = ArrayBuffer.isView(data)
    ? (data as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number })
    : undefined;
  const owner: object = view ? view.buffer : data;
  const slot = view ? `${data.constructor.name}@${view.byteOffset}+${view.byteLength}:${key}` : key;
  let m = memo.get(owner);
  if (!m) {
    m = new Map();
    memo.set(owner, m);
  }
  if (!m.has(slot)) m.set(slot, compute());
  return m.get(slot) as T;
}

/**
 * The mm box covering the whole grid, or (nonzeroOnly) the voxels with a finite non-zero value;
 * whole voxels, centre +- half a voxel. Undefined when no voxel is non-zero.
 */
export function worldBounds(vol: Volume, nonzeroOnly = false): Bounds | undefined {
  const [nx, ny, nz] = vol.shape;
  let i0 = 0,
    i1 = nx - 1,
    j0 = 0,
    j1 = ny - 1,
    k0 = 0,
    k1 = nz - 1;
  if (nonzeroOnly) {
    const box = memoized(vol.data, 'nonzero-box', () => {
      let a0 = nx,
        a1 = -1,
        b0 = ny,
        b1 = -1,
        c0 = nz,
        c1 = -1;
      const d = vol.data;
      for (let k = 0, p = 0; k < nz; k++)
        for (let j = 0; j < ny; j++) {
          let first = -1,
            last = -1;
          for (let i = 0; i < nx; i++, p++) {
            const v = d[p]!;
            if (v !== 0 && v === v && v !== Infinity && v !== -Infinity) {
              if (first < 0) first = i;
              last = i;
            }
          }
          if (first < 0) continue;
          if (first < a0) a0 = first;
          if (last > a1) a1 = last;
          if (j < b0) b0 = j;
          if (j > b1) b1 = j;
          if (k < c0) c0 = k;
          if (k > c1) c1 = k;
        }
      return a1 < 0 ? undefined : [a0, a1, b0, b1, c0, c1];
    });
    if (!box) return undefined;
    [i0, i1, j0, j1, k0, k1] = box;
  }
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const i of [i0 - 0.5, i1 + 0.5])
    for (const j of [j0 - 0.5, j1 + 0.5])
      for (const k of [k0 - 0.5, k1 + 0.5]) {
        const w = applyAffine(vol.affine, i, j, k);
        for (let c = 0; c < 3; c++) {
          lo[c] = Math.min(lo[c]!, w[c]!);
          hi[c] = Math.max(hi[c]!, w[c]!);
        }
      }
  return [
    [lo[0], hi[0]],
    [lo[1], hi[1]],
    [lo[2], hi[2]],
  ];
}

export function unionBounds(a: Bounds, b: Bounds): Bounds {
  return [0, 1, 2].map((c) => [Math.min(a[c]![0], b[c]![0]), Math.max(a[c]![1], b[c]![1])]) as Bounds;
}

export interface ValueStats {
  finite: number;
  nonzero: number;
  maxAbs: number;
  min: number;
  max: number;
}

export function valueStats(data: NumericArray): ValueStats {
  return memoized(data, 'stats', () => computeStats(data));
}

function computeStats(data: NumericArray): ValueStats {
  let finite = 0,
    nonzero = 0,
    maxAbs = 0,
    min = Infinity,
    max = -Infinity;
  for (let p = 0; p < data.length; p++) {
    const v = data[p]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v !== 0) nonzero++;
    if (v < min) min = v;
    if (v > max) max = v;
    const a = v < 0 ? -v : v;
    if (a > maxAbs) maxAbs = a;
  }
  return { finite, nonzero, maxAbs, min, max };
}

/** Throw when nothing in the map can be drawn (every voxel zero or NaN). */
export function assertDrawable(stats: ValueStats, arg: string): void {
  if (stats.finite === 0) throw new Error(`${arg}: every voxel is NaN or infinite; nothing to draw`);
  if (stats.nonzero === 0) throw new Error(`${arg}: every voxel is zero; nothing to draw`);
}

/** Value at the nearest voxel of a world point, NaN outside the grid. */
export function valueAt(vol: Volume, x: number, y: number, z: number): number {
  const [fi, fj, fk] = applyAffine(vol.inverse, x, y, z);
  const i = Math.round(fi),
    j = Math.round(fj),
    k = Math.round(fk);
  const [nx, ny, nz] = vol.shape;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return NaN;
  return vol.data[i + nx * (j + ny * k)]!;
}

/**
 * Percentile (0-100) of the finite values where `keep` holds. For display ranges only: estimated
 * on an evenly strided subset of at most ~250 000 voxels so a 1 mm template stays fast.
 */
export function percentileOf(data: NumericArray, q: number, keep: (v: number) => boolean): number {
  const stride = Math.max(1, Math.floor(data.length / 250_000));
  let n = 0;
  for (let p = 0; p < data.length; p += stride) if (Number.isFinite(data[p]!) && keep(data[p]!)) n++;
  if (n === 0) return NaN;
  const vals = new Float64Array(n);
  for (let p = 0, m = 0; p < data.length; p += stride) if (Number.isFinite(data[p]!) && keep(data[p]!)) vals[m++] = data[p]!;
  vals.sort();
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return vals[lo]! + (pos - lo) * (vals[hi]! - vals[lo]!);
}
