// crossValPredict (each sample predicted by the model that did not see it) and learningCurve.
import { Matrix, type MatrixLike } from '@neurodecode/matrix';
import type { Estimator, Label, Targets } from '@neurodecode/estimators';
import { buildFold, checkXy, resolveCv, withSharedGram, type CvArg, type ProgressCallback } from './cross-validate.js';
import type { FitOptions } from '@neurodecode/estimators';
import { getScorer, type Predictor, type Scorer } from './scorers.js';
import { takeTargets } from './labels.js';

/** Which output crossValPredict collects for each held-out sample. */
export type PredictMethod = 'predict' | 'decisionFunction' | 'predictProba';

/** Options of crossValPredict: the splitter, groups, which output each held-out sample gets, fit options, progress. */
export interface CrossValPredictOptions {
  cv?: CvArg;
  groups?: Targets;
  /** What to return per sample (default 'predict'). */
  method?: PredictMethod;
  fitOptions?: FitOptions;
  onProgress?: ProgressCallback;
}

/**
 * Out-of-fold predictions, in sample order. The splitter must test every sample exactly once
 * (k-fold, leave-one-group-out, PredefinedSplit without -1), as scikit-learn requires.
 * 'predict' gives labels (or numbers for regressors); the other methods a matrix with one row
 * per sample.
 */
export function crossValPredict(
  estimator: Estimator,
  X: MatrixLike,
  y: Targets,
  opts: CrossValPredictOptions = {},
): Label[] | Float64Array | Matrix {
  const matrix = checkXy(X, y, opts.groups);
  const splits = resolveCv(opts.cv, estimator).split(matrix.rows, y, opts.groups);
  const seen = new Uint8Array(matrix.rows);
  for (const s of splits)
    for (const i of s.test) {
      if (seen[i])
        throw new RangeError(
          `cv: sample ${i} is tested in more than one fold; crossValPredict needs a partition (use k-fold or leave-one-group-out)`,
        );
      seen[i] = 1;
    }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new RangeError(`cv: sample ${missing} is never tested; crossValPredict needs every sample in one test fold`);
  const method = opts.method ?? 'predict';
  const fitOptions = splits.length > 1 ? withSharedGram(estimator, matrix, opts.fitOptions) : opts.fitOptions;
  let labels: Label[] | undefined;
  let numbers: Float64Array | undefined;
  let scores: Matrix | undefined;
  opts.onProgress?.(0, splits.length);
  splits.forEach((split, f) => {
    const fold = buildFold(matrix, split, opts.groups, fitOptions);
    const est = estimator.clone().fit(fold.XTrain, takeTargets(y, split.train), fold.fitOptions) as unknown as Predictor;
    if (method === 'predict') {
      const pred = est.predict(fold.XTest);
      if (pred instanceof Float64Array) {
        numbers ??= new Float64Array(matrix.rows);
        split.test.forEach((i, a) => (numbers![i] = pred[a]!));
      } else {
        labels ??= new Array<Label>(matrix.rows);
        split.test.forEach((i, a) => (labels![i] = pred[a]!));
      }
    } else {
      const fn = method === 'decisionFunction' ? est.decisionFunction : est.predictProba;
      if (typeof fn !== 'function') throw new TypeError(`method: the estimator has no ${method}`);
      const out = fn.call(est, fold.XTest);
      scores ??= new Matrix(matrix.rows, out.cols);
      if (out.cols !== scores.cols)
        throw new RangeError(
          `method: fold ${f} gave ${out.cols} columns, an earlier fold ${scores.cols} (a class missing from a training fold)`,
        );
      split.test.forEach((i, a) => scores!.data.set(out.data.subarray(a * out.cols, (a + 1) * out.cols), i * out.cols));
    }
    opts.onProgress?.(f + 1, splits.length);
  });
  return (method === 'predict' ? (labels ?? numbers) : scores)!;
}

/** Options of learningCurve: training-set sizes (fractions or counts), splitter, groups and scoring. */
export interface LearningCurveOptions {
  cv?: CvArg;
  groups?: Targets;
  /** Training sizes: all <= 1 are fractions of the smallest training fold, else absolute counts (default 0.1, 0.325, 0.55, 0.775, 1). */
  trainSizes?: readonly number[];
  scoring?: string | Scorer;
  fitOptions?: FitOptions;
}

/** learningCurve's result: the training sizes used and, per size, the train and test scores of every fold. */
export interface LearningCurveResult {
  trainSizes: number[];
  /** [size][fold] */
  trainScores: number[][];
  testScores: number[][];
}

/**
 * Scores of models fitted on growing prefixes of each training fold (scikit-learn's
 * learning_curve without shuffling): the first n training samples in data order.
 */
export function learningCurve(estimator: Estimator, X: MatrixLike, y: Targets, opts: LearningCurveOptions = {}): LearningCurveResult {
  const matrix = checkXy(X, y, opts.groups);
  const splits = resolveCv(opts.cv, estimator).split(matrix.rows, y, opts.groups);
  const minTrain = Math.min(...splits.map((s) => s.train.length));
  const given = opts.trainSizes ?? [0.1, 0.325, 0.55, 0.775, 1];
  // All sizes <= 1: fractions of the smallest training fold; otherwise absolute counts.
  const fractions = given.every((v) => v <= 1);
  const sizes = [
    ...new Set(
      given.map((v) => {
        if (!(v > 0)) throw new RangeError(`trainSizes: every size must be > 0, got ${v}`);
        const n = fractions ? Math.floor(v * minTrain) : v;
        if (n < 1 || n > minTrain) throw new RangeError(`trainSizes: ${v} gives ${n} samples; the smallest training fold has ${minTrain}`);
        return n;
      }),
    ),
  ].sort((a, b) => a - b);
  const scorer = opts.scoring
    ? getScorer(opts.scoring)
    : (e: Predictor, A: Matrix, b: Targets) => (e as unknown as { score(A: Matrix, b: Targets): number }).score(A, b);
  const trainScores = sizes.map(() => [] as number[]);
  const testScores = sizes.map(() => [] as number[]);
  for (const split of splits) {
    sizes.forEach((n, k) => {
      const sub = { train: split.train.subarray(0, n), test: split.test };
      const fold = buildFold(matrix, sub, opts.groups, opts.fitOptions);
      const yTrain = takeTargets(y, sub.train);
      const est = estimator.clone().fit(fold.XTrain, yTrain, fold.fitOptions) as unknown as Predictor;
      trainScores[k]!.push(scorer(est, fold.XTrain, yTrain));
      testScores[k]!.push(scorer(est, fold.XTest, takeTargets(y, sub.test)));
    });
  }
  return { trainSizes: sizes, trainScores, testScores };
}
