// Images in: the Decoder's embedded NiftiMasker, built from the Decoder's own options as nilearn
// builds it (mask or mask strategy, smoothing, standardization, filtering, target grid).
import type { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { resampleToImg } from '@neurodecode/image-ops';
import { NiftiMasker, loadImages, type ImgLike, type ImgsLike, type MaskStrategy, type Standardize } from '@neurodecode/maskers';

export type { ImgsLike };

export interface ImageOptions {
  /** Mask image (or path), or a NiftiMasker whose mask and settings are used as they are. */
  mask?: ImgLike | NiftiMasker;
  /** How to compute a mask when none is given (nilearn's default 'background'). */
  maskStrategy?: MaskStrategy;
  /** Gaussian smoothing (mm FWHM) before masking. */
  smoothingFwhm?: number;
  /**
   * Standardization of each voxel's series: true (nilearn 0.10's Decoder default) means 'zscore'
   * (population standard deviation), false none, or a Standardize name.
   */
  standardize?: boolean | Standardize;
  lowPass?: number;
  highPass?: number;
  tR?: number;
  targetAffine?: number[][];
  targetShape?: number[];
  /** Receives notices such as "images resampled to the mask" (default: console.warn). */
  onNotice?: (message: string) => void;
}

export function resolveStandardize(s: ImageOptions['standardize']): Standardize {
  if (s === undefined || s === true) return 'zscore';
  if (s === false) return false;
  return s;
}

export function isImageInput(x: unknown): x is ImgsLike {
  if (typeof x === 'string') return true;
  if (Array.isArray(x)) return x.length > 0 && x.every((v) => typeof v === 'string' || isNifti(v));
  return isNifti(x);
}

function isNifti(x: unknown): x is NiftiImage {
  return typeof x === 'object' && x !== null && 'affine' in x && 'shape' in x && 'data' in x && !('rows' in x);
}

/** The embedded masker, fitted (on the images only when it has to compute the mask). */
export async function fitEmbeddedMasker(opts: ImageOptions, images: NiftiImage[]): Promise<NiftiMasker> {
  if (opts.mask instanceof NiftiMasker) {
    if (!opts.mask.maskImg_) await opts.mask.fit(images);
    return opts.mask;
  }
  const masker = new NiftiMasker({
    maskImg: opts.mask,
    maskStrategy: opts.maskStrategy ?? 'background',
    smoothingFwhm: opts.smoothingFwhm,
    standardize: resolveStandardize(opts.standardize),
    lowPass: opts.lowPass,
    highPass: opts.highPass,
    tR: opts.tR,
    targetAffine: opts.targetAffine,
    targetShape: opts.targetShape,
    // Images on another grid than a given mask are resampled to the mask (see maskImages).
    resampleMask: true,
  });
  await masker.fit(opts.mask === undefined ? images : undefined);
  return masker;
}

function sameGrid(a: NiftiImage, b: NiftiImage): boolean {
  for (let d = 0; d < 3; d++) if (a.shape[d] !== b.shape[d]) return false;
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) if (Math.abs(a.affine[r]![c]! - b.affine[r]![c]!) > 1e-6) return false;
  return true;
}

/**
 * Masked (and cleaned, by the masker's settings) rows of the images. Images on a grid other than
 * the mask's are resampled to it (continuous interpolation) with a notice, as nilearn does.
 */
export async function maskImages(masker: NiftiMasker, imgs: ImgsLike, onNotice?: (m: string) => void, targetGrid = false): Promise<Matrix> {
  const images = await loadImages(imgs);
  const mask = masker.maskImg_!;
  const out: NiftiImage[] = [];
  for (let i = 0; i < images.length; i++) {
    let im = images[i]!;
    // With a target grid the masker resamples everything itself.
    if (!targetGrid && !sameGrid(im, mask)) {
      (onNotice ?? ((m: string) => console.warn(m)))(
        `imgs${Array.isArray(imgs) ? `[${i}]` : ''}: shape ${im.shape.slice(0, 3).join('x')} differs from the mask's grid ${mask.shape.slice(0, 3).join('x')}; resampling the images to the mask (continuous interpolation), as nilearn does`,
      );
      im = await resampleToImg(im, mask, { interpolation: 'continuous' });
    }
    out.push(im);
  }
  return masker.transform(out);
}
