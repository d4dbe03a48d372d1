// NiftiMasker: the bridge from 4-D images to time-by-voxel matrices and back.
import { checkOptions, optionKeys, rejectPromise } from '@neurodecode/matrix';
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { computeBackgroundMask, computeBrainMask, computeEpiMask, intersectMasks } from './masking.js';
import { resampleTemplate, resampleToGrid, smooth } from './resampling.js';
import { cleanSignals, type Standardize } from './signal.js';
import {
  assertSameGrid,
  binaryVolume,
  formatShape,
  loadImage,
  maskImageLike,
  maskOffsetsCOrder,
  sameGrid,
  type ImgLike,
} from './volume.js';

/** How NiftiMasker computes a mask when none is given (nilearn's mask_strategy). */
export type MaskStrategy = 'background' | 'epi' | 'whole-brain-template';

/** Signal cleaning shared by the maskers: standardize, detrend, runs and band-pass filtering (with the repetition time). */
export interface SignalOptions {
  standardize?: Standardize;
  detrend?: boolean;
  /** Run label per volume: cleaning (detrend, filter, standardize) is done per run. */
  runs?: ArrayLike<number | string>;
  highPass?: number;
  lowPass?: number;
  tR?: number;
}

/** NiftiMasker's options (nilearn's, camel-cased): the mask or how to compute it, and signal cleaning. */
export interface NiftiMaskerOptions extends SignalOptions {
  /** Mask image; computed from the images with `maskStrategy` when absent. */
  maskImg?: ImgLike;
  maskStrategy?: MaskStrategy;
  /** Options handed to the mask computation (e.g. { lowerCutoff } for 'epi'). */
  maskArgs?: Record<string, unknown>;
  /** Template for 'whole-brain-template' (see computeBrainMask). */
  brainTemplate?: ImgLike;
  /** Gaussian smoothing (mm) applied to images before masking. */
  smoothingFwhm?: number;
  /** Resample images (continuous) and the mask (nearest) to this grid. */
  targetAffine?: number[][];
  targetShape?: number[];
  /** Allow a mask on another grid than the images: it is resampled (nearest) to them. */
  resampleMask?: boolean;
}

const SIGNAL_KEYS = { standardize: true, detrend: true, runs: true, highPass: true, lowPass: true, tR: true } as const;
export const NIFTI_MASKER_OPTIONS = optionKeys<NiftiMaskerOptions>({
  ...SIGNAL_KEYS,
  maskImg: true,
  maskStrategy: true,
  maskArgs: true,
  brainTemplate: true,
  smoothingFwhm: true,
  targetAffine: true,
  targetShape: true,
  resampleMask: true,
});

/** Per-call extras of transform: run labels and confounds for cleaning. */
export interface TransformOptions {
  runs?: ArrayLike<number | string>;
  confounds?: Matrix;
}

/** One image or a list of images; each a NiftiImage or a path to a .nii/.nii.gz file. */
export type ImgsLike = ImgLike | ImgLike[];

/** Load one image or a list (paths or images) as a list; arg names the argument in errors. */
export async function loadImages(imgs: ImgsLike, arg = 'imgs'): Promise<NiftiImage[]> {
  const list = Array.isArray(imgs) ? imgs : [imgs];
  if (list.length === 0) throw new Error(`${arg}: got an empty list of images`);
  return Promise.all(list.map((im, i) => loadImage(im, Array.isArray(imgs) ? `${arg}[${i}]` : arg)));
}

/**
 * Masks images into a matrix (rows = volumes of all images in order, columns = mask voxels in C
 * order over (i, j, k)), cleans the signals, and maps rows back to images.
 */
export class NiftiMasker {
  readonly params: Readonly<NiftiMaskerOptions>;
  /** The mask in use, set by fit(). */
  maskImg_?: NiftiImage;
  private offsets?: Int32Array;
  private template?: NiftiImage;

