// Resampling onto another voxel grid, with nilearn.image.resample_img's behaviour on top of
// scipy.ndimage.affine_transform's interpolation: each target voxel is mapped to source voxel
// coordinates by inv(sourceAffine) * targetAffine; points outside the source get the fill value.
import {
  checkAffine,
  invertAffine,
  multiplyAffines,
  type Affine,
  type DtypeName,
  type NiftiImage,
  type NumericArray,
} from '@neurodecode/nifti-io';
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { axisTaps, cubicPrefilterVolume } from './bspline.js';
import { describe, imageLike, loadImg, spatialShape, type ImgLike } from './io.js';

/** Resampling interpolation: 'nearest', 'linear' or 'continuous' (cubic spline), as nilearn's. */
export type Interpolation = 'nearest' | 'linear' | 'continuous';

const ORDERS: Record<Interpolation, number> = { nearest: 0, linear: 1, continuous: 3 };

/** Options of resampleImg: the target grid (affine, shape), interpolation, fill value and clipping. */
export interface ResampleOptions {
  /** 4x4 voxel -> mm affine of the target grid. */
  targetAffine: Affine;
  /** Target grid size; by default the smallest grid from voxel (0,0,0) that holds the image. */
  targetShape?: readonly number[];
  /** 'continuous' (cubic B-spline, default), 'linear' (trilinear) or 'nearest'. */
  interpolation?: Interpolation;
  /** Value given to target voxels that fall outside the source (default 0). */
  fillValue?: number;
  /** Clip the result to the source's range (widened to include 0 and fillValue) against spline overshoot (default true). */
  clip?: boolean;
}

const RESAMPLE_OPTIONS = optionKeys<ResampleOptions>({
  targetAffine: true,
  targetShape: true,
  interpolation: true,
  fillValue: true,
  clip: true,
});

const INTEGER_RANGE: Partial<Record<DtypeName, [number, number]>> = {
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};

/** Output array for a resampled image: the source's type, but floats for a spline of signed ints. */
function outputArray(src: NiftiImage, order: number, length: number): { out: NumericArray; range?: [number, number] } {
  const signed = src.dtype === 'int8' || src.dtype === 'int16' || src.dtype === 'int32' || src.dtype === 'int64';
  if (order === 3 && signed) {
    return { out: src.dtype === 'int64' ? new Float64Array(length) : new Float32Array(length) };
  }
  const Ctor = src.data.constructor as new (n: number) => NumericArray;
  return { out: new Ctor(length), range: INTEGER_RANGE[src.dtype] };
}

/** Round to an integer type as scipy does when writing an interpolated value (half away from 0). */
function toInteger(t: number, [lo, hi]: [number, number]): number {
  if (lo === 0) t = t > 0 ? t + 0.5 : 0;
  else t = t > 0 ? t + 0.5 : t - 0.5;
  return Math.trunc(t > hi ? hi : t < lo ? lo : t);
}

function checkTarget(opts: ResampleOptions): { affine: Affine; order: number } {
  if (!opts || typeof opts !== 'object') throw new TypeError('opts: expected {targetAffine, targetShape?, interpolation?}');
  checkOptions('resampleImg', opts, RESAMPLE_OPTIONS);
  const a = opts.targetAffine;
  if (
    !Array.isArray(a) ||
    a.length !== 4 ||
    a.some((row) => !Array.isArray(row) || row.length !== 4 || row.some((v) => typeof v !== 'number'))
  ) {
    throw new Error(`targetAffine: expected a 4x4 array of numbers, got ${describe(a)}`);
  }
  checkAffine(a, 'targetAffine');
  const interpolation = opts.interpolation ?? 'continuous';
  const order = ORDERS[interpolation];
  if (order === undefined)
    throw new Error(`interpolation: expected 'nearest', 'linear' or 'continuous', got ${JSON.stringify(interpolation)}`);
  return { affine: a.map((row) => row.slice()), order };
}

/** Target grid size covering the whole source (nilearn's default when no shape is given). */
function coveringShape(src: NiftiImage, targetAffine: Affine): [number, number, number] {
  const toTarget = multiplyAffines(invertAffine(targetAffine), src.affine);
  const [nx, ny, nz] = spatialShape(src);
  const max = [-Infinity, -Infinity, -Infinity];
  for (const i of [0, nx - 1])
    for (const j of [0, ny - 1])
      for (const k of [0, nz - 1]) {
        for (let r = 0; r < 3; r++) {
          const v = toTarget[r]![0]! * i + toTarget[r]![1]! * j + toTarget[r]![2]! * k + toTarget[r]![3]!;
          if (v > max[r]!) max[r] = v;
        }
      }
  if (max.some((m) => m < 0)) throw new Error('targetAffine: the target field of view does not contain any of the image');
  return max.map((m) => Math.ceil(m) + 1) as [number, number, number];
}

