// Thresholding and binarising, following nilearn's threshold_img / binarize_img.
import type { NiftiImage, NumericArray } from '@neurodecode/nifti-io';
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { describe, imageLike, loadImg, type ImgLike } from './io.js';

/** Options of thresholdImg: sidedness and whether to copy the image. */
export interface ThresholdOptions {
  /** Compare |value| with the threshold (default true); false compares the signed value. */
  twoSided?: boolean;
  /** false writes into the given image's data instead of a copy (default true). */
  copy?: boolean;
}

/** Linear-interpolation percentile (numpy's default) of the values, q in [0, 100]. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) throw new Error('percentile: no values');
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos),
    hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The numeric cutoff a threshold argument means for these values. */
export function resolveThreshold(threshold: number | string, values: NumericArray, twoSided: boolean): number {
  if (typeof threshold === 'number') {
    if (Number.isNaN(threshold)) throw new Error('threshold: is NaN');
    if (twoSided && threshold < 0) throw new Error(`threshold: must be >= 0 for a two-sided threshold, got ${threshold}`);
    return threshold;
  }
  if (typeof threshold === 'string') {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(threshold);
    const q = m ? Number(m[1]) : NaN;
    if (!(q >= 0 && q <= 100)) throw new Error(`threshold: "${threshold}" is not a percentile between "0%" and "100%"`);
    const src = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      src[i] = Number.isFinite(v) ? (twoSided ? Math.abs(v) : v) : 0;
    }
    return percentile(src, q);
  }
  throw new TypeError(`threshold: expected a number or a percentile string such as "90%", got ${describe(threshold)}`);
}

/**
 * Set to 0 every voxel whose |value| (signed value when twoSided is false) is below the
 * threshold; non-finite values become 0. A string "NN%" thresholds at that percentile of the
 * image's |values| (of its values when one-sided). The data type is kept.
 */
export async function thresholdImg(img: ImgLike, threshold: number | string, opts: ThresholdOptions = {}): Promise<NiftiImage> {
  checkOptions('thresholdImg', opts, optionKeys<ThresholdOptions>({ twoSided: true, copy: true }));
  const { twoSided = true, copy = true } = opts;
  const src = await loadImg(img);
  src.assertNumeric('img');
  const cutoff = resolveThreshold(threshold, src.data, twoSided);
  const out = copy ? src.data.slice() : src.data;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v) || (twoSided ? Math.abs(v) : v) < cutoff) out[i] = 0;
  }
  return copy ? imageLike(src, out, src.shape) : src;
}

/**
 * A uint8 0/1 image: 1 where the value is non-zero after thresholdImg (threshold 0 by default,
 * so simply "non-zero").
 */
export async function binarizeImg(img: ImgLike, opts: { threshold?: number | string; twoSided?: boolean } = {}): Promise<NiftiImage> {
  checkOptions('binarizeImg', opts, ['threshold', 'twoSided']);
  const src = await loadImg(img);
  src.assertNumeric('img');
  const twoSided = opts.twoSided ?? true;
  const cutoff = resolveThreshold(opts.threshold ?? 0, src.data, twoSided);
  const data = src.data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v !== 0 && Number.isFinite(v) && (twoSided ? Math.abs(v) : v) >= cutoff ? 1 : 0;
  }
  return imageLike(src, out, src.shape);
}
