// crossValidate / crossValScore: fit a fresh clone per fold, score it, time it.
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { asMatrix, type Matrix, type MatrixLike } from '@neurodecode/matrix';
import { tiledRowGram as gramOf, WarmStartStore, type Estimator, type FitOptions, type Targets } from '@neurodecode/estimators';
import { takeTargets } from './labels.js';
import { resolveScoring, type Predictor, type Scorer, type Scoring } from './scorers.js';
import { parseCvSpec } from './shuffle-split.js';
import { KFold, StratifiedKFold, type Split, type Splitter } from './splitters.js';

/** Called with the number of units done and the total (folds, permutations). */
export type ProgressCallback = (done: number, total: number) => void;

/** A splitter, a number of folds (stratified for classifiers, as scikit-learn), or a CLI spec. */
export type CvArg = Splitter | number | string;

/** Options passed to fit: FitOptions plus the training fold's groups for nested searches. */
export interface FoldFitOptions extends FitOptions {
  groups?: Targets;
}

/** Turn a cv argument (splitter, fold count or spec) into a splitter; a number gives StratifiedKFold for classifiers, KFold otherwise. */
export function resolveCv(cv: CvArg | undefined, estimator: Estimator): Splitter {
  if (cv === undefined) cv = 5;
  if (typeof cv === 'number') {
    return estimator.kind === 'classifier' ? new StratifiedKFold({ nSplits: cv }) : new KFold({ nSplits: cv });
  }
  if (typeof cv === 'string') return parseCvSpec(cv);
  if (typeof cv.split !== 'function') throw new TypeError('cv: expected a Splitter, a number of folds or a spec like "kfold:5"');
  return cv;
}

/** Validate X/y/groups shapes; returns X as a Matrix. */
export function checkXy(X: MatrixLike, y: Targets, groups?: Targets): Matrix {
  const matrix = asMatrix(X, 'X');
  if (y === undefined || y === null) throw new TypeError('y: missing');
  if (y.length !== matrix.rows) throw new RangeError(`y: length ${y.length} does not match the ${matrix.rows} rows of X`);
  if (groups !== undefined && groups.length !== matrix.rows) {
    throw new RangeError(`groups: length ${groups.length} does not match the ${matrix.rows} rows of X`);
  }
  return matrix;
}

/** The matrices and targets of one fold, built once and reused (grid candidates, permutations). */
export interface FoldData {
  split: Split;
  XTrain: Matrix;
  XTest: Matrix;
  fitOptions: FoldFitOptions | undefined;
}

export function buildFold(X: Matrix, split: Split, groups: Targets | undefined, fitOptions?: FitOptions): FoldData {
  if (split.train.length === 0 || split.test.length === 0) {
    throw new RangeError(`cv: a split has ${split.train.length} training and ${split.test.length} test samples; both must be non-empty`);
  }
  let opts: FoldFitOptions | undefined = fitOptions ? { ...fitOptions } : undefined;
  if (groups !== undefined) opts = { ...opts, groups: takeTargets(groups, split.train) };
  if (opts?.sampleWeight) opts.sampleWeight = takeTargets(opts.sampleWeight, split.train) as Float64Array;
  // A Gram matrix of all rows restricts exactly to the training rows' block.
  if (opts?.gram) opts.gram = gramBlock(opts.gram, X.rows, split.train);
  if (opts?.rowIds) opts.rowIds = rowIdsOf(opts.rowIds, X.rows, split.train);
  return { split, XTrain: X.selectRows(split.train), XTest: X.selectRows(split.test), fitOptions: opts };
}

/** X X^T (row-major n x n), for estimators that accept FitOptions.gram. */
export function rowGram(X: Matrix): Float64Array {
  return gramOf(X.data, X.rows, X.cols);
}

/**
 * fitOptions plus, when the estimator says it would compute X X^T itself (small n, large p), the
 * Gram matrix of all rows, computed once here so every fold's fit takes its block instead, and a
 * warm-start store so each fold's solver starts where a fit with the same labels ended.
 */
export function withSharedGram(estimator: Estimator, X: Matrix, fitOptions: FitOptions | undefined): FitOptions | undefined {
  if (estimator.acceptsGram?.(X.rows, X.cols) !== true) return fitOptions;
  const out: FitOptions = { ...fitOptions };
  out.gram ??= rowGram(X);
  if (!out.warmStart && !out.rowIds) {
    out.warmStart = new WarmStartStore(X.rows);
    out.rowIds = Int32Array.from({ length: X.rows }, (_, i) => i);
  }
  return out;
}

/** The ids of rows `index` of a fit whose rows have ids `rowIds`. */
function rowIdsOf(rowIds: Int32Array, n: number, index: Int32Array): Int32Array {
  if (rowIds.length !== n) throw new RangeError(`fitOptions.rowIds: length ${rowIds.length} does not match the ${n} rows of X`);
  return Int32Array.from(index, (i) => rowIds[i]!);
}

/** The rows/columns `index` of an n x n matrix. */
export function gramBlock(K: Float64Array, n: number, index: Int32Array): Float64Array {
  if (K.length !== n * n) throw new RangeError(`fitOptions.gram: length ${K.length} does not match ${n}x${n} for the ${n} rows of X`);
  const m = index.length;
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const row = index[a]! * n;
    for (let b = 0; b < m; b++) out[a * m + b] = K[row + index[b]!]!;
  }
  return out;
}

