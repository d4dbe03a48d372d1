// Ridge regression and RidgeClassifier in closed form on centred data, so the intercept is not
// penalised. When there are more features than samples the dual (kernel) system, n x n, is
// solved instead of the p x p normal equations: the same solution, much cheaper for fMRI.
import { Matrix } from '@neurodecode/matrix';
import { BaseEstimator, LinearClassifierBase, linearScores, type LinearClassifierState } from './base.js';
import { checkClassification, checkMatrix, checkRegression, r2 } from './labels.js';
import { choleskySolveInPlace, columnGram, columnMeans, rowGram } from './linalg.js';
import type { BatchedKernel, Classifier, FitOptions, LinearModel, Regressor, Targets } from './types.js';
import { checkSampleWeight, combinedSampleWeights, type ClassWeight } from './weights.js';

/** Ridge's and RidgeClassifier's parameters. */
export interface RidgeParams {
  /** L2 penalty (>= 0; 0 only when the system is non-singular). */
  alpha: number;
  fitIntercept: boolean;
}

/** Hyper-parameters of RidgeClassifier: the ridge parameters plus classWeight ('balanced' or a map). */
export interface RidgeClassifierParams extends RidgeParams {
  /** Per-class weights of the squared loss: 'balanced' or a map from class to weight. */
  classWeight: ClassWeight;
}

/**
 * Weighted ridge: sum_i s_i ||y_i - x_i W^T - b||^2 + alpha ||W||^2, as plain ridge on rows
 * scaled by sqrt(s_i) after centring with the weighted means (the intercept stays unpenalised).
 */
export function solveWeightedRidge(
  X: Matrix,
  Y: Float64Array,
  k: number,
  alpha: number,
  fitIntercept: boolean,
  weights: Float64Array,
  what: string,
): { coef: Matrix; intercept: Float64Array } {
  const n = X.rows,
    p = X.cols;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const xMean = new Float64Array(p),
    yMean = new Float64Array(k);
  if (fitIntercept) {
    for (let i = 0; i < n; i++) {
      const w = weights[i]! / total;
      for (let j = 0; j < p; j++) xMean[j]! += w * X.data[i * p + j]!;
      for (let c = 0; c < k; c++) yMean[c]! += w * Y[i * k + c]!;
    }
  }
  const Xs = new Matrix(n, p);
  const Ys = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(weights[i]!);
    for (let j = 0; j < p; j++) Xs.data[i * p + j] = r * (X.data[i * p + j]! - xMean[j]!);
    for (let c = 0; c < k; c++) Ys[i * k + c] = r * (Y[i * k + c]! - yMean[c]!);
  }
  const { coef } = solveRidge(Xs, Ys, k, alpha, false, what);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let b = yMean[c]!;
    for (let j = 0; j < p; j++) b -= xMean[j]! * coef.data[c * p + j]!;
    intercept[c] = b;
  }
  return { coef, intercept };
}

const RIDGE_DEFAULTS: RidgeParams = { alpha: 1, fitIntercept: true };

/**
 * Solve min ||Y - X W^T - 1 b^T||^2 + alpha ||W||^2 for k target columns.
 * Y: n x k row-major. Returns coef (k x p) and intercept (k).
 */
