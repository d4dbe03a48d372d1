// Lasso and ElasticNet by cyclic coordinate descent on centred data, following scikit-learn's
// objective, sweep order and stopping rule (the largest weight change relative to the largest
// weight, confirmed by the duality gap) so that its early stop lands on the same coefficients:
//   1 / (2 n) ||y - X w - b||^2 + alpha * l1Ratio * ||w||_1 + alpha * (1 - l1Ratio) / 2 * ||w||^2
import { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { checkMatrix, checkRegression, r2 } from './labels.js';
import { columnMeans } from './linalg.js';
import type { FitOptions, LinearModel, Regressor, Targets } from './types.js';

/** Hyper-parameters of ElasticNet and Lasso (scikit-learn's names, camel-cased). */
export interface ElasticNetParams {
  [key: string]: unknown;
  /** Penalty strength (>= 0). */
  alpha: number;
  /** Share of the L1 penalty in [0, 1] (1: the lasso). */
  l1Ratio: number;
  fitIntercept: boolean;
  /** Duality-gap tolerance, relative to ||y - mean(y)||^2 (scikit-learn's tol). */
  tol: number;
  maxIter: number;
}

const ENET_DEFAULTS: ElasticNetParams = { alpha: 1, l1Ratio: 0.5, fitIntercept: true, tol: 1e-4, maxIter: 1000 };

/** Centred, feature-major design for coordinate descent (each feature's n values contiguous). */
export interface CdDesign {
  n: number;
  p: number;
  /** p x n, centred when the intercept is fitted. */
  cols: Float64Array;
  /** Squared column norms. */
  norms: Float64Array;
  xMean: Float64Array;
}

/** The centred design and column norms coordinate descent works on (the intercept handled by centring). */
export function cdDesign(X: Matrix, fitIntercept: boolean): CdDesign {
  const n = X.rows;
  const p = X.cols;
  const xMean = fitIntercept ? columnMeans(X.data, n, p) : new Float64Array(p);
  const cols = new Float64Array(n * p);
  const norms = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let j = 0; j < p; j++) cols[j * n + i] = X.data[off + j]! - xMean[j]!;
  }
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = j * n; i < (j + 1) * n; i++) s += cols[i]! * cols[i]!;
    norms[j] = s;
  }
  return { n, p, cols, norms, xMean };
}

/**
 * One coordinate-descent solve at penalty (alpha, l1Ratio) on centred targets yc, starting from w
 * (warm start; updated in place). Returns the sweep count.
 */
export function enetCoordinateDescent(
  D: CdDesign,
  yc: Float64Array,
  alpha: number,
  l1Ratio: number,
  tol: number,
  maxIter: number,
  w: Float64Array,
): number {
  const { n, p, cols, norms } = D;
  const l1 = alpha * l1Ratio * n;
  const l2 = alpha * (1 - l1Ratio) * n;
  const R = yc.slice();
  for (let j = 0; j < p; j++) {
    const wj = w[j]!;
    if (wj === 0) continue;
    for (let i = 0, o = j * n; i < n; i++) R[i]! -= wj * cols[o + i]!;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yc[i]! * yc[i]!;
  const gapTol = tol * yy;
  let sweep = 0;
  for (; sweep < maxIter; sweep++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      if (norms[j] === 0) continue;
      const o = j * n;
      const old = w[j]!;
      if (old !== 0) for (let i = 0; i < n; i++) R[i]! += old * cols[o + i]!;
      let t = 0;
      for (let i = 0; i < n; i++) t += cols[o + i]! * R[i]!;
      const mag = Math.abs(t) - l1;
      const nw = mag > 0 ? (Math.sign(t) * mag) / (norms[j]! + l2) : 0;
      w[j] = nw;
      if (nw !== 0) for (let i = 0; i < n; i++) R[i]! -= nw * cols[o + i]!;
      dwMax = Math.max(dwMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dwMax / wMax < tol || sweep === maxIter - 1) {
      if (dualityGap(D, yc, R, w, l1, l2) < gapTol) return sweep + 1;
    }
  }
  return sweep;
}

function dualityGap(D: CdDesign, yc: Float64Array, R: Float64Array, w: Float64Array, l1: number, l2: number): number {
  const { n, p, cols } = D;
  let dualNorm = 0;
  let wNorm2 = 0;
  let l1Norm = 0;
  for (let j = 0; j < p; j++) {
    let t = 0;
    for (let i = 0, o = j * n; i < n; i++) t += cols[o + i]! * R[i]!;
    dualNorm = Math.max(dualNorm, Math.abs(t - l2 * w[j]!));
    wNorm2 += w[j]! * w[j]!;
    l1Norm += Math.abs(w[j]!);
  }
  let rNorm2 = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rNorm2 += R[i]! * R[i]!;
    ry += R[i]! * yc[i]!;
  }
  let scale = 1;
  let gap: number;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
  } else gap = rNorm2;
  return gap + l1 * l1Norm - scale * ry + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}