const now = (): number => performance.now() / 1000;

export interface FoldResult {
  test: number[];
  train?: number[];
  fitTime: number;
  scoreTime: number;
  estimator: Estimator;
}

/** Fit `estimator` (already a fresh clone) on the fold and score it with every scorer. */
export function fitAndScoreFold(
  estimator: Estimator,
  fold: FoldData,
  yTrain: Targets,
  yTest: Targets,
  scorers: Scorer[],
  withTrain: boolean,
): FoldResult {
  const t0 = now();
  estimator.fit(fold.XTrain, yTrain, fold.fitOptions);
  const t1 = now();
  const predictor = estimator as Predictor;
  const test = scorers.map((s) => s(predictor, fold.XTest, yTest));
  const t2 = now();
  const train = withTrain ? scorers.map((s) => s(predictor, fold.XTrain, yTrain)) : undefined;
  return { test, train, fitTime: t1 - t0, scoreTime: t2 - t1, estimator };
}

/** Options of crossValidate (scikit-learn's cross_validate, camel-cased). */
export interface CrossValidateOptions {
  /** Default 5 folds (StratifiedKFold for classifiers, KFold otherwise). */
  cv?: CvArg;
  /** One group per sample, for group splitters; fit() also receives each training fold's groups. */
  groups?: Targets;
  /** A scorer name or function, or several (list or name -> scorer). Default: estimator.score. */
  scoring?: Scoring;
  returnTrainScore?: boolean;
  returnEstimator?: boolean;
  /** Passed to every fit (sampleWeight and gram are restricted to the training fold). */
  fitOptions?: FitOptions;
  onProgress?: ProgressCallback;
}

/** Per-fold scores (test, optionally train and every named scorer), fit times and, when asked, the fitted estimators. */
export interface CrossValidateResult {
  /** Per-fold test scores of the first (or only) scorer. */
  testScores: Float64Array;
  trainScores?: Float64Array;
  /** Per-fold test scores of every scorer, by name. */
  testScoresByScorer: Record<string, Float64Array>;
  trainScoresByScorer?: Record<string, Float64Array>;
  /** Seconds per fold. */
  fitTimes: Float64Array;
  scoreTimes: Float64Array;
  estimators?: Estimator[];
  splits: Split[];
}

const CROSS_VALIDATE_OPTIONS = optionKeys<CrossValidateOptions>({
  cv: true,
  groups: true,
  scoring: true,
  returnTrainScore: true,
  returnEstimator: true,
  fitOptions: true,
  onProgress: true,
});

/** Evaluate an estimator by cross-validation, cloning it for every fold. */
export function crossValidate(estimator: Estimator, X: MatrixLike, y: Targets, opts: CrossValidateOptions = {}): CrossValidateResult {
  checkOptions('crossValidate', opts, CROSS_VALIDATE_OPTIONS);
  const matrix = checkXy(X, y, opts.groups);
  const splitter = resolveCv(opts.cv, estimator);
  const splits = splitter.split(matrix.rows, y, opts.groups);
  const { names, scorers } = resolveScoring(opts.scoring);
  const withTrain = opts.returnTrainScore ?? false;
  const nFolds = splits.length;
  const test = names.map(() => new Float64Array(nFolds));
  const train = withTrain ? names.map(() => new Float64Array(nFolds)) : undefined;
  const fitTimes = new Float64Array(nFolds);
  const scoreTimes = new Float64Array(nFolds);
  const estimators: Estimator[] = [];
  opts.onProgress?.(0, nFolds);
  const fitOptions = nFolds > 1 ? withSharedGram(estimator, matrix, opts.fitOptions) : opts.fitOptions;
  splits.forEach((split, f) => {
    const fold = buildFold(matrix, split, opts.groups, fitOptions);
    const result = fitAndScoreFold(estimator.clone(), fold, takeTargets(y, split.train), takeTargets(y, split.test), scorers, withTrain);
    result.test.forEach((v, s) => (test[s]![f] = v));
    result.train?.forEach((v, s) => (train![s]![f] = v));
    fitTimes[f] = result.fitTime;
    scoreTimes[f] = result.scoreTime;
    if (opts.returnEstimator) estimators.push(result.estimator);
    opts.onProgress?.(f + 1, nFolds);
  });
  const byName = (arrays: Float64Array[]): Record<string, Float64Array> => Object.fromEntries(names.map((n, s) => [n, arrays[s]!]));
  return {
    testScores: test[0]!,
    trainScores: train?.[0],
    testScoresByScorer: byName(test),
    trainScoresByScorer: train ? byName(train) : undefined,
    fitTimes,
    scoreTimes,
    estimators: opts.returnEstimator ? estimators : undefined,
    splits,
  };
}

/** Options of crossValScore: crossValidate's, with a single scoring. */
export interface CrossValScoreOptions extends Omit<CrossValidateOptions, 'scoring' | 'returnTrainScore' | 'returnEstimator'> {
  scoring?: string | Scorer;
}

/** Per-fold test scores of one scorer. */
export function crossValScore(estimator: Estimator, X: MatrixLike, y: Targets, opts: CrossValScoreOptions = {}): Float64Array {
  return crossValidate(estimator, X, y, opts).testScores;
}
