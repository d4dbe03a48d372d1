// Mask computation: EPI (histogram threshold), background, brain (template or background
// fallback), intersection; with 6-connected binary morphology and connected components.
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { assertSameGrid, binaryVolume, loadImage, maskImageLike, meanVolume, type ImgLike } from './volume.js';

/** A volume's grid size, (i, j, k). */
export type Shape3 = readonly [number, number, number];

function shape3(img: NiftiImage): Shape3 {
  return [img.shape[0]!, img.shape[1]!, img.shape[2]!];
}

/**
 * One step of 6-connected erosion (keep = all face neighbours set) or dilation (set = any face
 * neighbour set). Outside the volume counts as 0, as scipy.ndimage's default border.
 */
function morphStep(src: Uint8Array, dst: Uint8Array, [nx, ny, nz]: Shape3, erode: boolean): void {
  const sy = nx,
    sz = nx * ny;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + sy * j + sz * k;
        if (erode) {
          dst[v] =
            src[v] &&
            i > 0 &&
            i < nx - 1 &&
            j > 0 &&
            j < ny - 1 &&
            k > 0 &&
            k < nz - 1 &&
            src[v - 1] &&
            src[v + 1] &&
            src[v - sy] &&
            src[v + sy] &&
            src[v - sz] &&
            src[v + sz]
              ? 1
              : 0;
        } else {
          dst[v] =
            src[v] ||
            (i > 0 && src[v - 1]) ||
            (i < nx - 1 && src[v + 1]) ||
            (j > 0 && src[v - sy]) ||
            (j < ny - 1 && src[v + sy]) ||
            (k > 0 && src[v - sz]) ||
            (k < nz - 1 && src[v + sz])
              ? 1
              : 0;
        }
      }
    }
  }
}

function morph(mask: Uint8Array, shape: Shape3, iterations: number, erode: boolean): Uint8Array {
  let a = mask.slice();
  let b = new Uint8Array(mask.length);
  for (let it = 0; it < iterations; it++) {
    morphStep(a, b, shape, erode);
    [a, b] = [b, a];
  }
  return a;
}

/** 6-connected binary erosion of a Fortran-order volume (scipy.ndimage.binary_erosion). */
export function erodeMask(mask: Uint8Array, shape: Shape3, iterations = 1): Uint8Array {
  return morph(mask, shape, iterations, true);
}

/** 6-connected binary dilation of a Fortran-order volume (scipy.ndimage.binary_dilation). */
export function dilateMask(mask: Uint8Array, shape: Shape3, iterations = 1): Uint8Array {
  return morph(mask, shape, iterations, false);
}

/** Keep only the largest 6-connected component (ties: the one found first in memory order). */
export function largestConnectedComponent(mask: Uint8Array, [nx, ny, nz]: Shape3): Uint8Array {
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  const sy = nx,
    sz = nx * ny;
  let best = 0,
    bestSize = 0,
    label = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    label++;
    let top = 0,
      size = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const v = stack[--top]!;
      size++;
      const i = v % nx,
        j = Math.floor(v / sy) % ny,
        k = Math.floor(v / sz);
      const visit = (u: number): void => {
        if (mask[u] && !labels[u]) {
          labels[u] = label;
          stack[top++] = u;
        }
      };
      if (i > 0) visit(v - 1);
      if (i < nx - 1) visit(v + 1);
      if (j > 0) visit(v - sy);
      if (j < ny - 1) visit(v + sy);
      if (k > 0) visit(v - sz);
      if (k < nz - 1) visit(v + sz);
    }
    if (size > bestSize) {
      bestSize = size;
      best = label;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = labels[v] === best && best > 0 ? 1 : 0;
  return out;
}

/** nilearn's post-processing: erode, keep the largest component, dilate twice as far, erode. */
function postProcess(mask: Uint8Array, shape: Shape3, opening: number, connected: boolean): Uint8Array {
  let out = opening > 0 ? erodeMask(mask, shape, opening) : mask;
  if (connected && out.some((v) => v)) out = largestConnectedComponent(out, shape);
  if (opening > 0) out = erodeMask(dilateMask(out, shape, 2 * opening), shape, opening);
  return out;
}

function checkNotEmpty(mask: Uint8Array, arg: string, why: string): void {
  if (!mask.some((v) => v)) throw new Error(`${arg}: the computed mask is empty (${why})`);
}

