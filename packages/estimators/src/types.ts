// The estimator contract (scikit-learn's, which users already know):
// - hyper-parameters go to the constructor and are kept as given; nothing is learned there;
// - fit(X, y, opts) learns, sets the fitted state and returns this;
// - predict / decisionFunction / predictProba / score where meaningful;
// - getParams / setParams / clone (an unfitted copy with the same parameters).
import type { Matrix } from '@neurodecode/matrix';
import type { EstimatorJSON } from './serialize.js';

/** A class label or regression target. Classes are sorted as numpy sorts them. */
export type Label = number | string;
/** Targets: numbers (regression or numeric classes) or strings (class names). */
export type Targets = ArrayLike<number> | readonly Label[];

export type Params = Record<string, unknown>;

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
}

export type EstimatorKind = 'classifier' | 'regressor' | 'transformer';

export interface Estimator<P extends Params = Params> {
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

export interface Classifier<P extends Params = Params> extends Estimator<P> {
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

export interface Regressor<P extends Params = Params> extends Estimator<P> {
  readonly kind: 'regressor';
  predict(X: Matrix): Float64Array;
  /** R^2. */
  score(X: Matrix, y: Targets): number;
  clone(): Regressor<P>;
}

export interface Transformer<P extends Params = Params> extends Estimator<P> {
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
  readonly params: Params;
}

export type AnyEstimator = Classifier | Regressor | Transformer;

export function isClassifier(e: Estimator): e is Classifier {
  return e.kind === 'classifier';
}
export function isRegressor(e: Estimator): e is Regressor {
  return e.kind === 'regressor';
}
export function isTransformer(e: Estimator): e is Transformer {
  return e.kind === 'transformer';
}
