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
  let Xall: Matrix;
  try {
    Xall = await masker.transform(runs);
  } catch (err) {
    // The masker names images by position; the user knows them by file.
    const m = /^imgs(?:\[(\d+)\])?: NaN at voxel (\([^)]*\)) of volume (\d+)/.exec((err as Error).message);
    if (m) throw new Error(`--func: ${paths[Number(m[1] ?? 0)]}: non-finite value (NaN) at volume ${m[3]}, voxel ${m[2]}`);
    throw err;
  }
  assertFiniteSamples(Xall.data, Xall.cols, paths, runs, masker);
  const X = Xall.selectRows(labels.keep);
  const how = parseStandardize(opts.standardize);
  if (how) standardizeInPlace(X, how);
  return { X, y: labels.y, groups: labels.groups, maskImg: masker.maskImg_!, masker };
}

/** Name the file, volume and voxel of the first non-finite masked value (estimators would only say "X"). */
function assertFiniteSamples(data: Float64Array, cols: number, paths: string[], runs: NiftiImage[], masker: NiftiMasker): void {
  let bad = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) { bad = i; break; }
  }
  if (bad < 0) return;
  let row = Math.floor(bad / cols);
  const col = bad % cols;
  let run = 0;
  while (row >= runs[run]!.nVolumes) row -= runs[run++]!.nVolumes;
  const [nx, ny] = runs[run]!.shape as [number, number];
  const flat = masker.voxelOffsets[col]!;
  const ijk = [flat % nx, Math.floor(flat / nx) % ny, Math.floor(flat / (nx * ny))];
  throw new Error(`--func: ${paths[run]}: non-finite value (${data[bad]}) at volume ${row}, voxel (${ijk.join(', ')})`);
}
