// The data the page analyses: a 4-D functional image, its mask (given, or the EPI mask computed
// from the data), per-volume labels and runs, and the mean image shown under the results. Every
// check that can fail names the file and what is wrong, before any analysis starts.
import { affinesClose, readNiftiFromBuffer, NiftiImage } from '@neurodecode/nifti-io/browser';
import { meanImg } from '@neurodecode/image-ops';
import { computeEpiMask } from '@neurodecode/maskers';
import { parseLabels, type VolumeLabels } from './labels.js';
import type { DatasetMessage } from './protocol.js';
import { imageMessage } from './protocol.js';

/** Voxel data the page accepts (as float32), by default; `?limit-mb=N` in the address changes it. */
export const DEFAULT_LIMIT_BYTES = 1024 ** 3;

export function memoryLimitBytes(search = globalThis.location?.search ?? ''): number {
  const raw = new URLSearchParams(search).get('limit-mb');
  const mb = raw === null ? NaN : Number(raw);
  return mb > 0 ? mb * 1024 ** 2 : DEFAULT_LIMIT_BYTES;
}

export interface LoadedImage {
  img: NiftiImage;
  name: string;
  bytes: Uint8Array;
}

/** Parse NIfTI bytes as float32 (as the CLI reads functional runs), refusing oversized images up front. */
export async function readImage(bytes: Uint8Array, name: string, limitBytes = memoryLimitBytes()): Promise<LoadedImage> {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped && bytes.length < 348)
    throw new Error(`${name}: ${bytes.length} bytes is too short to be a NIfTI file (its header alone is 348 bytes)`);
  // The decoder reads the header first and refuses before allocating anything over the limit.
  const img = await readNiftiFromBuffer(bytes, name, { dtype: 'float32', maxBytes: limitBytes });
  return { img, name, bytes };
}

export function sameGrid(a: NiftiImage, b: NiftiImage): boolean {
  return a.shape.slice(0, 3).join() === b.shape.slice(0, 3).join() && affinesClose(a.affine, b.affine, 1e-4);
}

/** A mask must be 3-D, on the functional image's grid, and not empty. */
export function checkMask(mask: LoadedImage, func: LoadedImage): void {
  if (mask.img.nVolumes !== 1) throw new Error(`mask: ${mask.name} has shape [${mask.img.shape.join(', ')}]; a mask is one 3-D volume`);
  if (!sameGrid(mask.img, func.img)) {
    const grid = (i: NiftiImage) =>
      `[${i.shape.slice(0, 3).join(', ')}] at ${i.zooms
        .slice(0, 3)
        .map((z) => +z.toFixed(3))
        .join(' x ')} mm`;
    throw new Error(
      `mask: ${mask.name} is on another grid (${grid(mask.img)}) than ${func.name} (${grid(func.img)}); resample it to the functional image first`,
    );
  }
  if (countVoxels(mask.img) === 0) throw new Error(`mask: ${mask.name} has no non-zero voxel`);
}

export interface Dataset {
  func: LoadedImage;
  mask: NiftiImage;
  /** Where the mask came from: its file name, or the EPI mask computed from the data. */
  maskSource: string;
  nMaskVoxels: number;
  labels: VolumeLabels;
  labelsName: string;
  mean: NiftiImage;
}

export function countVoxels(mask: NiftiImage): number {
  const data = mask.data as ArrayLike<number>;
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  return n;
}

/** The functional image's own TR (seconds) when its header gives one. */
export function headerTr(img: NiftiImage): number | undefined {
  const tr = img.header.pixdim[4];
  const seconds = (img.header.xyzt_units & 0x38) === 16 ? tr! / 1000 : (img.header.xyzt_units & 0x38) === 24 ? tr! / 1e6 : tr!;
  return seconds && seconds > 0 ? seconds : undefined;
}

/** A problem with one of the inputs, so the page can set that input aside and keep the others. */
export class InputError extends Error {
  constructor(
    readonly slot: 'func' | 'mask' | 'labels',
    message: string,
  ) {
    super(message);
  }
}

function blame<T>(slot: InputError['slot'], work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw err instanceof InputError ? err : new InputError(slot, (err as Error).message);
  }
}

/** Put the pieces together; throws the first problem (an InputError naming the input). */
export async function assembleDataset(
  func: LoadedImage,
  mask: LoadedImage | undefined,
  labels: { text: string; name: string } | undefined,
  tr: number | undefined,
): Promise<{ dataset?: Dataset; mean: NiftiImage }> {
  if (func.img.nVolumes < 2)
    throw new InputError(
      'func',
      `func: ${func.name} has shape [${func.img.shape.join(', ')}]; decoding needs a 4-D functional image (volumes over time)`,
    );
  const mean = await meanImg(func.img);
  if (mask) blame('mask', () => checkMask(mask, func));
  if (!labels) return { mean };
  const parsed = blame('labels', () => parseLabels(labels.text, labels.name, func.img.nVolumes, tr ?? headerTr(func.img)));
  let maskImg: NiftiImage;
  try {
    maskImg = mask ? mask.img : await computeEpiMask(func.img);
  } catch (err) {
    throw new InputError(
      'func',
      `mask: no mask file was given, and computing the EPI mask of ${func.name} failed (${(err as Error).message}); give a mask file`,
    );
  }
  const nMaskVoxels = countVoxels(maskImg);
  if (nMaskVoxels === 0) throw new InputError('func', `mask: the EPI mask computed from ${func.name} is empty; give a mask file`);
  return {
    mean,
    dataset: {
      func: { ...func, img: inSharedMemory(func.img) },
      mask: maskImg,
      maskSource: mask ? mask.name : `EPI mask computed from ${func.name}`,
      nMaskVoxels,
      labels: parsed,
      labelsName: labels.name,
      mean,
    },
  };
}

/**
 * The image with its voxels in a SharedArrayBuffer when the page may share memory: every job's
 * message then hands workers the same memory instead of a copy of the whole 4-D image.
 */
export function inSharedMemory(img: NiftiImage): NiftiImage {
  if (typeof SharedArrayBuffer !== 'function' || !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) return img;
  if (!(img.data instanceof Float32Array) || img.data.buffer instanceof SharedArrayBuffer) return img;
  const data = new Float32Array(new SharedArrayBuffer(img.data.length * 4));
  data.set(img.data);
  return new NiftiImage({ data, shape: img.shape, affine: img.affine, header: img.header });
}

export function datasetMessage(d: Dataset, targets: string[]): DatasetMessage {
  return {
    func: imageMessage(d.func.img),
    mask: imageMessage(d.mask),
    labels: d.labels.labels,
    groups: d.labels.groups,
    targets,
  };
}

/** The shared Haxby slice, served by the dev server under /data/haxby-slice/. */
export async function fetchExample(): Promise<{ func: Uint8Array; mask: Uint8Array; labels: string }> {
  const get = async (file: string) => {
    const res = await fetch(`data/haxby-slice/${file}`);
    if (!res.ok)
      throw new Error(
        `example: data/haxby-slice/${file} is not served here (HTTP ${res.status}); the dev server serves it when ../shared/data/haxby-slice exists`,
      );
    return res;
  };
  const [func, mask, labels] = await Promise.all([get('bold.nii.gz'), get('mask.nii.gz'), get('labels.txt')]);
  return {
    func: new Uint8Array(await func.arrayBuffer()),
    mask: new Uint8Array(await mask.arrayBuffer()),
    labels: await labels.text(),
  };
}

export { NiftiImage };
