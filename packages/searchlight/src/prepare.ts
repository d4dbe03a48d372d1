// Inputs -> the engine's data: masks and their geometry, the samples kept, the voxel-major data
// matrix in shared memory (copied once, whatever the thread count), labels, groups and folds.
import { Matrix } from '@neurodecode/matrix';
import { affinesClose, readNifti, NiftiImage, type Affine } from '@neurodecode/nifti-io';
import type { Label, Targets } from '@neurodecode/estimators';
import { maskVoxelsCOrder } from './spheres.js';
import { sharedArray } from './queue.js';

/** An image in memory or a path to a NIfTI file. */
export type ImgLike = NiftiImage | string;

/** A scikit-learn-style splitter (as @neurodecode/cv's). */
export interface SplitterLike {
  readonly name?: string;
  split(nSamples: number, y?: Targets, groups?: Targets): { train: Int32Array; test: Int32Array }[];
}

export async function loadImg(img: ImgLike, arg: string): Promise<NiftiImage> {
  if (typeof img === 'string') return readNifti(img);
  if (img instanceof NiftiImage) return img;
  throw new TypeError(`${arg}: expected a NiftiImage or a path, got ${img === null ? 'null' : typeof img}`);
}

/** The mask's voxels and the process mask's sphere centres on the image grid. */
export interface MaskGeometry {
  shape: number[];
  affine: Affine;
  /** Flat Fortran-order voxel of each mask column, C order. */
  maskVoxels: Int32Array;
  /** Flat Fortran-order voxel of each process-mask centre, C order. */
  centres: Int32Array;
}

/** Load and check the mask and optional process mask; returns the mask voxels and the sphere centres. */
export async function loadMasks(mask: ImgLike, processMask: ImgLike | undefined): Promise<MaskGeometry> {
  const m = await loadImg(mask, 'mask');
  m.assertRealMask('mask');
  if (m.nVolumes !== 1) throw new Error(`mask: expected a 3-D image, got shape [${m.shape.join(', ')}]`);
  const shape = m.shape.slice(0, 3);
  const maskVoxels = maskVoxelsCOrder(m.data, shape);
  if (maskVoxels.length === 0) throw new Error('mask: has no non-zero voxels');
  let centres = maskVoxels;
  if (processMask !== undefined) {
    const p = await loadImg(processMask, 'processMask');
    p.assertRealMask('processMask');
    if (p.shape.slice(0, 3).join() !== shape.join() || p.nVolumes !== 1) {
      throw new Error(`processMask: shape [${p.shape.join(', ')}] does not match the mask's [${shape.join(', ')}]`);
    }
    if (!affinesClose(p.affine, m.affine, 1e-4)) throw new Error("processMask: affine differs from the mask's affine");
    centres = maskVoxelsCOrder(p.data, shape);
    if (centres.length === 0) throw new Error('processMask: has no non-zero voxels');
    const inMask = new Uint8Array(m.volumeSize);
    for (const v of maskVoxels) inMask[v] = 1;
    let outside = 0;
    for (const v of centres) if (!inMask[v]) outside++;
    if (outside) throw new Error(`processMask: ${outside} of its ${centres.length} voxels lie outside the mask`);
  }
  return { shape, affine: m.affine.map((r) => r.slice()), maskVoxels, centres };
}

/** The kept samples of a searchlight's input, masked and copied once into shared memory. */
export interface SampleData {
  /** Voxel-major data in a SharedArrayBuffer: X[column * nSamples + sample]. */
  X: Float64Array;
  nSamples: number;
  /** Original row (volume) of each kept sample. */
  rows: Int32Array;
}

/** Which rows to keep: all, or those whose label is in `targets`. */
export function selectRows(y: Label[], targets: readonly Label[] | undefined): Int32Array {
  if (!targets) return Int32Array.from(y.keys());
  const keep = new Set(targets);
  const missing = targets.filter((t) => !y.includes(t));
  if (missing.length) throw new Error(`targets: ${missing.map((t) => JSON.stringify(t)).join(', ')} not found in y`);
  const out: number[] = [];
  y.forEach((v, i) => {
    if (keep.has(v)) out.push(i);
  });
  return Int32Array.from(out);
}

