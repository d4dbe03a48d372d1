// Linear epsilon-support vector regression, solved as libsvm (which scikit-learn's SVR runs) solves
// it: the dual over 2n box-constrained variables with one equality constraint, by SMO with
// second-order working-set selection, on the Gram matrix X X^T. The intercept is not penalised.
import { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { checkMatrix, checkRegression, r2 } from './labels.js';
import { tiledRowGram } from './gram-kernel.js';
import type { FitOptions, LinearModel, Regressor, Targets } from './types.js';

/** Hyper-parameters of SVR (scikit-learn's names, camel-cased): C, epsilon, tol, maxIter, kernel. */
export interface SVRParams {
  [key: string]: unknown;
  /** Penalty on the epsilon-insensitive loss (> 0). */
  C: number;
  /** Width of the tube inside which errors cost nothing (>= 0). */
  epsilon: number;
  /** Stop when the largest KKT violation falls below tol (libsvm's eps). */
  tol: number;
  /** Iteration cap (-1: none, scikit-learn's default). */
  maxIter: number;
  /** Only 'linear' (the weights are what decoding maps). */
  kernel: 'linear';
}

const SVR_DEFAULTS: SVRParams = { C: 1, epsilon: 0.1, tol: 1e-3, maxIter: -1, kernel: 'linear' };
const TAU = 1e-12;

/**
 * libsvm's SMO on the epsilon-SVR dual. K: n x n Gram; returns the dual coefficients
 * (alpha_i - alpha*_i, scaled by sample weights through the per-sample bound) and rho.
 */
export function solveSvrDual(
  K: Float64Array,
  n: number,
  y: Float64Array,
  opts: { C: number; epsilon: number; tol: number; maxIter: number; sampleWeight?: Float64Array },
): { dual: Float64Array; rho: number; nIter: number } {
  const l = 2 * n;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l);
  const sign = new Int8Array(l);
  const upper = new Float64Array(l);
  for (let t = 0; t < n; t++) {
    sign[t] = 1;
    sign[t + n] = -1;
    G[t] = opts.epsilon - y[t]!;
    G[t + n] = opts.epsilon + y[t]!;
    const c = opts.C * (opts.sampleWeight ? opts.sampleWeight[t]! : 1);
    upper[t] = c;
    upper[t + n] = c;
  }
  const k = (a: number, b: number) => K[(a % n) * n + (b % n)]!;
  const maxIter = opts.maxIter < 0 ? Infinity : opts.maxIter;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    // Working set: i maximises -y G over I_up; j minimises the second-order gain over I_low.
    let gmax = -Infinity,
      gmax2 = -Infinity,
      i = -1;
    for (let t = 0; t < l; t++) {
      const up = sign[t] === 1 ? alpha[t]! < upper[t]! : alpha[t]! > 0;
      if (up && -sign[t]! * G[t]! >= gmax) {
        gmax = -sign[t]! * G[t]!;
        i = t;
      }
    }
    let j = -1,
      objMin = Infinity;
    for (let t = 0; t < l; t++) {
      const low = sign[t] === 1 ? alpha[t]! > 0 : alpha[t]! < upper[t]!;
      if (!low) continue;
      const yg = sign[t]! * G[t]!;
      if (yg >= gmax2) gmax2 = yg;
      if (i < 0) continue;
      const b = gmax + yg;
      if (b > 0) {
        let a = k(i, i) + k(t, t) - 2 * k(i, t);
        if (a <= 0) a = TAU;
        const obj = -(b * b) / a;
        if (obj <= objMin) {
          objMin = obj;
          j = t;
        }
      }
    }
    if (gmax + gmax2 < opts.tol || j < 0 || i < 0) break;
    const yi = sign[i]!,
      yj = sign[j]!;
    const Ci = upper[i]!,
      Cj = upper[j]!;
    const Qij = yi * yj * k(i, j);
    const oldI = alpha[i]!,
      oldJ = alpha[j]!;
    let ai = oldI,
      aj = oldJ;
    if (yi !== yj) {
      let quad = k(i, i) + k(j, j) + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      let quad = k(i, i) + k(j, j) - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = ai - oldI,
      dJ = aj - oldJ;
    // G_t += Q_ti dI + Q_tj dJ, with Q_ts = y_t y_s K
    for (let t = 0; t < l; t++) G[t]! += sign[t]! * (yi * k(t, i) * dI + yj * k(t, j) * dJ);
  }
  let ub = Infinity,
    lb = -Infinity,
    nFree = 0,
    sumFree = 0;
  for (let t = 0; t < l; t++) {
    const yg = sign[t]! * G[t]!;
    if (alpha[t]! >= upper[t]!) {
      if (sign[t] === -1) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else if (alpha[t]! <= 0) {
      if (sign[t] === 1) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else {
      nFree++;
      sumFree += yg;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const dual = new Float64Array(n);
  for (let t = 0; t < n; t++) dual[t] = alpha[t]! - alpha[t + n]!;
  return { dual, rho, nIter: iter };
}

interface SvrState {
  nFeatures: number;
  coef: Matrix;
  intercept: Float64Array;
  nIter: number;
}

/** scikit-learn's SVR with a linear kernel: epsilon-insensitive regression solved by libsvm's SMO. */
export class SVR extends BaseEstimator<SVRParams> implements Regressor<SVRParams>, LinearModel {
  readonly kind = 'regressor' as const;
  private state: SvrState | undefined;

  constructor(params: Partial<SVRParams> = {}) {
    super('SVR', SVR_DEFAULTS, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  get coef(): Matrix {
    return this.need('coef').coef;
  }
  get intercept(): Float64Array {
    return this.need('intercept').intercept;
  }
  get nIter(): number {
    return this.need('nIter').nIter;
  }

  private need(what: string): SvrState {
    if (!this.state) throw this.notFitted(what);
    return this.state;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    const { X: m, y: yy } = checkRegression(X, y);
    const P = this.params;
    if (P.kernel !== 'linear') throw new RangeError(`SVR: kernel must be "linear", got ${JSON.stringify(P.kernel)}`);
    if (!(P.C > 0)) throw new RangeError(`SVR: C must be > 0, got ${P.C}`);
    if (!(P.epsilon >= 0)) throw new RangeError(`SVR: epsilon must be >= 0, got ${P.epsilon}`);
    if (!(P.tol > 0)) throw new RangeError(`SVR: tol must be > 0, got ${P.tol}`);
    const n = m.rows;
    const p = m.cols;
    const K = opts.gram ?? tiledRowGram(m.data, n, p);
    if (K.length !== n * n) throw new RangeError(`gram: length ${K.length} does not match X rows ${n} (expected ${n}x${n})`);
    const { dual, rho, nIter } = solveSvrDual(K, n, yy, {
      C: P.C,
      epsilon: P.epsilon,
      tol: P.tol,
      maxIter: P.maxIter,
      sampleWeight: opts.sampleWeight,
    });
    const w = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const a = dual[i]!;
      if (a === 0) continue;
      for (let j = 0, o = i * p; j < p; j++) w[j]! += a * m.data[o + j]!;
    }
    this.state = { nFeatures: p, coef: new Matrix(1, p, w), intercept: Float64Array.of(-rho), nIter };
    return this;
  }

  acceptsGram(): boolean {
    return true;
  }

  predict(X: Matrix): Float64Array {
    const s = this.need('predict');
    const m = checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let v = s.intercept[0]!;
      for (let j = 0, o = i * m.cols; j < m.cols; j++) v += m.data[o + j]! * s.coef.data[j]!;
      out[i] = v;
    }
    return out;
  }

  score(X: Matrix, y: Targets): number {
    return r2(y as ArrayLike<number>, this.predict(X));
  }
}