export function solveRidge(
  X: Matrix,
  Y: Float64Array,
  k: number,
  alpha: number,
  fitIntercept: boolean,
  what: string,
): { coef: Matrix; intercept: Float64Array } {
  if (!(alpha >= 0)) throw new RangeError(`${what}: alpha must be >= 0, got ${alpha}`);
  const n = X.rows;
  const p = X.cols;
  let Xc: Float64Array = X.data;
  let Yc: Float64Array = Y;
  let xMean: Float64Array = new Float64Array(p);
  let yMean: Float64Array = new Float64Array(k);
  if (fitIntercept) {
    xMean = columnMeans(X.data, n, p);
    yMean = columnMeans(Y, n, k);
    Xc = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xc[i * p + j] = X.data[i * p + j]! - xMean[j]!;
    Yc = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) Yc[i * k + c] = Y[i * k + c]! - yMean[c]!;
  }
  const coef = new Matrix(k, p);
  if (p > n) {
    const K = rowGram(Xc, n, p);
    for (let i = 0; i < n; i++) K[i * n + i]! += alpha;
    const dual = Yc.slice();
    choleskySolveInPlace(K, n, dual, k, what);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const a = dual[i * k + c]!;
        const row = c * p;
        for (let j = 0; j < p; j++) coef.data[row + j]! += a * Xc[i * p + j]!;
      }
    }
  } else {
    const G = columnGram(Xc, n, p);
    for (let j = 0; j < p; j++) G[j * p + j]! += alpha;
    const rhs = new Float64Array(p * k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = Xc[i * p + j]!;
        for (let c = 0; c < k; c++) rhs[j * k + c]! += v * Yc[i * k + c]!;
      }
    }
    choleskySolveInPlace(G, p, rhs, k, what);
    for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) coef.data[c * p + j] = rhs[j * k + c]!;
  }
  const intercept = new Float64Array(k);
  if (fitIntercept) {
    for (let c = 0; c < k; c++) {
      let s = yMean[c]!;
      for (let j = 0; j < p; j++) s -= xMean[j]! * coef.data[c * p + j]!;
      intercept[c] = s;
    }
  }
  return { coef, intercept };
}

interface RidgeState {
  coef: Matrix;
  intercept: Float64Array;
  nFeatures: number;
}

/** Ridge regression (closed form, unpenalised intercept). */
export class Ridge extends BaseEstimator<RidgeParams> implements Regressor<RidgeParams>, LinearModel {
  readonly kind = 'regressor' as const;
  private state: RidgeState | undefined;

  constructor(params: Partial<RidgeParams> = {}) {
    super('Ridge', RIDGE_DEFAULTS, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private fittedState(method: string): RidgeState {
    if (!this.state) throw this.notFitted(method);
    return this.state;
  }
  get coef(): Matrix {
    return this.fittedState('coef').coef;
  }
  get intercept(): Float64Array {
    return this.fittedState('intercept').intercept;
  }

  fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    const { X: m, y: t } = checkRegression(X, y);
    const weights = checkSampleWeight(opts?.sampleWeight, m.rows, this.estimatorName);
    const { coef, intercept } = weights
      ? solveWeightedRidge(m, t, 1, this.params.alpha, this.params.fitIntercept, weights, this.estimatorName)
      : solveRidge(m, t, 1, this.params.alpha, this.params.fitIntercept, this.estimatorName);
    this.state = { coef, intercept, nFeatures: m.cols };
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fittedState('predict');
    const m = checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
    return linearScores(m, s.coef, s.intercept).data;
  }

  score(X: Matrix, y: Targets): number {
    const pred = this.predict(X);
    const { y: t } = checkRegression(X, y);
    return r2(t, pred);
  }
}

type RidgeClassifierState = LinearClassifierState;

/** Ridge regression on targets coded -1 / +1 per class (one column for two classes). */
export class RidgeClassifier
  extends LinearClassifierBase<RidgeClassifierParams, RidgeClassifierState>
  implements Classifier<RidgeClassifierParams>, LinearModel
{
  constructor(params: Partial<RidgeClassifierParams> = {}) {
    super('RidgeClassifier', { ...RIDGE_DEFAULTS, classWeight: null }, params);
  }

  fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    const { X: m, classes, codes } = checkClassification(X, y);
    const weights = combinedSampleWeights('RidgeClassifier', classes, codes, this.params.classWeight, opts?.sampleWeight);
    const k = classes.length === 2 ? 1 : classes.length;
    const n = m.rows;
    const Y = new Float64Array(n * k).fill(-1);
    for (let i = 0; i < n; i++) {
      if (k === 1) Y[i] = codes[i] === 1 ? 1 : -1;
      else Y[i * k + codes[i]!] = 1;
    }
    const { coef, intercept } = weights
      ? solveWeightedRidge(m, Y, k, this.params.alpha, this.params.fitIntercept, weights, this.estimatorName)
      : solveRidge(m, Y, k, this.params.alpha, this.params.fitIntercept, this.estimatorName);
    this.state = { classes, nFeatures: m.cols, coef, intercept };
    return this;
  }

  /** The searchlight's batched 'ridge-classifier' kernel: every class from one factored Gram per sphere and fold. */
  batchedKernel(): BatchedKernel {
    return { name: 'ridge-classifier', params: this.getParams() };
  }
}