/** Gather the kept volumes of the (concatenated) 4-D images through the mask. */
export async function loadSamples(
  func: ImgLike | ImgLike[] | Matrix,
  geometry: MaskGeometry,
  nLabels: number,
  rows: Int32Array,
): Promise<SampleData> {
  const { maskVoxels } = geometry;
  const V = maskVoxels.length;
  const n = rows.length;
  const X = sharedArray(Float64Array, V * n);
  if (func instanceof Matrix) {
    if (func.cols !== V) throw new Error(`func: matrix has ${func.cols} columns but the mask has ${V} voxels`);
    if (func.rows !== nLabels) throw new Error(`y: length ${nLabels} does not match the ${func.rows} rows of func`);
    for (let s = 0; s < n; s++) {
      const off = rows[s]! * V;
      for (let c = 0; c < V; c++) X[c * n + s] = func.data[off + c]!;
    }
    return { X, nSamples: n, rows };
  }
  const list = Array.isArray(func) ? func : [func];
  if (list.length === 0) throw new Error('func: no images given');
  const images: NiftiImage[] = [];
  let total = 0;
  for (let r = 0; r < list.length; r++) {
    const img = await loadImg(list[r]!, list.length > 1 ? `func[${r}]` : 'func');
    const name = typeof list[r] === 'string' ? (list[r] as string) : list.length > 1 ? `func[${r}]` : 'func';
    img.assertNumeric(name);
    if (img.shape.slice(0, 3).join() !== geometry.shape.join()) {
      throw new Error(`${name}: shape [${img.shape.join(', ')}] does not match the mask's [${geometry.shape.join(', ')}]`);
    }
    if (!affinesClose(img.affine, geometry.affine, 1e-4)) throw new Error(`${name}: affine differs from the mask's affine`);
    images.push(img);
    total += img.nVolumes;
  }
  if (total !== nLabels) throw new Error(`y: length ${nLabels} does not match the ${total} volumes of func`);
  const starts: number[] = [];
  let acc = 0;
  for (const img of images) {
    starts.push(acc);
    acc += img.nVolumes;
  }
  let which = 0;
  for (let s = 0; s < n; s++) {
    const row = rows[s]!;
    while (which + 1 < images.length && row >= starts[which + 1]!) which++;
    while (row < starts[which]!) which--;
    const img = images[which]!;
    const vol = img.volume(row - starts[which]!);
    for (let c = 0; c < V; c++) {
      const v = vol[maskVoxels[c]!]!;
      if (!Number.isFinite(v)) throw new Error(`func: non-finite value at volume ${row}, mask voxel ${c}`);
      X[c * n + s] = v;
    }
  }
  return { X, nSamples: n, rows };
}

/** Numbers numerically, strings by code point (numpy's order); numbers before strings. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeClasses(y: Label[]): { classes: Label[]; codes: Int32Array } {
  const classes = [...new Set(y)].sort(compareLabels);
  const index = new Map(classes.map((c, k) => [c, k] as const));
  return { classes, codes: Int32Array.from(y, (v) => index.get(v)!) };
}

export function toLabels(y: Targets, arg: string): Label[] {
  const out: Label[] = Array.from(y as ArrayLike<Label>);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (!(typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v)))) {
      throw new TypeError(`${arg}: entry ${i} is ${String(v)}, expected a number or a string`);
    }
  }
  return out;
}

export async function resolveSplitter(cv: SplitterLike | string | undefined): Promise<SplitterLike> {
  if (cv && typeof cv === 'object' && typeof cv.split === 'function') return cv;
  const spec = cv === undefined ? 'kfold:5' : cv;
  if (typeof spec !== 'string') throw new TypeError('cv: expected a splitter (with split()) or a spec such as "kfold:4" or "logo"');
  const mod = (await import('@neurodecode/cv')) as Record<string, unknown>;
  if (typeof mod.parseCvSpec !== 'function') throw new Error('cv: @neurodecode/cv has no parseCvSpec; pass a splitter object');
  return (mod.parseCvSpec as (s: string) => SplitterLike)(spec);
}
