// Loading, saving and building images: every image-ops function accepts a path or an image.
import { NiftiImage, readNifti, writeNifti, type Affine, type NumericArray, type ReadOptions } from '@neurodecode/nifti-io';
import { rejectPromise } from '@neurodecode/matrix';

/** A NIfTI image already in memory, or the path of a .nii / .nii.gz file. */
export type ImgLike = NiftiImage | string;

/** Data accepted where an image is built from values. */
export type VoxelData = NumericArray | ArrayLike<number> | ArrayLike<boolean>;

/** The image itself, or the file read with readNifti (scaling applied). */
export async function loadImg(img: ImgLike, opts: ReadOptions = {}, arg = 'img'): Promise<NiftiImage> {
  if (img instanceof NiftiImage) return img;
  if (typeof img === 'string') return readNifti(img, opts);
  rejectPromise(img, arg);
  throw new TypeError(`${arg}: expected a NiftiImage or a file path, got ${describe(img)}`);
}

/** Write an image to .nii or .nii.gz (by extension), atomically. */
export async function saveImg(img: ImgLike, path: string): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path: expected a file path');
  await writeNifti(await loadImg(img), path);
}

/** Spatial shape (first three axes). */
export function spatialShape(img: NiftiImage): [number, number, number] {
  return [img.shape[0]!, img.shape[1]!, img.shape[2]!];
}

/** Copy of the voxel values as float64. */
export function toFloat64(data: NumericArray): Float64Array {
  return data instanceof Float64Array ? data.slice() : Float64Array.from(data);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `${typeof v} ${String(v)}`;
}

/** A fresh image on `ref`'s header with new data; display range reset since values changed. */
export function imageLike(ref: NiftiImage, data: NumericArray, shape: readonly number[], affine: Affine = ref.affine): NiftiImage {
  const out = ref.withData(data, shape, affine);
  out.header.cal_min = 0;
  out.header.cal_max = 0;
  return out;
}

function toTypedArray(data: VoxelData): NumericArray {
  if (ArrayBuffer.isView(data)) return data as NumericArray;
  const list = data as ArrayLike<unknown>;
  if (list.length > 0 && typeof list[0] === 'boolean') {
    const out = new Uint8Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = list[i] ? 1 : 0;
    return out;
  }
  return Float64Array.from(list as ArrayLike<number>);
}

/**
 * An image with `ref`'s header (and affine unless given) holding `data` (Fortran order, i
 * fastest). The shape is `shape` if given, else `ref`'s 3-D grid with as many volumes as the data
 * fill. Booleans become uint8 0/1, plain number arrays float64.
 */
export async function newImgLike(ref: ImgLike, data: VoxelData, affine?: Affine, shape?: readonly number[]): Promise<NiftiImage> {
  const base = await loadImg(ref, {}, 'ref');
  const values = toTypedArray(data);
  let outShape: number[];
  if (shape) {
    outShape = shape.slice();
  } else {
    const vol = base.volumeSize;
    if (values.length === 0 || values.length % vol !== 0) {
      throw new Error(
        `data: ${values.length} values do not fill whole volumes of ref's ${spatialShape(base).join('x')} grid; pass a shape`,
      );
    }
    const nVol = values.length / vol;
    outShape = nVol === 1 ? spatialShape(base) : [...spatialShape(base), nVol];
  }
  return imageLike(base, values, outShape, affine ?? base.affine);
}

/** Mean over all volumes of a 4-D image (or of several 3-D/4-D images on one grid): float64 3-D. */
export async function meanImg(imgs: ImgLike | readonly ImgLike[]): Promise<NiftiImage> {
  const list = Array.isArray(imgs) ? (imgs as readonly ImgLike[]) : [imgs as ImgLike];
  if (list.length === 0) throw new Error('imgs: no images given');
  let first: NiftiImage | undefined;
  let sum: Float64Array | undefined;
  let count = 0;
  for (let n = 0; n < list.length; n++) {
    const where = Array.isArray(imgs) ? `imgs[${n}]` : 'img';
    const img = await loadImg(list[n]!, {}, where);
    img.assertNumeric(where);
    if (!first) {
      first = img;
      sum = new Float64Array(img.volumeSize);
    } else {
      checkSameGrid(first, img, where, 'imgs[0]');
    }
    const data = img.data;
    const v = img.volumeSize;
    for (let t = 0; t < img.nVolumes; t++) {
      const off = t * v;
      for (let i = 0; i < v; i++) sum![i]! += data[off + i]!;
    }
    count += img.nVolumes;
  }
  for (let i = 0; i < sum!.length; i++) sum![i]! /= count;
  return imageLike(first!, sum!, spatialShape(first!));
}

/** Throw unless `img` has the spatial shape and (to 1e-4 mm) the affine of `ref`. */
export function checkSameGrid(ref: NiftiImage, img: NiftiImage, where: string, refName: string): void {
  const a = spatialShape(ref),
    b = spatialShape(img);
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new Error(`${where}: shape [${b.join(', ')}] differs from ${refName} [${a.join(', ')}]`);
  }
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) {
      const x = ref.affine[r]![c]!,
        y = img.affine[r]![c]!;
      if (Math.abs(x - y) > 1e-4 * Math.max(1, Math.abs(x))) {
        throw new Error(`${where}: affine differs from ${refName} (entry [${r}][${c}]: ${y} vs ${x}); resample it first`);
      }
    }
}

