// The signal preprocessing flags decode, permutation, searchlight and spacenet share, and the one
// place they are applied: images -> (smoothing) -> mask -> per-run detrend / Butterworth filter /
// confound removal on whole runs -> target selection -> per-run standardization. A run is one
// --func file (a single concatenated file is standardized as a whole, as nilearn's Decoder does).
import { Option, type Command } from 'commander';
import { readTextFile } from './text-input.js';
import { Matrix } from '@neurodecode/matrix';
import { cleanSignals, NiftiMasker, type Standardize } from '@neurodecode/maskers';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { collect } from './inputs.js';
import { parseNumberArg } from './util.js';

export const STANDARDIZE_CHOICES = ['zscore_sample', 'zscore', 'psc', 'none'] as const;

export interface PreprocessingCliOptions {
  detrend?: boolean;
  highPass?: string;
  lowPass?: string;
  confounds?: string[];
  standardize?: string | boolean;
  smoothingFwhm?: string;
  tr?: string;
}

/** Add --detrend, --high-pass, --low-pass, --confounds, --standardize and --smoothing-fwhm. */
export function addPreprocessingOptions(cmd: Command, { standardizeDefault = 'zscore_sample' } = {}): Command {
  return cmd
    .option('--detrend', "remove each voxel's linear trend, per run")
    .option('--high-pass <hz>', 'Butterworth high-pass cutoff in Hz, per run (TR from --tr or the image header)')
    .option('--low-pass <hz>', 'Butterworth low-pass cutoff in Hz, per run')
    .option(
      '--confounds <file>',
      "confound table per run (TSV/CSV with header, e.g. fMRIPrep's; repeat or comma-separate, one per --func)",
      collect,
    )
    .addOption(
      new Option('--standardize <how>', 'per-run standardization of the selected volumes')
        .choices(STANDARDIZE_CHOICES)
        .default(standardizeDefault),
    )
    .option('--smoothing-fwhm <mm>', 'Gaussian smoothing of the images before masking');
}

export function toStandardize(value: string | boolean | undefined): Standardize {
  if (value === undefined || value === 'zscore_sample') return 'zscore_sample';
  if (value === false || value === 'none') return false;
  if (value === 'zscore' || value === 'psc') return value;
  throw new Error(`--standardize: expected one of ${STANDARDIZE_CHOICES.join(', ')}, got "${String(value)}"`);
}

/** Whether anything beyond masking and standardization is asked for. */
export function wantsCleaning(opts: PreprocessingCliOptions): boolean {
  return !!(
    opts.detrend ||
    opts.highPass !== undefined ||
    opts.lowPass !== undefined ||
    opts.confounds?.length ||
    opts.smoothingFwhm !== undefined
  );
}

/** One confounds table: a header row of names (kept only when not numeric), then one row per volume; n/a -> column mean. */
export function readConfounds(path: string, nVolumes: number, run: number): Matrix {
  // A generous bound: a few hundred confound columns of 20 characters per volume.
  const text = readTextFile(path, '--confounds', 64 * 1024 + nVolumes * 8192, `a confounds table for ${nVolumes} volumes`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (l: string) => l.trim().split(lines[0]!.includes('\t') ? /\t/ : lines[0]!.includes(',') ? /\s*,\s*/ : /\s+/);
  const first = split(lines[0] ?? '');
  const hasHeader = first.some((v) => v !== 'n/a' && v !== '' && !Number.isFinite(Number(v)));
  const rows = (hasHeader ? lines.slice(1) : lines).map(split);
  if (rows.length !== nVolumes) {
    throw new Error(`--confounds: ${path} has ${rows.length} rows but run ${run} has ${nVolumes} volumes`);
  }
  const cols = first.length;
  const m = new Matrix(rows.length, cols);
  const missing: [number, number][] = [];
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`--confounds: ${path} line ${i + (hasHeader ? 2 : 1)} has ${r.length} fields, expected ${cols}`);
    r.forEach((v, j) => {
      if (v === 'n/a' || v === 'NaN' || v === '') {
        missing.push([i, j]);
        return;
      }
      const x = Number(v);
      if (!Number.isFinite(x)) throw new Error(`--confounds: ${path} line ${i + (hasHeader ? 2 : 1)}: "${v}" is not a number`);
      m.set(i, j, x);
    });
  });
  // fMRIPrep leaves the first row of derivative columns empty; the column mean removes nothing.
  for (const [i, j] of missing) {
    let s = 0,
      n = 0;
    for (let r = 0; r < m.rows; r++)
      if (!missing.some(([a, b]) => a === r && b === j)) {
        s += m.get(r, j);
        n++;
      }
    m.set(i, j, n ? s / n : 0);
  }
  return m;
}