/** Options of computeEpiMask (nilearn's compute_epi_mask): histogram cut-offs, largest component, opening. */
export interface EpiMaskOptions {
  /** Fraction of the sorted intensities below which the histogram gap is not searched. */
  lowerCutoff?: number;
  upperCutoff?: number;
  connected?: boolean;
  /** Iterations of the binary opening; 0 for none. */
  opening?: number;
  excludeZeros?: boolean;
}

/**
 * Brain mask of an EPI image (nilearn's compute_epi_mask): threshold the mean image at the
 * biggest jump of its sorted intensities between the lower and upper cut-off fractions, then
 * keep the largest connected component and apply a binary opening.
 */
export async function computeEpiMask(img: ImgLike, opts: EpiMaskOptions = {}): Promise<NiftiImage> {
  checkOptions(
    'computeEpiMask',
    opts,
    optionKeys<EpiMaskOptions>({ lowerCutoff: true, upperCutoff: true, connected: true, opening: true, excludeZeros: true }),
  );
  const { lowerCutoff = 0.2, upperCutoff = 0.85, connected = true, opening = 2, excludeZeros = false } = opts;
  if (!(lowerCutoff >= 0 && lowerCutoff < upperCutoff && upperCutoff <= 1)) {
    throw new Error(`lowerCutoff/upperCutoff: need 0 <= lowerCutoff < upperCutoff <= 1, got ${lowerCutoff} and ${upperCutoff}`);
  }
  const image = await loadImage(img, 'img');
  image.assertNumeric('img');
  const mean = meanVolume(image);
  for (let v = 0; v < mean.length; v++) if (!Number.isFinite(mean[v]!)) mean[v] = 0;
  let sorted = Float64Array.from(mean).sort();
  if (excludeZeros) sorted = sorted.filter((v) => v !== 0);
  const n = sorted.length;
  if (n < 2) throw new Error(`img: too few voxels (${n}) to compute an EPI mask`);
  const lower = Math.floor(lowerCutoff * n);
  const upper = Math.min(Math.floor(upperCutoff * n), n - 1);
  let bestGap = -Infinity,
    at = lower;
  for (let i = lower; i < upper; i++) {
    const gap = sorted[i + 1]! - sorted[i]!;
    if (gap > bestGap) {
      bestGap = gap;
      at = i;
    }
  }
  const threshold = 0.5 * (sorted[at]! + sorted[at + 1]!);
  let mask: Uint8Array = new Uint8Array(mean.length);
  for (let v = 0; v < mean.length; v++) mask[v] = mean[v]! >= threshold ? 1 : 0;
  mask = postProcess(mask, shape3(image), opening, connected);
  checkNotEmpty(mask, 'img', 'try a lower lowerCutoff or no opening');
  return maskImageLike(image, mask);
}

/** Options of computeBackgroundMask (nilearn's compute_background_mask): border size, largest component, opening. */
export interface BackgroundMaskOptions {
  borderSize?: number;
  connected?: boolean;
  opening?: number;
}

/**
 * Mask of everything that differs from the background (nilearn's compute_background_mask): the
 * background is the median of the mean image over a border `borderSize` voxels thick, or NaN
 * when the image holds NaNs.
 */
export async function computeBackgroundMask(img: ImgLike, opts: BackgroundMaskOptions = {}): Promise<NiftiImage> {
  checkOptions('computeBackgroundMask', opts, optionKeys<BackgroundMaskOptions>({ borderSize: true, connected: true, opening: true }));
  const { borderSize = 2, connected = false, opening = 0 } = opts;
  const image = await loadImage(img, 'img');
  image.assertNumeric('img');
  const mean = meanVolume(image);
  const [nx, ny, nz] = shape3(image);
  let mask: Uint8Array = new Uint8Array(mean.length);
  if (mean.some((v) => Number.isNaN(v))) {
    for (let v = 0; v < mean.length; v++) mask[v] = Number.isNaN(mean[v]!) ? 0 : 1;
  } else {
    // The six slabs are gathered separately (edges counted more than once), as nilearn does.
    const border: number[] = [];
    const b = borderSize;
    const inSlab = (i: number, j: number, k: number, axis: number, start: boolean): boolean => {
      const [c, n] = axis === 0 ? [i, nx] : axis === 1 ? [j, ny] : [k, nz];
      return start ? c < b : c >= n - b;
    };
    for (let axis = 0; axis < 3; axis++) {
      for (const start of [true, false]) {
        for (let k = 0; k < nz; k++)
          for (let j = 0; j < ny; j++)
            for (let i = 0; i < nx; i++) {
              if (inSlab(i, j, k, axis, start)) border.push(mean[i + nx * (j + ny * k)]!);
            }
      }
    }
    border.sort((x, y) => x - y);
    const m = border.length;
    const background = m % 2 ? border[(m - 1) / 2]! : 0.5 * (border[m / 2 - 1]! + border[m / 2]!);
    for (let v = 0; v < mean.length; v++) mask[v] = mean[v] !== background ? 1 : 0;
  }
  mask = postProcess(mask, [nx, ny, nz], opening, connected);
  checkNotEmpty(mask, 'img', 'the whole image equals the background value');
  return maskImageLike(image, mask);
}

