// The estimator contract (scikit-learn's, which users already know):
// - hyper-parameters go to the constructor and are kept as given; nothing is learned there;
// - fit(X, y, opts) learns, sets the fitted state and returns this;
// - predict / decisionFunction / predictProba / score where meaningful;
// - getParams / setParams / clone (an unfitted copy with the same parameters).
import type { Matrix } from '@neurodecode/matrix';
import type { WarmStartStore } from './warm-start.js';
import type { EstimatorJSON } from './serialize.js';

/** A class label or regression target. Classes are sorted as numpy sorts them. */
export type Label = number | string;
/** Targets: numbers (regression or numeric classes) or strings (class names). */
export type Targets = ArrayLike<number> | readonly Label[];

/** A bag of hyper-parameters by name (what grids, the registry and the CLI hand around). */
export type Params = Record<string, unknown>;

/**
 * The constraint on an estimator's own parameter type. Declare parameters as an interface without
 * an index signature (so a misspelled name fails to compile); `any` here, unlike `unknown`, lets
 * such an interface stand where any estimator is accepted.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyParams = Record<string, any>;

/** Optional extras a caller may pass to fit. */
export interface FitOptions {
  /** Per-sample weights (length = rows of X). */
  sampleWeight?: Float64Array;
  /** Seed override for estimators with randomness. */
  seed?: number;
  /**
   * X X^T of the X being fitted (n x n, row-major), for estimators that can use it (LinearSVC's
   * kernel path). Callers that refit on the same rows (permutation tests) compute it once.
   */
  gram?: Float64Array;
  /**
   * Solver starting points shared by fits on row subsets of one data set (folds, grid candidates,
   * one-vs-rest problems), with `rowIds`. Only speeds fits up; never changes their result.
   */
  warmStart?: WarmStartStore;
  /** Index of each row of X in the data set `warmStart` was made for. */
  rowIds?: Int32Array;
}

/** What an estimator does with y: classify, regress, or transform X. */
export type EstimatorKind = 'classifier' | 'regressor' | 'transformer';

/** The contract every estimator keeps (see CONTRACT.md in this package). */
export interface Estimator<P extends AnyParams = AnyParams> {
  readonly kind: EstimatorKind;
  fit(X: Matrix, y?: Targets, opts?: FitOptions): this;
  getParams(): P;
  setParams(params: Partial<P>): this;
  /** An unfitted copy with the same hyper-parameters. */
  clone(): Estimator<P>;
  /** True once fit() has completed. */
  readonly fitted: boolean;
  /** Optional fast path used by the searchlight to fit many small problems at once. */
  batchedKernel?(): BatchedKernel | undefined;
  /**
   * Optional: true when fit on nSamples x nFeatures data would compute X X^T itself. Callers
   * that fit many row subsets of one X (cross-validation folds, grid candidates) then compute the
   * Gram matrix once and pass each fit its block as FitOptions.gram; the fit must give the same
   * model as without it. Absent or false: never pass a Gram matrix.
   */
  acceptsGram?(nSamples: number, nFeatures: number): boolean;
  /**
   * Optional: prepare for many fits on the same X that differ only in the targets (permutation
   * tests, one design for many label vectors). The returned function fits a fresh copy of this
   * estimator to y and must give the model `clone().fit(X, y, opts)` gives. Returning undefined
   * declines (callers then fit the usual way).
   */
  prepareFixedDesign?(X: Matrix, opts?: FitOptions): ((y: Targets) => Estimator) | undefined;
  /**
   * Hyper-parameters and fitted state as plain JSON (state null when unfitted), so a model can be
   * saved and applied later. Every built-in has it; the conformance kit checks the round trip.
   */
  toJSON?(): EstimatorJSON;
  /** Restore what toJSON() wrote onto an instance of the same class (parameters and fitted state); returns this. */
  fromJSON?(json: EstimatorJSON | string): this;
}

/** An estimator that predicts class labels. */
export interface Classifier<P extends AnyParams = AnyParams> extends Estimator<P> {
  readonly kind: 'classifier';
  /** Sorted distinct labels seen in fit. */
  readonly classes: Label[];
  predict(X: Matrix): Label[];
  /**
   * Decision scores: one column for two classes (positive = classes[1]), else one per class.
   * Absent for models without a decision function.
   */
  decisionFunction?(X: Matrix): Matrix;
  /** Class probabilities, one column per class in `classes` order. */
  predictProba?(X: Matrix): Matrix;
  /** Mean accuracy. */
  score(X: Matrix, y: Targets): number;
  clone(): Classifier<P>;
}

/** An estimator that predicts numbers. */
export interface Regressor<P extends AnyParams = AnyParams> extends Estimator<P> {
  readonly kind: 'regressor';
  predict(X: Matrix): Float64Array;
  /** R^2. */
  score(X: Matrix, y: Targets): number;
  clone(): Regressor<P>;
}

/** An estimator that maps X to a new matrix. */
export interface Transformer<P extends AnyParams = AnyParams> extends Estimator<P> {
  readonly kind: 'transformer';
  transform(X: Matrix): Matrix;
  fitTransform(X: Matrix, y?: Targets, opts?: FitOptions): Matrix;
  clone(): Transformer<P>;
}

/** Linear models expose their weights (one row per binary problem / class). */
export interface LinearModel {
  /** coef: rows = 1 (binary / regression) or n classes, cols = n features. */
  readonly coef: Matrix;
  readonly intercept: Float64Array;
}

/**
 * A batched kernel fits and scores many small, independent problems that share the samples and
 * the folds (the searchlight's spheres). Its shape is defined by @neurodecode/searchlight; the
 * estimator only advertises that it has one. `name` identifies the algorithm.
 */
export interface BatchedKernel {
  readonly name: string;
  readonly params: Readonly<AnyParams>;
  /**
   * Optional: a plugin's own searchlight fast path. The searchlight calls it once per thread with
   * the largest problem it will meet, then calls the returned predictor for every sphere and
   * fold instead of constructing, fitting and scoring an estimator there. Used with the
   * 'accuracy' and 'balanced_accuracy' scorings; it must predict what fit + predict would.
   */
  createFoldPredictor?(sizes: FoldPredictorSizes): FoldPredictor;
}

/** Upper bounds for the buffers a FoldPredictor allocates once. */
export interface FoldPredictorSizes {
  nClasses: number;
  maxTrain: number;
  maxTest: number;
  maxFeatures: number;
}

/**
 * Fit on `nTrain` rows of `train` (row-major, `nFeatures` columns) with class codes `trainCodes`
 * (0..nClasses-1, classes sorted), and write the predicted code of each of the `nTest` rows of
 * `test` into `out`. The arrays are reused between calls: copy what must outlive the call.
 */
export type FoldPredictor = (
  train: Float64Array,
  trainCodes: Int32Array,
  nTrain: number,
  test: Float64Array,
  nTest: number,
  nFeatures: number,
  out: Int32Array,
) => void;

/** Any estimator, with its parameter type erased. */
export type AnyEstimator = Classifier | Regressor | Transformer;

/** True for classifiers. */
export function isClassifier(e: Estimator): e is Classifier {
  return e.kind === 'classifier';
}
/** True for regressors. */
export function isRegressor(e: Estimator): e is Regressor {
  return e.kind === 'regressor';
}
/** True for transformers. */
export function isTransformer(e: Estimator): e is Transformer {
  return e.kind === 'transformer';
}