/** Python-style slice over volumes; negative start/stop count from the end. */
export interface VolumeRange {
  start?: number;
  stop?: number;
  step?: number;
}

/** Which volumes of a 4-D image: an index, a list, a boolean mask or a range. */
export type VolumeIndex = number | readonly number[] | Int32Array | readonly boolean[] | VolumeRange;

function resolveIndices(index: VolumeIndex, n: number): number[] {
  const fix = (i: number, what: string): number => {
    if (!Number.isInteger(i)) throw new Error(`index: ${what} ${i} is not an integer`);
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new RangeError(`index: ${what} ${i} is outside the ${n} volumes of img`);
    return j;
  };
  if (typeof index === 'number') return [fix(index, 'volume')];
  if (Array.isArray(index) || index instanceof Int32Array) {
    const list = index as ArrayLike<number | boolean>;
    if (list.length > 0 && typeof list[0] === 'boolean') {
      if (list.length !== n) throw new Error(`index: boolean mask has length ${list.length} but img has ${n} volumes`);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        if (typeof list[i] !== 'boolean') throw new Error(`index: element ${i} of a boolean mask is not a boolean`);
        if (list[i]) out.push(i);
      }
      return out;
    }
    return Array.from(list as ArrayLike<number>, (v, i) => {
      if (typeof v !== 'number') throw new Error(`index: element ${i} is not a number`);
      return fix(v, 'volume');
    });
  }
  if (index && typeof index === 'object') {
    const { start, stop, step = 1 } = index as VolumeRange;
    if (!Number.isInteger(step) || step === 0) throw new Error(`index: step must be a non-zero integer, got ${step}`);
    // Python's slice.indices(): out-of-range bounds clamp rather than fail.
    const bound = (v: number | undefined, dflt: number, what: string): number => {
      if (v === undefined) return dflt;
      if (!Number.isInteger(v)) throw new Error(`index: ${what} ${v} is not an integer`);
      const w = v < 0 ? v + n : v;
      return step > 0 ? Math.min(Math.max(w, 0), n) : Math.min(Math.max(w, -1), n - 1);
    };
    const a = bound(start, step > 0 ? 0 : n - 1, 'start');
    const b = bound(stop, step > 0 ? n : -1, 'stop');
    const out: number[] = [];
    for (let i = a; step > 0 ? i < b : i > b; i += step) out.push(i);
    return out;
  }
  throw new TypeError(`index: expected a number, an array of indices, a boolean mask or {start, stop, step}, got ${describe(index)}`);
}

/**
 * Volumes of a 4-D image. A single number gives a 3-D image; an array of indices, a boolean mask
 * over volumes or a {start, stop, step} range (Python slice rules) gives a 4-D image.
 */
export async function indexImg(img: ImgLike, index: VolumeIndex): Promise<NiftiImage> {
  const src = await loadImg(img);
  src.assertNumeric('img');
  if (src.shape.length !== 4) throw new Error(`img: expected a 4-D image, got shape [${src.shape.join(', ')}]`);
  const picks = resolveIndices(index, src.nVolumes);
  if (picks.length === 0) throw new Error('index: selects no volumes');
  const v = src.volumeSize;
  const Ctor = src.data.constructor as new (n: number) => NumericArray;
  const out = new Ctor(v * picks.length);
  picks.forEach((t, n) => out.set(src.data.subarray(t * v, (t + 1) * v), n * v));
  const shape = typeof index === 'number' ? spatialShape(src) : [...spatialShape(src), picks.length];
  return src.withData(out, shape);
}

/** The 3-D volumes of an image, one at a time (a 3-D image yields itself). */
export async function* iterImg(img: ImgLike): AsyncGenerator<NiftiImage, void, undefined> {
  const src = await loadImg(img);
  if (src.shape.length === 3) {
    yield src;
    return;
  }
  const shape = spatialShape(src);
  for (let t = 0; t < src.nVolumes; t++) yield src.withData(src.volume(t).slice(), shape);
}

/** Stack 3-D and 4-D images on one grid along the 4th axis (always returns a 4-D image). */
export async function concatImgs(imgs: Iterable<ImgLike> | AsyncIterable<ImgLike>): Promise<NiftiImage> {
  const loaded: NiftiImage[] = [];
  let n = 0;
  for await (const item of imgs as AsyncIterable<ImgLike>) {
    const where = `imgs[${n}]`;
    const img = await loadImg(item, {}, where);
    img.assertNumeric(where);
    if (img.shape.length > 4) throw new Error(`${where}: expected a 3-D or 4-D image, got shape [${img.shape.join(', ')}]`);
    if (loaded.length > 0) checkSameGrid(loaded[0]!, img, where, 'imgs[0]');
    loaded.push(img);
    n++;
  }
  if (loaded.length === 0) throw new Error('imgs: no images given');
  const first = loaded[0]!;
  const sameType = loaded.every((img) => img.data.constructor === first.data.constructor);
  const Ctor = (sameType ? first.data.constructor : Float64Array) as new (n: number) => NumericArray;
  const total = loaded.reduce((s, img) => s + img.data.length, 0);
  const out = new Ctor(total);
  let off = 0;
  for (const img of loaded) {
    out.set(img.data, off);
    off += img.data.length;
  }
  return first.withData(out, [...spatialShape(first), total / first.volumeSize]);
}