function stackRows(parts: Matrix[]): Matrix {
  const cols = parts[0]!.cols;
  const bad = parts.findIndex((p) => p.cols !== cols);
  if (bad >= 0) throw new Error(`--confounds: the file for run ${bad} has ${parts[bad]!.cols} columns, the first has ${cols}`);
  const out = new Matrix(
    parts.reduce((s, p) => s + p.rows, 0),
    cols,
  );
  let off = 0;
  for (const p of parts) {
    out.data.set(p.data, off);
    off += p.data.length;
  }
  return out;
}

export interface CleanedRuns {
  /** Selected volumes (rows) x mask voxels (C order), cleaned and standardized. */
  X: Matrix;
  masker: NiftiMasker;
  maskImg: NiftiImage;
  /** The masker settings, as a saved model records them. */
  settings: Record<string, unknown>;
}

/** Mask the runs, clean each run as a whole, keep the `keep` volumes, standardize per run. */
export async function maskAndClean(
  runs: NiftiImage[],
  maskImg: NiftiImage | undefined,
  keep: number[],
  opts: PreprocessingCliOptions,
  { resampleToMask = false, paths }: { resampleToMask?: boolean; paths?: string[] } = {},
): Promise<CleanedRuns> {
  const num = (flag: string, v: string | undefined, positive = true): number | undefined => {
    if (v === undefined) return undefined;
    const x = parseNumberArg(flag, v);
    if (positive && !(x > 0)) throw new Error(`${flag}: must be positive, got ${v}`);
    return x;
  };
  const tR = num('--tr', opts.tr) ?? runs[0]!.tr;
  const highPass = num('--high-pass', opts.highPass);
  const lowPass = num('--low-pass', opts.lowPass);
  if ((highPass !== undefined || lowPass !== undefined) && !(tR && tR > 0)) {
    throw new Error(`--high-pass: filtering needs the repetition time; give --tr (the image header has none)`);
  }
  const smoothingFwhm = num('--smoothing-fwhm', opts.smoothingFwhm);
  const standardize = toStandardize(opts.standardize);
  const runOf = runs.flatMap((r, i) => new Array<number>(r.nVolumes).fill(i));
  const confoundFiles = (opts.confounds ?? [])
    .flatMap((c) => c.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (confoundFiles.length && confoundFiles.length !== runs.length) {
    throw new Error(`--confounds: ${confoundFiles.length} file(s) for ${runs.length} run(s); give one per --func`);
  }
  const confounds = confoundFiles.length ? stackRows(confoundFiles.map((f, i) => readConfounds(f, runs[i]!.nVolumes, i))) : undefined;
  // Data on another grid than a given mask (a saved model's) is resampled onto the mask's grid.
  const target = resampleToMask && maskImg ? { targetAffine: maskImg.affine, targetShape: maskImg.shape.slice(0, 3) } : {};
  const masker = new NiftiMasker({ maskImg, detrend: !!opts.detrend, highPass, lowPass, tR, smoothingFwhm, runs: runOf, ...target });
  await masker.fit(runs);
  const names = paths ?? runs.map((_, i) => `run ${i}`);
  let all: Matrix;
  try {
    all = await masker.transform(runs, { runs: runOf, confounds });
  } catch (err) {
    // The masker names images by position; the user knows them by file.
    const m = /^imgs(?:\[(\d+)\])?: NaN at voxel (\([^)]*\)) of volume (\d+)/.exec((err as Error).message);
    if (m) throw new Error(`--func: ${names[Number(m[1] ?? 0)]}: non-finite value (NaN) at volume ${m[3]}, voxel ${m[2]}`);
    throw err;
  }
  assertFiniteSamples(all.data, all.cols, names, runs, masker);
  let X = all.selectRows(keep);
  if (standardize) X = cleanSignals(X, { standardize, runs: keep.map((i) => runOf[i]!) });
  const settings = {
    detrend: !!opts.detrend,
    highPass: highPass ?? null,
    lowPass: lowPass ?? null,
    tR: tR ?? null,
    smoothingFwhm: smoothingFwhm ?? null,
    standardize,
    confounds: confoundFiles.length > 0,
  };
  return { X, masker, maskImg: masker.maskImg_!, settings };
}

/** Name the file, volume and voxel of the first non-finite masked value (estimators would only say "X"). */
function assertFiniteSamples(data: Float64Array, cols: number, paths: string[], runs: NiftiImage[], masker: NiftiMasker): void {
  let bad = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      bad = i;
      break;
    }
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
