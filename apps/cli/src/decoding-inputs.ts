// Inputs for decode and permutation: masked, target-selected, standardized sample matrix.
import type { Matrix } from '@neurodecode/matrix';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace, type Standardize } from '@neurodecode/maskers';
import { funcList, loadLabels, readFuncRuns, type LabelOptions } from './inputs.js';
import type { Value } from './labels.js';

export interface DecodingInputOptions extends LabelOptions {
  func: string | string[];
  mask?: string;
  standardize?: string;
}

export interface DecodingInputs {
  X: Matrix;
  y: Value[];
  groups?: Value[];
  maskImg: NiftiImage;
  masker: NiftiMasker;
  /** Volume index (in the concatenated runs) of each row of X. */
  volumes: number[];
}

export function parseStandardize(value: string | undefined): Standardize {
  if (value === undefined || value === 'zscore_sample' || value === 'true') return 'zscore_sample';
  if (value === 'none' || value === 'false') return false;
  if (value === 'zscore' || value === 'psc') return value;
  throw new Error(`--standardize: expected zscore_sample, zscore, psc or none, got "${value}"`);
}

export async function loadDecodingInputs(opts: DecodingInputOptions): Promise<DecodingInputs> {
  const paths = funcList(opts.func);
  const runs = await readFuncRuns(paths);
  const labels = loadLabels(opts, runs.map((r) => r.nVolumes));
  const maskImg = opts.mask ? await readNifti(opts.mask) : undefined;
  const masker = new NiftiMasker({ maskImg });
  await masker.fit(runs);
  const Xall = await masker.transform(runs);
  const X = Xall.selectRows(labels.keep);
  const how = parseStandardize(opts.standardize);
  if (how) standardizeInPlace(X, how);
  return { X, y: labels.y, groups: labels.groups, maskImg: masker.maskImg_!, masker, volumes: labels.keep };
}