/** Options of computeBrainMask (nilearn's compute_brain_mask): template threshold, largest component, opening. */
export interface BrainMaskOptions {
  threshold?: number;
  connected?: boolean;
  opening?: number;
  /**
   * A whole-brain probability (or binary) template in the image's world space, e.g. the MNI152
   * brain mask. Resampled to the image and thresholded. Without it the mask falls back to
   * computeBackgroundMask followed by the same connected/opening post-processing.
   */
  template?: ImgLike;
}

/**
 * Whole-brain mask (nilearn's compute_brain_mask). nilearn resamples its bundled MNI152 template;
 * this package ships no template, so pass one as `template` to get the same behaviour.
 */
export async function computeBrainMask(img: ImgLike, opts: BrainMaskOptions = {}): Promise<NiftiImage> {
  checkOptions('computeBrainMask', opts, optionKeys<BrainMaskOptions>({ threshold: true, connected: true, opening: true, template: true }));
  const { threshold = 0.5, connected = true, opening = 2 } = opts;
  const image = await loadImage(img, 'img');
  let mask: Uint8Array;
  if (opts.template !== undefined) {
    const { resampleTemplate } = await import('./resampling.js');
    const resampled = await resampleTemplate(opts.template, image, 'continuous');
    const data = resampled.data;
    mask = new Uint8Array(image.volumeSize);
    for (let v = 0; v < mask.length; v++) mask[v] = (data[v] as number) > threshold ? 1 : 0;
  } else {
    mask = binaryVolume(await computeBackgroundMask(image), 'img');
  }
  mask = postProcess(mask, shape3(image), opening, connected);
  checkNotEmpty(mask, 'img', opts.template ? 'the template does not overlap the image' : 'no foreground found');
  return maskImageLike(image, mask);
}

/** Options of intersectMasks (nilearn's intersect_masks): the fraction threshold and largest component. */
export interface IntersectOptions {
  /** 1 = intersection, 0 = union, in between = voxels present in more than that fraction. */
  threshold?: number;
  connected?: boolean;
}

/** Voxels present in more than `threshold` of the masks (nilearn's intersect_masks). */
export async function intersectMasks(masks: ImgLike[], opts: IntersectOptions = {}): Promise<NiftiImage> {
  checkOptions('intersectMasks', opts, optionKeys<IntersectOptions>({ threshold: true, connected: true }));
  const { threshold = 0.5, connected = true } = opts;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`threshold: must lie in [0, 1], got ${threshold}`);
  if (masks.length === 0) throw new Error('masks: need at least one mask, got an empty list');
  const images = await Promise.all(masks.map((m, i) => loadImage(m, `masks[${i}]`)));
  const ref = images[0]!;
  const counts = new Uint16Array(ref.volumeSize);
  images.forEach((im, idx) => {
    if (idx > 0) assertSameGrid(im, `masks[${idx}]`, ref, 'masks[0]');
    const b = binaryVolume(im, `masks[${idx}]`);
    for (let v = 0; v < b.length; v++) counts[v] += b[v]!;
  });
  const cut = Math.min(threshold, 1 - 1e-7) * images.length;
  let out: Uint8Array = new Uint8Array(counts.length);
  for (let v = 0; v < out.length; v++) out[v] = counts[v]! > cut ? 1 : 0;
  if (connected && out.some((v) => v)) out = largestConnectedComponent(out, shape3(ref));
  return maskImageLike(ref, out);
}
