// Primal solvers on tfjs tensors for whole-brain-sized linear models: LinearSVC (L2, squared
// hinge, liblinear's objective with the intercept as a penalised constant feature) and L2
// LogisticRegression (unpenalised intercept, as scikit-learn's lbfgs). Both objectives are smooth,
// so L-BFGS applies; every function/gradient evaluation costs one X w and one X^T r on the
// active tfjs backend. Several classes: one-vs-rest.
import type { Classifier, EstimatorJSON, FitOptions, Label, Targets } from '@neurodecode/estimators';
import { readEstimatorJSON, toEstimatorJSON } from '@neurodecode/estimators';
import {
  accuracy,
  argmaxLabels,
  checkClassification,
  checkLength,
  checkMatrix,
  checkParamNames,
  linearScores,
} from '@neurodecode/estimators';
import { Matrix } from '@neurodecode/matrix';
import { ensureBackendSync, type BackendName } from './backend.js';
import { TfjsOperator, type LinearOperator } from './linalg.js';
import { lbfgs } from './lbfgs.js';

/** Parameters shared by the TensorFlow.js linear solvers. */
export interface TfjsLinearParams {
  /** Inverse regularisation strength (> 0). */
  C: number;
  fitIntercept: boolean;
  /** Stop when the largest gradient entry falls below tol times its value at the start. */
  tol: number;
  maxIter: number;
  /** Kept for symmetry with the JS estimators' `solver`; only 'tfjs' exists here. */
  solver: 'tfjs';
}

/** Parameters of the TensorFlow.js linear SVM (squared hinge, as LinearSVC). */
export interface TfjsLinearSVCParams extends TfjsLinearParams {
  /** Value of the constant feature that carries the (penalised) intercept, as liblinear. */
  interceptScaling: number;
}

const COMMON: TfjsLinearParams = { C: 1, fitIntercept: true, tol: 1e-6, maxIter: 1000, solver: 'tfjs' };

interface LinearState {
  classes: Label[];
  coef: Matrix;
  intercept: Float64Array;
  nIter: number;
  backend: BackendName;
}

/** Objective value; writes its gradient over z = [w, b] into grad. Targets are +-1. */
type BinaryObjective = (op: LinearOperator, ySign: Float64Array, z: Float64Array, grad: Float64Array) => number;

abstract class TfjsLinearBase<P extends TfjsLinearParams> implements Classifier<P> {
  readonly kind = 'classifier' as const;
  protected params: P;
  private state: LinearState | undefined;

  constructor(
    private readonly estimatorName: string,
    private readonly defaults: P,
    params: Partial<P>,
  ) {
    checkParamNames(estimatorName, params, Object.keys(defaults));
    this.params = { ...defaults, ...params };
    this.validate(this.params);
  }

  protected validate(p: P): void {
    if (!(p.C > 0)) throw new Error(`C: must be > 0, got ${String(p.C)}`);
    if (!(p.tol > 0)) throw new Error(`tol: must be > 0, got ${String(p.tol)}`);
    if (!Number.isInteger(p.maxIter) || p.maxIter < 1) throw new Error(`maxIter: expected an integer >= 1, got ${String(p.maxIter)}`);
    if (p.solver !== 'tfjs') throw new Error(`solver: only "tfjs" is available in ${this.estimatorName}, got "${String(p.solver)}"`);
  }

  protected abstract objective(): BinaryObjective;
  /** Intercept column value appended to X (1 for an unpenalised intercept handled separately). */
  protected abstract interceptColumn(): number;

  getParams(): P {
    return { ...this.params };
  }
  setParams(params: Partial<P>): this {
    checkParamNames(this.estimatorName, params, Object.keys(this.defaults));
    const next = { ...this.params, ...params };
    this.validate(next);
    this.params = next;
    return this;
  }
  abstract clone(): Classifier<P>;

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private get fittedState(): LinearState {
    if (!this.state) throw new Error(`${this.estimatorName}: not fitted; call fit(X, y) first`);
    return this.state;
  }
  get classes(): Label[] {
    return this.fittedState.classes.slice();
  }

  toJSON(): EstimatorJSON {
    return toEstimatorJSON(this.estimatorName, this.getParams(), this.state);
  }

