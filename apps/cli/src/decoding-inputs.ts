// Inputs for decode, permutation, searchlight (with preprocessing) and spacenet: masked,
// cleaned, target-selected, standardized sample matrix.
import type { Matrix } from '@neurodecode/matrix';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';
import type { NiftiMasker } from '@neurodecode/maskers';
import { funcList, loadLabels, readFuncRuns, type LabelOptions } from './inputs.js';
import type { Value } from './labels.js';
import { maskAndClean, type PreprocessingCliOptions } from './preprocessing.js';

export interface DecodingInputOptions extends LabelOptions, PreprocessingCliOptions {
  func: string | string[];
  mask?: string;
}

export interface DecodingInputs {
  X: Matrix;
  y: Value[];
  groups?: Value[];
  maskImg: NiftiImage;
  masker: NiftiMasker;
  /** Volume index (in the concatenated runs) of each row of X. */
  volumes: number[];
  /** Masker and cleaning settings, for a saved model. */
  settings: Record<string, unknown>;
}

export async function loadDecodingInputs(opts: DecodingInputOptions): Promise<DecodingInputs> {
  const paths = funcList(opts.func);
  const runs = await readFuncRuns(paths);
  const labels = loadLabels(opts, runs);
  const maskImg = opts.mask ? await readNifti(opts.mask) : undefined;
  const { X, masker, maskImg: fitted, settings } = await maskAndClean(runs, maskImg, labels.keep, opts, { paths });
  return { X, y: labels.y, groups: labels.groups, maskImg: fitted, masker, volumes: labels.keep, settings };
}