function allClose(a: Affine, b: Affine): boolean {
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a[r]![c]! - b[r]![c]!) > 1e-8 + 1e-5 * Math.abs(b[r]![c]!)) return false;
    }
  return true;
}

/** Per-axis taps for a diagonal transform (scipy's zoom/shift path): coordinate (o + b/a) * a. */
function separableTaps(scale: number, shift: number, nOut: number, nIn: number, order: number) {
  const w = order + 1;
  const index = new Int32Array(nOut * w),
    weight = new Float64Array(nOut * w),
    inside = new Uint8Array(nOut);
  const offset = shift / scale;
  for (let o = 0; o < nOut; o++) inside[o] = axisTaps((o + offset) * scale, nIn, order, index, weight, o * w) ? 1 : 0;
  return { index, weight, inside };
}

/** Interpolate one 3-D volume of coefficients onto the target grid, writing raw (float) values. */
function interpolateVolume(
  coef: NumericArray,
  inShape: readonly number[],
  outShape: readonly number[],
  A: number[][],
  b: number[],
  order: number,
  fill: number,
  out: Float64Array,
): void {
  const [nx, ny, nz] = inShape as [number, number, number];
  const [ox, oy, oz] = outShape as [number, number, number];
  const w = order + 1,
    sxy = nx * ny;
  const diagonal = A[0]![1] === 0 && A[0]![2] === 0 && A[1]![0] === 0 && A[1]![2] === 0 && A[2]![0] === 0 && A[2]![1] === 0;
  const tx = diagonal ? separableTaps(A[0]![0]!, b[0]!, ox, nx, order) : undefined;
  const ty = diagonal ? separableTaps(A[1]![1]!, b[1]!, oy, ny, order) : undefined;
  const tz = diagonal ? separableTaps(A[2]![2]!, b[2]!, oz, nz, order) : undefined;
  const ix = new Int32Array(w),
    iy = new Int32Array(w),
    iz = new Int32Array(w);
  const wx = new Float64Array(w),
    wy = new Float64Array(w),
    wz = new Float64Array(w);
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      for (let i = 0; i < ox; i++, o++) {
        let inside: boolean;
        let xi = ix,
          yi = iy,
          zi = iz,
          xw = wx,
          yw = wy,
          zw = wz,
          xa = 0,
          ya = 0,
          za = 0;
        if (diagonal) {
          inside = tx!.inside[i] === 1 && ty!.inside[j] === 1 && tz!.inside[k] === 1;
          xi = tx!.index;
          xw = tx!.weight;
          xa = i * w;
          yi = ty!.index;
          yw = ty!.weight;
          ya = j * w;
          zi = tz!.index;
          zw = tz!.weight;
          za = k * w;
        } else {
          // Same summation order as scipy's affine_transform.
          const cx = i * A[0]![0]! + j * A[0]![1]! + k * A[0]![2]! + b[0]!;
          const cy = i * A[1]![0]! + j * A[1]![1]! + k * A[1]![2]! + b[1]!;
          const cz = i * A[2]![0]! + j * A[2]![1]! + k * A[2]![2]! + b[2]!;
          inside = axisTaps(cx, nx, order, ix, wx, 0) && axisTaps(cy, ny, order, iy, wy, 0) && axisTaps(cz, nz, order, iz, wz, 0);
        }
        if (!inside) {
          out[o] = fill;
          continue;
        }
        let t = 0;
        for (let p = 0; p < w; p++) {
          const px = xi[xa + p]!,
            pw = xw[xa + p]!;
          for (let q = 0; q < w; q++) {
            const base = px + nx * yi[ya + q]!,
              qw = yw[ya + q]!;
            for (let r = 0; r < w; r++) t += coef[base + sxy * zi[za + r]!]! * pw * qw * zw[za + r]!;
          }
        }
        out[o] = t;
      }
    }
  }
}