  constructor(opts: NiftiMaskerOptions = {}) {
    checkOptions('NiftiMasker', opts, NIFTI_MASKER_OPTIONS);
    rejectPromise(opts.maskImg, 'maskImg');
    this.params = { ...opts };
  }

  /** Number of voxels in the fitted mask. */
  get nVoxels(): number {
    return this.fitted().offsets.length;
  }

  /** Fortran-order offsets of the mask voxels, in column order. */
  get voxelOffsets(): Int32Array {
    return this.fitted().offsets;
  }

  async fit(imgs?: ImgsLike): Promise<this> {
    const p = this.params;
    const images = imgs === undefined ? undefined : await loadImages(imgs);
    let mask: NiftiImage;
    if (p.maskImg !== undefined) {
      mask = await loadImage(p.maskImg, 'maskImg');
      binaryVolume(mask, 'maskImg');
    } else {
      if (!images) throw new Error('imgs: fit() needs images when no maskImg is given');
      mask = await this.computeMask(images);
    }
    const wantsTarget = p.targetAffine !== undefined || p.targetShape !== undefined;
    if (wantsTarget) {
      mask = await resampleToGrid(mask, p.targetAffine, p.targetShape, 'nearest');
    } else if (images && p.maskImg !== undefined && !sameGrid(mask, images[0]!)) {
      if (!p.resampleMask) {
        assertSameGrid(
          mask,
          'maskImg',
          images[0]!,
          Array.isArray(imgs) ? 'imgs[0]' : 'imgs',
          ' (pass resampleMask: true to resample the mask)',
        );
      }
      mask = await resampleTemplate(mask, images[0]!, 'nearest');
    }
    const binary = binaryVolume(mask, 'maskImg');
    const offsets = maskOffsetsCOrder(binary, mask.shape);
    if (offsets.length === 0) throw new Error(`maskImg: the mask of shape ${formatShape(mask.shape)} is empty (no non-zero voxel)`);
    this.maskImg_ = maskImageLike(mask, binary);
    this.offsets = offsets;
    this.template = images?.[0];
    return this;
  }

  private async computeMask(images: NiftiImage[]): Promise<NiftiImage> {
    const p = this.params;
    const strategy = p.maskStrategy ?? 'background';
    const first = images[0]!;
    for (let i = 1; i < images.length; i++) assertSameGrid(images[i]!, `imgs[${i}]`, first, 'imgs[0]');
    const args = p.maskArgs ?? {};
    const one = (img: NiftiImage): Promise<NiftiImage> => {
      switch (strategy) {
        case 'background':
          return computeBackgroundMask(img, args);
        case 'epi':
          return computeEpiMask(img, args);
        case 'whole-brain-template':
          return computeBrainMask(img, { ...args, template: p.brainTemplate });
        default:
          throw new Error(`maskStrategy: must be 'background', 'epi' or 'whole-brain-template', got ${JSON.stringify(strategy)}`);
      }
    };
    if (images.length === 1) return one(first);
    // Several runs: one mask each, kept where at least half agree (nilearn's multi-image masks).
    const masks: NiftiImage[] = [];
    for (const img of images) masks.push(await one(img));
    return intersectMasks(masks, { threshold: 0.5, connected: true });
  }

  private fitted(): { mask: NiftiImage; offsets: Int32Array } {
    if (!this.maskImg_ || !this.offsets) throw new Error('NiftiMasker: call fit() before using the masker');
    return { mask: this.maskImg_, offsets: this.offsets };
  }

