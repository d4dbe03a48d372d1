// Small helpers of the Decoder's fold loop: row copies, label picks, and what a fitted model offers.
import { Matrix } from '@neurodecode/matrix';
import { DummyClassifier, DummyRegressor, type Estimator, type LinearModel } from '@neurodecode/estimators';
import type { Problem } from './decoder.js';

export function problemName(p: Problem): string {
  return p.label === undefined ? 'beta' : String(p.label);
}

/** Rows `idx` of X copied into the front of `buffer` (which must be large enough). */
export function rowsInto(X: Matrix, idx: Int32Array, buffer: Float64Array): Matrix {
  const p = X.cols;
  const out = buffer.subarray(0, idx.length * p);
  for (let a = 0; a < idx.length; a++) out.set(X.data.subarray(idx[a]! * p, (idx[a]! + 1) * p), a * p);
  return new Matrix(idx.length, p, out);
}

export function pick(y: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

export function allZeroWeights(est: Estimator): boolean {
  const coef = (est as unknown as Partial<LinearModel>).coef;
  return coef !== undefined && coef.data.every((v) => v === 0);
}

export function dummyOutputOf(est: Estimator): number[] | undefined {
  if (est instanceof DummyClassifier) return Array.from(est.classPrior);
  if (est instanceof DummyRegressor) return [est.constant];
  return undefined;
}

/** The fitted model's weights, expanded back to all features (zeros where screened out). */
export function linearWeights(
  est: Estimator,
  nFeatures: number,
  support?: Int32Array,
): { coef: Float64Array; intercept: number } | undefined {
  const lin = est as unknown as Partial<LinearModel>;
  if (!lin.coef || !lin.intercept) return undefined;
  const coef = new Float64Array(nFeatures);
  const w = lin.coef.row(lin.coef.rows - 1);
  if (support) for (let j = 0; j < support.length; j++) coef[support[j]!] = w[j]!;
  else coef.set(w);
  return { coef, intercept: lin.intercept[lin.intercept.length - 1]! };
}

/**
 * Decision values of a fold's model on its test rows: the linear score, the decision function's
 * positive column, probability - 0.5 when only probabilities exist, or regression predictions.
 */
export function foldDecision(est: Estimator, B: Matrix, classifier: boolean): Float64Array {
  const m = est as unknown as {
    decisionFunction?: (X: Matrix) => Matrix;
    predictProba?: (X: Matrix) => Matrix;
    predict: (X: Matrix) => ArrayLike<unknown>;
  };
  if (!classifier) return Float64Array.from(m.predict(B) as ArrayLike<number>);
  if (m.decisionFunction) {
    const d = m.decisionFunction(B);
    return d.col(d.cols - 1);
  }
  if (m.predictProba) {
    const d = m.predictProba(B);
    return d.col(d.cols - 1).map((v) => v - 0.5);
  }
  throw new Error('estimator: has neither decisionFunction nor predictProba, so the decoder cannot rank test samples');
}
