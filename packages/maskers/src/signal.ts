// Signal cleaning on a time-by-feature matrix, in nilearn's signal.clean order: detrend ->
// Butterworth filter -> confound removal -> standardize, each run on its own when runs are given.
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { Matrix } from '@neurodecode/matrix';
import { butterworthFor } from './butterworth.js';

/** Standardization of each column: false, z-score (sample or population std) or percent signal change. */
export type Standardize = false | 'zscore_sample' | 'zscore' | 'psc';

/** Options of cleanSignals (nilearn's signal.clean): runs, detrending, filtering, confounds and standardization. */
export interface CleanOptions {
  /** One run label per row; every run is cleaned independently. */
  runs?: ArrayLike<number | string>;
  /** Remove the least-squares line from every column. */
  detrend?: boolean;
  standardize?: Standardize;
  /** Hz; needs tR. */
  highPass?: number;
  /** Hz; needs tR. */
  lowPass?: number;
  /** Repetition time in seconds. */
  tR?: number;
  /** Time-by-confound matrix (same rows as X) whose span is projected out. */
  confounds?: Matrix;
  /** Z-score the confounds before projecting them out (nilearn's standardize_confounds). */
  standardizeConfounds?: boolean;
}

const STANDARDIZE_VALUES: readonly Standardize[] = [false, 'zscore_sample', 'zscore', 'psc'];

function columnMeans(X: Matrix): Float64Array {
  const means = new Float64Array(X.cols);
  const { data, rows, cols } = X;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) means[c] += data[off + c]!;
  }
  for (let c = 0; c < cols; c++) means[c] /= rows;
  return means;
}

/** Subtract each column's least-squares line, in place. A single row is left unchanged. */
export function detrendInPlace(X: Matrix): Matrix {
  const { data, rows, cols } = X;
  if (rows < 2) return X;
  const means = columnMeans(X);
  const centreT = (rows - 1) / 2;
  let sumT2 = 0;
  for (let r = 0; r < rows; r++) sumT2 += (r - centreT) ** 2;
  const slopes = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const t = r - centreT;
    const off = r * cols;
    for (let c = 0; c < cols; c++) slopes[c] += t * (data[off + c]! - means[c]!);
  }
  for (let c = 0; c < cols; c++) slopes[c] /= sumT2;
  for (let r = 0; r < rows; r++) {
    const t = r - centreT;
    const off = r * cols;
    for (let c = 0; c < cols; c++) data[off + c] = data[off + c]! - means[c]! - slopes[c]! * t;
  }
  return X;
}

/** Standardize columns in place (zscore_sample: ddof 1; zscore: ddof 0; psc: % of the mean). */
export function standardizeInPlace(X: Matrix, how: Standardize): Matrix {
  if (!STANDARDIZE_VALUES.includes(how)) {
    throw new Error(`standardize: must be false, 'zscore_sample', 'zscore' or 'psc', got ${JSON.stringify(how)}`);
  }
  const { data, rows, cols } = X;
  // One sample has no spread: nilearn skips standardization rather than return zeros.
  if (how === false || rows < 2) return X;
  const means = columnMeans(X);
  const factor = new Float64Array(cols);
  if (how === 'psc') {
    for (let c = 0; c < cols; c++) {
      const m = Math.abs(means[c]!);
      factor[c] = m < Number.EPSILON ? 0 : 100 / m;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const off = r * cols;
      for (let c = 0; c < cols; c++) {
        const d = data[off + c]! - means[c]!;
        factor[c] += d * d;
      }
    }
    const dof = how === 'zscore_sample' ? rows - 1 : rows;
    for (let c = 0; c < cols; c++) {
      const sd = Math.sqrt(factor[c]! / dof);
      factor[c] = sd < Number.EPSILON ? 1 : 1 / sd;
    }
  }
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) data[off + c] = (data[off + c]! - means[c]!) * factor[c]!;
  }
  return X;
}

/** Zero-phase Butterworth filtering of every column, in place. */
function filterColumnsInPlace(X: Matrix, tR: number, lowPass?: number, highPass?: number): void {
  const filter = butterworthFor(1 / tR, { lowPass, highPass });
  if (!filter) return;
  const { data, rows, cols } = X;
  const column = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) column[r] = data[r * cols + c]!;
    filter.apply(column);
    for (let r = 0; r < rows; r++) data[r * cols + c] = column[r]!;
  }
}

/**
 * Orthonormal basis of the confounds' column span (modified Gram-Schmidt, twice for stability),
 * dropping columns that are (numerically) combinations of earlier ones.
 */
function orthonormalBasis(C: Matrix): Float64Array[] {
  const basis: Float64Array[] = [];
  for (let j = 0; j < C.cols; j++) {
    const v = C.col(j);
    let norm0 = 0;
    for (let i = 0; i < v.length; i++) norm0 += v[i]! * v[i]!;
    norm0 = Math.sqrt(norm0);
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += q[i]! * v[i]!;
        for (let i = 0; i < v.length; i++) v[i] = v[i]! - dot * q[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm <= 100 * Number.EPSILON * Math.max(1, norm0)) continue;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
    basis.push(v);
  }
  return basis;
}