  fromJSON(json: EstimatorJSON | string): this {
    const { params, state } = readEstimatorJSON(json, this.estimatorName);
    this.setParams(params as Partial<P>);
    if (state !== undefined && !((state as LinearState).coef instanceof Matrix))
      throw new Error(`${this.estimatorName}: json: the saved state has no coefficients`);
    this.state = state as LinearState | undefined;
    return this;
  }
  get coef(): Matrix {
    return this.fittedState.coef;
  }
  get intercept(): Float64Array {
    return this.fittedState.intercept;
  }
  get nIter(): number {
    return this.fittedState.nIter;
  }
  get backend(): BackendName {
    return this.fittedState.backend;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    if (opts.sampleWeight) throw new Error(`${this.estimatorName}: sampleWeight is not supported`);
    if (!y) throw new Error(`y: ${this.estimatorName} needs targets`);
    const { classes, codes } = checkClassification(X, y);
    const backend = ensureBackendSync();
    const { rows: n, cols: p } = X;
    const withIntercept = this.params.fitIntercept;
    const q = withIntercept ? p + 1 : p;
    // The intercept rides along as a constant column, so one product gives X w + b.
    const data = new Float32Array(n * q);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) data[i * q + j] = X.data[i * p + j]!;
      if (withIntercept) data[i * q + p] = this.interceptColumn();
    }
    const op = new TfjsOperator(data, n, q);
    const problems = classes.length === 2 ? [1] : classes.map((_, k) => k);
    const coef = Matrix.zeros(problems.length, p);
    const intercept = new Float64Array(problems.length);
    let nIter = 0;
    const f = this.objective();
    try {
      problems.forEach((k, r) => {
        const ySign = Float64Array.from(codes, (c) => (c === k ? 1 : -1));
        const res = lbfgs((z, g) => f(op, ySign, z, g), new Float64Array(q), { maxIter: this.params.maxIter, gtol: this.params.tol });
        nIter += res.iterations;
        coef.data.set(res.x.subarray(0, p), r * p);
        intercept[r] = withIntercept ? res.x[p]! * this.interceptColumn() : 0;
      });
    } finally {
      op.dispose();
    }
    this.state = { classes, coef, intercept, nIter, backend };
    return this;
  }

  decisionFunction(X: Matrix): Matrix {
    const s = this.fittedState;
    return linearScores(checkMatrix(X, 'X', s.coef.cols, this.estimatorName), s.coef, s.intercept);
  }

  predict(X: Matrix): Label[] {
    return argmaxLabels(this.decisionFunction(X), this.fittedState.classes);
  }

  score(X: Matrix, y: Targets): number {
    checkLength(y, X.rows);
    return accuracy(y, this.predict(X));
  }
}

function penalty(z: Float64Array, grad: Float64Array, nPenalised: number): number {
  let v = 0;
  for (let j = 0; j < nPenalised; j++) {
    v += 0.5 * z[j]! * z[j]!;
    grad[j]! += z[j]!;
  }
  return v;
}

/** LinearSVC: 0.5 ||[w, b']||^2 + C sum max(0, 1 - y (x w + s b'))^2 (liblinear's L2-loss SVC). */
export class TfjsLinearSVC extends TfjsLinearBase<TfjsLinearSVCParams> {
  constructor(params: Partial<TfjsLinearSVCParams> = {}) {
    super('TfjsLinearSVC', { ...COMMON, interceptScaling: 1 }, params);
  }
  protected override validate(p: TfjsLinearSVCParams): void {
    super.validate(p);
    if (!(p.interceptScaling > 0)) throw new Error(`interceptScaling: must be > 0, got ${String(p.interceptScaling)}`);
  }
  protected interceptColumn(): number {
    return this.params.interceptScaling;
  }
  protected objective(): BinaryObjective {
    const C = this.params.C;
    return (op, y, z, grad) => {
      const s = new Float64Array(op.rows);
      op.matvec(z, s);
      const r = new Float64Array(op.rows);
      let loss = 0;
      for (let i = 0; i < op.rows; i++) {
        const m = 1 - y[i]! * s[i]!;
        if (m > 0) {
          loss += m * m;
          r[i] = -2 * C * y[i]! * m;
        }
      }
      op.rmatvec(r, grad);
      return C * loss + penalty(z, grad, z.length);
    };
  }
  clone(): TfjsLinearSVC {
    return new TfjsLinearSVC(this.getParams());
  }
}

/** L2 logistic regression: 0.5 ||w||^2 + C sum log(1 + exp(-y (x w + b))), b unpenalised. */
export class TfjsLogisticRegression extends TfjsLinearBase<TfjsLinearParams> {
  constructor(params: Partial<TfjsLinearParams> = {}) {
    super('TfjsLogisticRegression', COMMON, params);
  }
  protected interceptColumn(): number {
    return 1;
  }
  protected objective(): BinaryObjective {
    const C = this.params.C;
    const fitIntercept = this.params.fitIntercept;
    return (op, y, z, grad) => {
      const s = new Float64Array(op.rows);
      op.matvec(z, s);
      const r = new Float64Array(op.rows);
      let loss = 0;
      for (let i = 0; i < op.rows; i++) {
        const m = y[i]! * s[i]!;
        loss += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
        const sig = m > 0 ? Math.exp(-m) / (1 + Math.exp(-m)) : 1 / (1 + Math.exp(m));
        r[i] = -C * y[i]! * sig;
      }
      op.rmatvec(r, grad);
      return C * loss + penalty(z, grad, fitIntercept ? z.length - 1 : z.length);
    };
  }
  predictProba(X: Matrix): Matrix {
    const d = this.decisionFunction(X);
    const k = this.classes.length;
    const out = Matrix.zeros(X.rows, k);
    for (let i = 0; i < X.rows; i++) {
      if (d.cols === 1) {
        const p1 = 1 / (1 + Math.exp(-d.data[i]!));
        out.data[2 * i] = 1 - p1;
        out.data[2 * i + 1] = p1;
      } else {
        let sum = 0;
        for (let c = 0; c < k; c++) sum += out.data[i * k + c] = 1 / (1 + Math.exp(-d.data[i * k + c]!));
        for (let c = 0; c < k; c++) out.data[i * k + c]! /= sum;
      }
    }
    return out;
  }
  clone(): TfjsLogisticRegression {
    return new TfjsLogisticRegression(this.getParams());
  }
}
