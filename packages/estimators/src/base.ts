// Shared plumbing for the built-ins: parameter bookkeeping (kept exactly as given), clone, the
// not-fitted guard, and the predict/score logic common to classifiers.
import { Matrix } from '@neurodecode/matrix';
import { checkParamNames } from './registry.js';
import { accuracy, checkLength, checkMatrix, r2 } from './labels.js';
import type { AnyParams, EstimatorKind, FitOptions, Label, Params, Targets } from './types.js';
import { readEstimatorJSON, toEstimatorJSON, type EstimatorJSON } from './serialize.js';

function copyParam(v: unknown): unknown {
  if (Array.isArray(v)) return v.slice();
  if (ArrayBuffer.isView(v)) return (v as unknown as Float64Array).slice();
  return v;
}

type Stateful = { state?: unknown };

/** Parameter plumbing shared by every estimator: kept-as-given parameters, getParams/setParams/clone, unknown-name errors. */
export abstract class BaseEstimator<P extends AnyParams> {
  abstract readonly kind: EstimatorKind;
  /** The class name used in error messages. */
  readonly estimatorName: string;
  protected params: P;
  private readonly paramNames: readonly string[];

  protected constructor(estimatorName: string, defaults: P, given: Partial<P> = {}) {
    this.estimatorName = estimatorName;
    this.paramNames = Object.keys(defaults);
    checkParamNames(estimatorName, given as Params, this.paramNames);
    const params: Params = { ...defaults };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) params[k] = copyParam(v);
    this.params = params as P;
  }

  getParams(): P {
    const out: Params = {};
    for (const k of this.paramNames) out[k] = copyParam(this.params[k]);
    return out as P;
  }

  setParams(params: Partial<P>): this {
    checkParamNames(this.estimatorName, params as Params, this.paramNames);
    for (const [k, v] of Object.entries(params)) (this.params as Params)[k] = copyParam(v);
    return this;
  }

  clone(): this {
    const Ctor = this.constructor as new (p: P) => BaseEstimator<P>;
    return new Ctor(this.getParams()) as this;
  }

  abstract get fitted(): boolean;

  /**
   * Parameters and fitted state as JSON. The built-ins keep everything they learn in one `state`
   * object of arrays, matrices and numbers; a subclass that keeps more overrides both methods.
   */
  toJSON(): EstimatorJSON {
    return toEstimatorJSON(this.estimatorName, this.getParams(), this.fitted ? (this as unknown as Stateful).state : undefined);
  }

  fromJSON(json: EstimatorJSON | string): this {
    const { params, state } = readEstimatorJSON(json, this.estimatorName);
    this.setParams(params as Partial<P>);
    if (
      state !== undefined &&
      (typeof state !== 'object' || state === null || typeof (state as { nFeatures?: unknown }).nFeatures !== 'number')
    ) {
      throw new Error(`${this.estimatorName}: json: the saved state has no feature count, so it is not this estimator's`);
    }
    (this as unknown as Stateful).state = state;
    return this;
  }

  protected notFitted(method: string): Error {
    return new Error(`${this.estimatorName}: not fitted; call fit(X, y) before ${method}`);
  }
}

/** Fitted state every classifier keeps. */
export interface ClassifierState {
  classes: Label[];
  nFeatures: number;
}

/** Base for classifiers: implement fit and scores(); predict (argmax), score (accuracy), classes and the not-fitted guard come from here. */
export abstract class BaseClassifier<P extends AnyParams, S extends ClassifierState> extends BaseEstimator<P> {
  readonly kind = 'classifier' as const;
  protected state: S | undefined;

  get fitted(): boolean {
    return this.state !== undefined;
  }

  get classes(): Label[] {
    return this.fittedState('classes').classes.slice();
  }

  protected fittedState(method: string): S {
    if (!this.state) throw this.notFitted(method);
    return this.state;
  }

  /** Validate X at predict time against the fitted width. */
  protected checkInput(X: Matrix, method: string): Matrix {
    const s = this.fittedState(method);
    return checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
  }

  /**
   * Learn from X (n x p) and labels y (n), set `state` (at least `classes`, sorted, and
   * `nFeatures`), and return this. checkClassification(X, y) validates and encodes the labels.
   */
  abstract fit(X: Matrix, y?: Targets, opts?: FitOptions): this;

  /** Per-class scores (n x k); predict takes the argmax (or the sign of a single column). */
  protected abstract scores(X: Matrix): Matrix;

  predict(X: Matrix): Label[] {
    const s = this.fittedState('predict');
    const m = this.checkInput(X, 'predict');
    return argmaxLabels(this.scores(m), s.classes);
  }

  score(X: Matrix, y: Targets): number {
    const m = this.checkInput(X, 'score');
    checkLength(y, m.rows);
    return accuracy(y, this.predict(m));
  }
}

/** Fitted state of a linear classifier: coefficients and intercepts besides the classes. */
export interface LinearClassifierState extends ClassifierState {
  /** One row per binary problem (1 for two classes) or class. */
  coef: Matrix;
  intercept: Float64Array;
}

/**
 * Classifiers whose decision is X coef^T + intercept (LinearSVC, LogisticRegression,
 * RidgeClassifier, plugins): the coefficient getters, decisionFunction and predict come from here.
 */
export abstract class LinearClassifierBase<P extends AnyParams, S extends LinearClassifierState> extends BaseClassifier<P, S> {
  get coef(): Matrix {
    return this.fittedState('coef').coef;
  }
  get intercept(): Float64Array {
    return this.fittedState('intercept').intercept;
  }

  decisionFunction(X: Matrix): Matrix {
    return this.scores(this.checkInput(X, 'decisionFunction'));
  }

  protected scores(X: Matrix): Matrix {
    const s = this.fittedState('decisionFunction');
    return linearScores(X, s.coef, s.intercept);
  }
}

/** Labels from scores: one column means positive (classes[1]) when > 0; else the argmax. */
export function argmaxLabels(scores: Matrix, classes: readonly Label[]): Label[] {
  const out: Label[] = new Array(scores.rows);
  const k = scores.cols;
  const d = scores.data;
  for (let i = 0; i < scores.rows; i++) {
    if (k === 1) {
      out[i] = d[i]! > 0 ? classes[1]! : classes[0]!;
      continue;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (d[i * k + c]! > d[i * k + best]!) best = c;
    out[i] = classes[best]!;
  }
  return out;
}

/** X W^T + b, for linear models (W: k x p row-major). */
export function linearScores(X: Matrix, coef: Matrix, intercept: Float64Array): Matrix {
  const n = X.rows;
  const p = X.cols;
  const k = coef.rows;
  const out = new Matrix(n, k);
  const x = X.data;
  const w = coef.data;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    for (let c = 0; c < k; c++) {
      const wo = c * p;
      let s = intercept[c]!;
      for (let j = 0; j < p; j++) s += x[xo + j]! * w[wo + j]!;
      out.data[i * k + c] = s;
    }
  }
  return out;
}

export { r2 };