/** Copy with an integer voxel shift (identity scaling): exact, no interpolation needed. */
function shiftVolume(
  src: NumericArray,
  inShape: readonly number[],
  outShape: readonly number[],
  b: number[],
  fill: number,
  out: Float64Array,
): void {
  const [nx, ny, nz] = inShape as [number, number, number];
  const [ox, oy, oz] = outShape as [number, number, number];
  let o = 0;
  for (let k = 0; k < oz; k++)
    for (let j = 0; j < oy; j++)
      for (let i = 0; i < ox; i++, o++) {
        const x = i + b[0]!,
          y = j + b[1]!,
          z = k + b[2]!;
        out[o] = x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz ? src[x + nx * (y + ny * z)]! : fill;
      }
}

/**
 * Resample an image (3-D or 4-D, volume by volume) onto the grid given by targetAffine and
 * targetShape. Data type as nilearn: kept, except that a spline of signed integers gives floats;
 * integer outputs are rounded half away from zero.
 */
export async function resampleImg(img: ImgLike, opts: ResampleOptions): Promise<NiftiImage> {
  const { affine: targetAffine, order } = checkTarget(opts);
  const src = await loadImg(img);
  src.assertNumeric('img');
  const fill = opts.fillValue ?? 0;
  if (typeof fill !== 'number') throw new TypeError(`fillValue: expected a number, got ${describe(fill)}`);
  let targetShape: [number, number, number];
  if (opts.targetShape === undefined) {
    targetShape = coveringShape(src, targetAffine);
  } else {
    const s = opts.targetShape;
    if (!Array.isArray(s) || s.length !== 3 || s.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new Error(`targetShape: expected 3 positive integers, got ${JSON.stringify(s)}`);
    }
    targetShape = [s[0], s[1], s[2]];
  }
  const inShape = spatialShape(src);
  if (inShape.every((n, d) => n === targetShape[d]) && allClose(targetAffine, src.affine)) {
    return imageLike(src, src.data.slice(), src.shape);
  }
  const transform = src.affine.every((row, r) => row.every((v, c) => v === targetAffine[r]![c]))
    ? [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ]
    : multiplyAffines(invertAffine(src.affine), targetAffine);
  const A = transform.slice(0, 3).map((row) => row.slice(0, 3));
  const b = transform.slice(0, 3).map((row) => row[3]!);
  const isShift = A.every((row, r) => row.every((v, c) => v === (r === c ? 1 : 0))) && b.every((v) => Number.isInteger(v));

  const outVol = targetShape[0] * targetShape[1] * targetShape[2];
  const nVol = src.nVolumes;
  const { out, range } = outputArray(src, order, outVol * nVol);
  const values = new Float64Array(outVol);
  const coef = order === 3 && !isShift ? new Float64Array(src.volumeSize) : undefined;
  for (let t = 0; t < nVol; t++) {
    const volume = src.volume(t);
    if (isShift) {
      shiftVolume(volume, inShape, targetShape, b, fill, values);
    } else if (coef) {
      coef.set(volume);
      cubicPrefilterVolume(coef, inShape);
      interpolateVolume(coef, inShape, targetShape, A, b, order, fill, values);
    } else {
      interpolateVolume(volume, inShape, targetShape, A, b, order, fill, values);
    }
    const base = t * outVol;
    if (range) for (let i = 0; i < outVol; i++) out[base + i] = toInteger(values[i]!, range);
    else out.set(values, base);
  }
  if (opts.clip ?? true) clipToSourceRange(out, src.data, fill);
  return imageLike(src, out, [...targetShape, ...src.shape.slice(3)], targetAffine);
}

/** Clip to the source's range widened to include 0 (as nilearn) and the fill value. */
function clipToSourceRange(out: NumericArray, data: NumericArray, fill: number): void {
  let lo = Math.min(0, fill),
    hi = Math.max(0, fill);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v < lo) out[i] = lo;
    else if (v > hi) out[i] = hi;
  }
}

/**
 * Resample `source` onto the grid (affine and 3-D shape) of `target`. Unlike resampleImg, no
 * clipping by default (nilearn's resample_to_img).
 */
export async function resampleToImg(
  source: ImgLike,
  target: ImgLike,
  opts: { interpolation?: Interpolation; fillValue?: number; clip?: boolean } = {},
): Promise<NiftiImage> {
  checkOptions('resampleToImg', opts, ['interpolation', 'fillValue', 'clip']);
  const ref = await loadImg(target, {}, 'target');
  return resampleImg(source, {
    targetAffine: ref.affine,
    targetShape: spatialShape(ref),
    interpolation: opts.interpolation ?? 'continuous',
    fillValue: opts.fillValue,
    clip: opts.clip ?? false,
  });
}
