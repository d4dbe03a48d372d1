// Bridges to @neurodecode/image-ops (resampling, smoothing, dilation). Looked up at call time so
// this package keeps working (and reports clearly) while image-ops grows.
import type { NiftiImage } from '@neurodecode/nifti-io';
import type { ImgLike } from './volume.js';

type ImageOps = Record<string, unknown>;

async function imageOp<F>(name: string, purpose: string): Promise<F> {
  const ops = (await import('@neurodecode/image-ops')) as unknown as ImageOps;
  const fn = ops[name];
  if (typeof fn !== 'function') {
    throw new Error(`${purpose}: @neurodecode/image-ops does not provide ${name}() in this build`);
  }
  return fn as F;
}

type ResampleToImg = (src: ImgLike, target: ImgLike, opts?: { interpolation?: string }) => Promise<NiftiImage>;
type ResampleImg = (
  src: ImgLike,
  opts: { targetAffine?: number[][]; targetShape?: number[]; interpolation?: string },
) => Promise<NiftiImage>;
type SmoothImg = (img: ImgLike, fwhm: number | number[]) => Promise<NiftiImage>;

export async function resampleTemplate(
  src: ImgLike,
  target: NiftiImage,
  interpolation: 'continuous' | 'nearest' | 'linear',
): Promise<NiftiImage> {
  const resampleToImg = await imageOp<ResampleToImg>('resampleToImg', 'resampling');
  return resampleToImg(src, target, { interpolation });
}

export async function resampleToGrid(
  src: NiftiImage,
  targetAffine: number[][] | undefined,
  targetShape: number[] | undefined,
  interpolation: 'continuous' | 'nearest' | 'linear',
): Promise<NiftiImage> {
  if (!targetAffine) throw new Error(`targetAffine: needed when targetShape (${targetShape?.join(', ')}) is given`);
  const resampleImg = await imageOp<ResampleImg>('resampleImg', 'targetAffine');
  return resampleImg(src, { targetAffine, targetShape, interpolation });
}

export async function smooth(img: NiftiImage, fwhm: number | number[]): Promise<NiftiImage> {
  const smoothImg = await imageOp<SmoothImg>('smoothImg', 'smoothingFwhm');
  return smoothImg(img, fwhm);
}