  /** Masked, uncleaned data of the images (rows = volumes). */
  async extract(imgs: ImgsLike): Promise<Matrix> {
    const { mask, offsets } = this.fitted();
    const p = this.params;
    const images = await loadImages(imgs);
    const prepared: NiftiImage[] = [];
    for (let i = 0; i < images.length; i++) {
      let im = images[i]!;
      const arg = Array.isArray(imgs) ? `imgs[${i}]` : 'imgs';
      im.assertNumeric(arg);
      if (!sameGrid(im, mask)) {
        if (!(p.resampleMask || p.targetAffine || p.targetShape)) {
          assertSameGrid(im, arg, mask, 'the mask', ' (pass resampleMask: true to resample)');
        }
        im = await resampleTemplate(im, mask, 'continuous');
      }
      if (p.smoothingFwhm) im = await smooth(im, p.smoothingFwhm);
      prepared.push(im);
    }
    const nRows = prepared.reduce((s, im) => s + im.nVolumes, 0);
    const nCols = offsets.length;
    const X = Matrix.zeros(nRows, nCols);
    const out = X.data;
    let row = 0;
    for (let i = 0; i < prepared.length; i++) {
      const im = prepared[i]!;
      const data = im.data;
      const n = im.volumeSize;
      for (let t = 0; t < im.nVolumes; t++, row++) {
        const base = t * n,
          dst = row * nCols;
        for (let c = 0; c < nCols; c++) {
          const v = data[base + offsets[c]!] as number;
          if (v !== v) {
            const f = offsets[c]!,
              [nx, ny] = im.shape as [number, number];
            const voxel = `(${f % nx}, ${Math.floor(f / nx) % ny}, ${Math.floor(f / (nx * ny))})`;
            throw new Error(`${Array.isArray(imgs) ? `imgs[${i}]` : 'imgs'}: NaN at voxel ${voxel} of volume ${t} inside the mask`);
          }
          out[dst + c] = v;
        }
      }
    }
    return X;
  }

  async transform(imgs: ImgsLike, opts: TransformOptions = {}): Promise<Matrix> {
    checkOptions('transform', opts, optionKeys<TransformOptions>({ runs: true, confounds: true }));
    const X = await this.extract(imgs);
    const p = this.params;
    const runs = opts.runs ?? p.runs;
    if (runs && runs.length !== X.rows) {
      throw new Error(`runs: length ${runs.length} does not match the ${X.rows} volumes of imgs`);
    }
    const needsCleaning = p.detrend || p.standardize || p.highPass !== undefined || p.lowPass !== undefined || opts.confounds;
    if (!needsCleaning) return X;
    const tR = p.tR ?? this.template?.tr;
    return cleanSignals(X, {
      runs,
      detrend: p.detrend,
      standardize: p.standardize ?? false,
      highPass: p.highPass,
      lowPass: p.lowPass,
      tR,
      confounds: opts.confounds,
    });
  }

  async fitTransform(imgs: ImgsLike, opts: TransformOptions = {}): Promise<Matrix> {
    await this.fit(imgs);
    return this.transform(imgs, opts);
  }

  /**
   * Images from rows: a Float64Array (one row) or a one-row Matrix gives a 3-D image, a Matrix
   * with several rows a 4-D image. Voxels outside the mask are 0.
   */
  inverseTransform(X: Matrix | Float64Array): NiftiImage {
    const { mask, offsets } = this.fitted();
    const rows = X instanceof Float64Array ? 1 : X.rows;
    const cols = X instanceof Float64Array ? X.length : X.cols;
    const values = X instanceof Float64Array ? X : X.data;
    if (cols !== offsets.length) {
      throw new Error(`X: ${cols} columns do not match the ${offsets.length} voxels of the mask`);
    }
    const n = mask.volumeSize;
    const data = new Float64Array(n * rows);
    for (let r = 0; r < rows; r++) {
      const base = r * n,
        src = r * cols;
      for (let c = 0; c < cols; c++) data[base + offsets[c]!] = values[src + c]!;
    }
    const shape = rows === 1 ? mask.shape.slice(0, 3) : [...mask.shape.slice(0, 3), rows];
    const img = mask.withData(data, shape);
    img.header.dim[0] = shape.length;
    if (rows > 1) {
      img.header.dim[4] = rows;
      const tR = this.params.tR ?? this.template?.tr;
      if (tR) {
        img.header.pixdim[4] = tR;
        img.header.xyzt_units = (img.header.xyzt_units & 0x07) | 8;
      }
    }
    return img;
  }
}