function projectOutInPlace(X: Matrix, basis: Float64Array[]): void {
  const { data, rows, cols } = X;
  const coef = new Float64Array(cols);
  for (const q of basis) {
    coef.fill(0);
    for (let r = 0; r < rows; r++) {
      const qr = q[r]!,
        off = r * cols;
      for (let c = 0; c < cols; c++) coef[c] += qr * data[off + c]!;
    }
    for (let r = 0; r < rows; r++) {
      const qr = q[r]!,
        off = r * cols;
      for (let c = 0; c < cols; c++) data[off + c] = data[off + c]! - qr * coef[c]!;
    }
  }
}

function cleanOneRun(X: Matrix, opts: CleanOptions): void {
  const filtering = opts.lowPass !== undefined || opts.highPass !== undefined;
  const means = columnMeans(X);
  let confounds = opts.confounds?.clone();
  if (opts.detrend) {
    detrendInPlace(X);
    if (confounds) detrendInPlace(confounds);
  }
  if (filtering) {
    filterColumnsInPlace(X, opts.tR!, opts.lowPass, opts.highPass);
    if (confounds) filterColumnsInPlace(confounds, opts.tR!, opts.lowPass, opts.highPass);
  }
  if (confounds) {
    if (opts.standardizeConfounds ?? true) {
      standardizeInPlace(confounds, 'zscore');
    }
    projectOutInPlace(X, orthonormalBasis(confounds));
  }
  const standardize = opts.standardize ?? false;
  // High-pass filtering removes the mean, so it is added back (as nilearn does) to keep the
  // signal's level and make psc relative to the original mean; so is detrending before psc.
  // nilearn 0.10.3-0.10.4 also added it after a low-pass, doubling the level (nilearn#4466);
  // a low-pass keeps the mean, so nothing is added then.
  if (
    (opts.detrend && standardize === 'psc') ||
    (opts.highPass !== undefined && !opts.detrend) ||
    (opts.highPass !== undefined && standardize === 'psc')
  ) {
    const { data, rows, cols } = X;
    for (let r = 0; r < rows; r++) {
      const off = r * cols;
      for (let c = 0; c < cols; c++) data[off + c] = data[off + c]! + means[c]!;
    }
  }
  standardizeInPlace(X, standardize);
}

const CLEAN_OPTIONS = optionKeys<CleanOptions>({
  runs: true,
  detrend: true,
  standardize: true,
  highPass: true,
  lowPass: true,
  tR: true,
  confounds: true,
  standardizeConfounds: true,
});

/**
 * Clean the columns of X (rows = time points); returns a new matrix. Order of operations as
 * nilearn's signal.clean: detrend, Butterworth filter (order 5, zero phase), confound
 * projection, standardization. With `runs`, each run is cleaned separately and its rows stay
 * where they were (nilearn stacks runs in sorted label order, the same for contiguous runs).
 */
export function cleanSignals(X: Matrix, opts: CleanOptions = {}): Matrix {
  checkOptions('cleanSignals', opts, CLEAN_OPTIONS);
  if (!STANDARDIZE_VALUES.includes(opts.standardize ?? false)) {
    throw new Error(`standardize: must be false, 'zscore_sample', 'zscore' or 'psc', got ${JSON.stringify(opts.standardize)}`);
  }
  if ((opts.lowPass !== undefined || opts.highPass !== undefined) && !(opts.tR !== undefined && opts.tR > 0)) {
    throw new Error(`tR: a positive repetition time is needed for highPass/lowPass filtering, got ${opts.tR}`);
  }
  if (opts.confounds && opts.confounds.rows !== X.rows) {
    throw new Error(`confounds: ${opts.confounds.rows} rows do not match the ${X.rows} time points of the signals`);
  }
  const out = X.clone();
  if (!opts.runs) {
    cleanOneRun(out, opts);
    return out;
  }
  const runs = opts.runs;
  if (runs.length !== X.rows) {
    throw new Error(`runs: length ${runs.length} does not match the ${X.rows} time points of the signals`);
  }
  const rowsByRun = new Map<number | string, number[]>();
  for (let r = 0; r < runs.length; r++) {
    const key = runs[r]!;
    let list = rowsByRun.get(key);
    if (!list) rowsByRun.set(key, (list = []));
    list.push(r);
  }
  for (const rows of rowsByRun.values()) {
    const block = out.selectRows(rows);
    const runOpts: CleanOptions = { ...opts, runs: undefined, confounds: opts.confounds?.selectRows(rows) };
    cleanOneRun(block, runOpts);
    for (let i = 0; i < rows.length; i++) out.row(rows[i]!).set(block.row(i));
  }
  return out;
}