/** scikit-learn's alpha grid: alphaMax = max|Xc^T yc| / (n l1Ratio), down to eps * alphaMax, log-spaced, largest first. */
export function enetAlphaGrid(
  D: CdDesign,
  yc: Float64Array,
  opts: { l1Ratio?: number; eps?: number; nAlphas?: number } = {},
): Float64Array {
  const l1Ratio = opts.l1Ratio ?? 1;
  const eps = opts.eps ?? 1e-3;
  const nAlphas = opts.nAlphas ?? 100;
  if (!(l1Ratio > 0)) throw new RangeError('enetAlphaGrid: l1Ratio must be > 0 for an automatic alpha grid');
  let top = 0;
  for (let j = 0; j < D.p; j++) {
    let t = 0;
    for (let i = 0, o = j * D.n; i < D.n; i++) t += D.cols[o + i]! * yc[i]!;
    top = Math.max(top, Math.abs(t));
  }
  const alphaMax = top / (D.n * l1Ratio);
  const out = new Float64Array(nAlphas);
  if (alphaMax <= Number.EPSILON) return out.fill(Number.EPSILON);
  const lo = Math.log10(alphaMax * eps);
  const hi = Math.log10(alphaMax);
  for (let a = 0; a < nAlphas; a++) out[a] = 10 ** (nAlphas === 1 ? hi : hi - ((hi - lo) * a) / (nAlphas - 1));
  return out;
}

interface EnetState {
  nFeatures: number;
  coef: Matrix;
  intercept: Float64Array;
  nIter: number;
}

/** scikit-learn's ElasticNet: least squares with an L1 + L2 penalty (alpha, l1Ratio), solved by coordinate descent. */
export class ElasticNet extends BaseEstimator<ElasticNetParams> implements Regressor<ElasticNetParams>, LinearModel {
  readonly kind = 'regressor' as const;
  protected state: EnetState | undefined;

  constructor(params: Partial<ElasticNetParams> = {}, name = 'ElasticNet', defaults: ElasticNetParams = ENET_DEFAULTS) {
    super(name, defaults, params);
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

  private need(what: string): EnetState {
    if (!this.state) throw this.notFitted(what);
    return this.state;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    if (opts.sampleWeight) throw new Error(`${this.estimatorName}: sampleWeight is not supported`);
    const { X: m, y: yy } = checkRegression(X, y);
    const P = this.params;
    if (!(P.alpha >= 0)) throw new RangeError(`${this.estimatorName}: alpha must be >= 0, got ${P.alpha}`);
    if (!(P.l1Ratio >= 0 && P.l1Ratio <= 1)) throw new RangeError(`${this.estimatorName}: l1Ratio must be in [0, 1], got ${P.l1Ratio}`);
    if (!(P.tol > 0)) throw new RangeError(`${this.estimatorName}: tol must be > 0, got ${P.tol}`);
    const D = cdDesign(m, P.fitIntercept);
    let yMean = 0;
    if (P.fitIntercept) {
      for (const v of yy) yMean += v;
      yMean /= yy.length;
    }
    const yc = Float64Array.from(yy, (v) => v - yMean);
    const w = new Float64Array(m.cols);
    const nIter = enetCoordinateDescent(D, yc, P.alpha, P.l1Ratio, P.tol, P.maxIter, w);
    let b = yMean;
    for (let j = 0; j < m.cols; j++) b -= D.xMean[j]! * w[j]!;
    this.state = { nFeatures: m.cols, coef: new Matrix(1, m.cols, w), intercept: Float64Array.of(b), nIter };
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.need('predict');
    const m = checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
    const out = new Float64Array(m.rows);
    const w = s.coef.data;
    for (let i = 0; i < m.rows; i++) {
      let v = s.intercept[0]!;
      for (let j = 0, o = i * m.cols; j < m.cols; j++) v += m.data[o + j]! * w[j]!;
      out[i] = v;
    }
    return out;
  }

  score(X: Matrix, y: Targets): number {
    return r2(y as ArrayLike<number>, this.predict(X));
  }
}

/** scikit-learn's Lasso: ElasticNet with l1Ratio = 1. */
export class Lasso extends ElasticNet {
  constructor(params: Partial<ElasticNetParams> = {}) {
    super({ ...params, l1Ratio: params.l1Ratio ?? 1 }, 'Lasso', { ...ENET_DEFAULTS, l1Ratio: 1 });
  }
}
