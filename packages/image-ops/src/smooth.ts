// Gaussian smoothing with scipy.ndimage.gaussian_filter1d's conventions along each spatial axis:
// kernel truncated at 4 sigma (radius int(4 sigma + 0.5)), normalised, edges mode 'reflect'
// (d c b a | a b c d | d c b a), computed in float64. One pass per axis; the strided axes work on
// whole rows of i at a time so memory is read in order.
import { describeValue, rejectPromise } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { imageLike, loadImg, spatialShape, type ImgLike } from './io.js';

const FWHM_OVER_SIGMA = Math.sqrt(8 * Math.log(2));

/** Normalised 1-D Gaussian weights w[0..radius] (w[t] applies at offsets +t and -t). */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0)) throw new Error(`sigma: must be > 0, got ${sigma}`);
  const radius = Math.trunc(truncate * sigma + 0.5);
  const half = new Float64Array(radius + 1);
  let total = 0;
  for (let t = 0; t <= radius; t++) {
    half[t] = Math.exp((-0.5 / (sigma * sigma)) * t * t);
    total += t === 0 ? half[t]! : 2 * half[t]!;
  }
  for (let t = 0; t <= radius; t++) half[t]! /= total;
  return half;
}

/** Index into a line of length n under scipy's 'reflect' extension. */
export function reflectIndex(i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** Smooth every contiguous line (axis 0) of `data` in place; `pad` has room for n + 2 radius. */
function smoothContiguous(data: Float64Array, n: number, lines: number, w: Float64Array, pad: Float64Array): void {
  const r = w.length - 1;
  for (let line = 0; line < lines; line++) {
    const off = line * n;
    for (let p = 0; p < n + 2 * r; p++) pad[p] = data[off + reflectIndex(p - r, n)]!;
    for (let i = 0; i < n; i++) {
      const c = i + r;
      let acc = pad[c]! * w[0]!;
      for (let t = 1; t <= r; t++) acc += (pad[c - t]! + pad[c + t]!) * w[t]!;
      data[off + i] = acc;
    }
  }
}

/**
 * Smooth along a strided axis in place: `blocks` independent groups, each made of `n` rows of
 * `rowLen` contiguous values spaced `rowStride` apart, the groups `blockStride` apart.
 */
function smoothStrided(
  data: Float64Array,
  n: number,
  rowLen: number,
  rowStride: number,
  blocks: number,
  blockStride: number,
  w: Float64Array,
  buf: Float64Array,
  src: Int32Array,
): void {
  const r = w.length - 1;
  for (let b = 0; b < blocks; b++) {
    const base = b * blockStride;
    for (let row = 0; row < n; row++) buf.set(data.subarray(base + row * rowStride, base + row * rowStride + rowLen), row * rowLen);
    for (let row = 0; row < n; row++) {
      const out = base + row * rowStride;
      const centre = row * rowLen;
      const w0 = w[0]!;
      for (let i = 0; i < rowLen; i++) data[out + i] = buf[centre + i]! * w0;
      for (let t = 1; t <= r; t++) {
        const lo = src[row - t + r]! * rowLen,
          hi = src[row + t + r]! * rowLen;
        const wt = w[t]!;
        for (let i = 0; i < rowLen; i++) data[out + i]! += (buf[lo + i]! + buf[hi + i]!) * wt;
      }
    }
  }
}

/** Smooth a float64 volume stack (Fortran order, i fastest) in place with per-axis sigmas in voxels. */
export function gaussianSmoothInPlace(data: Float64Array, shape: readonly [number, number, number], sigmas: readonly number[]): void {
  const [nx, ny, nz] = shape;
  const vol = nx * ny * nz;
  const nVol = data.length / vol;
  const kernels = sigmas.map((s) => (s > 0 ? gaussianKernel(s) : undefined));
  const maxRadius = Math.max(0, ...kernels.map((k) => (k ? k.length - 1 : 0)));
  const reflected = (n: number): Int32Array => {
    const table = new Int32Array(n + 2 * maxRadius);
    for (let p = 0; p < table.length; p++) table[p] = reflectIndex(p - maxRadius, n);
    return table;
  };
  if (kernels[0]) {
    const pad = new Float64Array(nx + 2 * (kernels[0].length - 1));
    smoothContiguous(data, nx, data.length / nx, kernels[0], pad);
  }
  for (const axis of [1, 2] as const) {
    const w = kernels[axis];
    if (!w) continue;
    // Index tables are built for maxRadius; shift them to this kernel's radius.
    const n = axis === 1 ? ny : nz;
    const r = w.length - 1;
    const src = reflected(n).subarray(maxRadius - r);
    const buf = new Float64Array(nx * n);
    for (let t = 0; t < nVol; t++) {
      if (axis === 1) smoothStrided(data.subarray(t * vol), ny, nx, nx, nz, nx * ny, w, buf, src);
      else smoothStrided(data.subarray(t * vol), nz, nx, nx * ny, ny, nx, w, buf, src);
    }
  }
}

/** Sigmas in voxels for a FWHM in mm (one number or one per axis) on this affine's voxel sizes. */
export function fwhmToSigmas(fwhm: number | readonly number[], zooms: readonly number[]): number[] {
  const per = typeof fwhm === 'number' ? [fwhm, fwhm, fwhm] : fwhm.slice();
  if (per.length !== 3 || per.some((f) => typeof f !== 'number' || !(f >= 0) || !Number.isFinite(f))) {
    throw new Error(`fwhm: expected a number >= 0 or three of them (mm), got ${JSON.stringify(fwhm)}`);
  }
  return per.map((f, d) => f / (FWHM_OVER_SIGMA * zooms[d]!));
}

/**
 * Gaussian smoothing with a FWHM in mm (one number, or one per axis; 0 leaves an axis alone;
 * null smooths nothing). sigma = fwhm / sqrt(8 ln 2) / voxel size, voxel sizes from the affine's
 * column norms. Non-finite values become 0 first. 4-D images are smoothed volume by volume.
 * Returns float64 data.
 */
export async function smoothImg(img: ImgLike, fwhm: number | readonly number[] | null): Promise<NiftiImage> {
  rejectPromise(fwhm, 'fwhm');
  if (fwhm !== null && fwhm !== undefined && typeof fwhm !== 'number' && !Array.isArray(fwhm)) {
    throw new TypeError(`fwhm: expected a number of mm, three numbers or null, got ${describeValue(fwhm)}`);
  }
  const src = await loadImg(img);
  src.assertNumeric('img');
  const shape = spatialShape(src);
  const data = Float64Array.from(src.data);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) data[i] = 0;
  if (fwhm !== null && fwhm !== undefined) {
    const zooms = src.zooms.slice(0, 3);
    gaussianSmoothInPlace(data, shape, fwhmToSigmas(fwhm, zooms));
  }
  return imageLike(src, data, src.shape);
}
