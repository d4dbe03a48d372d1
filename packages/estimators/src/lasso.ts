// Lasso and ElasticNet on centred data, minimising scikit-learn's objective
//   1 / (2 n) ||y - X w - b||^2 + alpha * l1Ratio * ||w||_1 + alpha * (1 - l1Ratio) / 2 * ||w||^2
// with one of two solvers: 'coordinate-descent' replays scikit-learn's cyclic coordinate descent
// (its sweep order and stopping rule: the largest weight change relative to the largest weight,
// confirmed by the duality gap), so its early stop lands on the same coefficients; 'exact' follows
// the solution path (lasso-exact.ts) to the optimum itself.
import { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { ExactEnetPath } from './lasso-exact.js';
import { checkMatrix, checkRegression, r2 } from './labels.js';
import { dotRange } from './linalg.js';
import type { FitOptions, LinearModel, Regressor, Targets } from './types.js';

/** Hyper-parameters of ElasticNet and Lasso (scikit-learn's names, camel-cased). */
export interface ElasticNetParams {
  [key: string]: unknown;
  /** Penalty strength (>= 0). */
  alpha: number;
  /** Share of the L1 penalty in [0, 1] (1: the lasso). */
  l1Ratio: number;
  fitIntercept: boolean;
  /** Duality-gap tolerance, relative to ||y - mean(y)||^2 (scikit-learn's tol; coordinate descent only). */
  tol: number;
  /** Sweeps before coordinate descent stops (scikit-learn's max_iter; coordinate descent only). */
  maxIter: number;
  /**
   * 'exact': the optimum, by following the solution path (a zero L1 part, alpha * l1Ratio = 0, is
   * left to coordinate descent); 'coordinate-descent': scikit-learn's solver replayed, its early
   * stop included, so the coefficients are scikit-learn's.
   */
  solver: EnetSolver;
}

/** The ElasticNet / Lasso / LassoCV solvers: the exact optimum, or scikit-learn's coordinate descent replayed. */
export type EnetSolver = 'exact' | 'coordinate-descent';

/** The default solver of ElasticNet, Lasso and LassoCV. */
export const DEFAULT_ENET_SOLVER: EnetSolver = 'exact';

const ENET_DEFAULTS: ElasticNetParams = {
  alpha: 1,
  l1Ratio: 0.5,
  fitIntercept: true,
  tol: 1e-4,
  maxIter: 1000,
  solver: DEFAULT_ENET_SOLVER,
};

/** The solver parameter checked (a one-line error naming the owner otherwise). */
export function checkEnetSolver(solver: unknown, owner: string): EnetSolver {
  if (solver !== 'exact' && solver !== 'coordinate-descent')
    throw new RangeError(`${owner}: solver must be "exact" or "coordinate-descent", got ${JSON.stringify(solver)}`);
  return solver;
}

/**
 * The exact elastic-net solution at one (alpha, l1Ratio), alpha * l1Ratio > 0: the path from the
 * largest useful penalty down to alpha through log-spaced steps (ratio about 0.8, so each step's
 * working set stays small), only the last one certified. Returns the weights and the kinks followed.
 */
export function exactEnetSolve(D: CdDesign, yc: Float64Array, alpha: number, l1Ratio: number): { w: Float64Array; kinks: number } {
  const top = enetAlphaGrid(D, yc, { l1Ratio, nAlphas: 1 })[0]!;
  const path = new ExactEnetPath(D, yc);
  if (alpha >= top) return { w: path.w, kinks: 0 };
  // Steps of a constant L2 part: alpha' * (1 - l1Ratio) must stay alpha * (1 - l1Ratio), so the
  // path runs over the L1 part with l1Ratio' = 1 - alpha (1 - l1Ratio) / alpha'.
  const steps = Math.max(1, Math.ceil(Math.log(top / alpha) / Math.log(1 / 0.8)));
  const l2Part = alpha * (1 - l1Ratio);
  const l1Top = top * l1Ratio;
  const l1Target = alpha * l1Ratio;
  const alphas = new Float64Array(steps);
  const ratios = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    const l1 = k === steps - 1 ? l1Target : l1Top * (l1Target / l1Top) ** ((k + 1) / steps);
    alphas[k] = l1 + l2Part;
    ratios[k] = l1 / (l1 + l2Part);
  }
  path.solvePath(alphas, ratios, undefined, (a) => a === steps - 1);
  return { w: path.w, kinks: path.stats.kinks };
}

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
  const xMean = new Float64Array(p);
  const cols = new Float64Array(n * p);
  const norms = new Float64Array(p);
  // Transposed in blocks of columns, so the writes stay within a few cache lines per column; the
  // column sums (in row order, as columnMeans) ride along. Then each column is centred in place.
  const BLOCK = 16;
  const d = X.data;
  for (let j0 = 0; j0 < p; j0 += BLOCK) {
    const j1 = Math.min(p, j0 + BLOCK);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let j = j0; j < j1; j++) {
        const v = d[off + j]!;
        cols[j * n + i] = v;
        xMean[j]! += v;
      }
    }
  }
  for (let j = 0; j < p; j++) {
    const mean = fitIntercept ? xMean[j]! / n : 0;
    xMean[j] = mean;
    let s = 0;
    for (let i = j * n; i < (j + 1) * n; i++) {
      const v = cols[i]! - mean;
      cols[i] = v;
      s += v * v;
    }
    norms[j] = s;
  }
  return { n, p, cols, norms, xMean };
}

/**
 * The design of a subset of rows of another design, centred on those rows: the same values as
 * cdDesign of the rows themselves up to rounding, gathered feature by feature (cache friendly).
 * With `scratch` (at least rows x p values) the columns are written there instead of a new array:
 * a caller building one design per fold reuses one buffer (a fresh array of megabytes pays a page
 * fault per page on its first write, which was most of the gather's time); the previous design
 * on that buffer is then overwritten.
 */
export function cdDesignRows(full: CdDesign, rows: ArrayLike<number>, fitIntercept: boolean, scratch?: Float64Array): CdDesign {
  const n = rows.length;
  const { p } = full;
  if (scratch && scratch.length < n * p)
    throw new RangeError(`cdDesignRows: scratch holds ${scratch.length} values, the design needs ${n * p}`);
  const cols = scratch ? scratch.subarray(0, n * p) : new Float64Array(n * p);
  const norms = new Float64Array(p);
  const xMean = new Float64Array(p);
  // The rows as runs of consecutive indices (a K-fold training set is one or two runs), so the
  // gather reads each run as a contiguous stretch of the column.
  const runStart: number[] = [];
  const runLength: number[] = [];
  for (let a = 0; a < n; a++) {
    const r = rows[a]!;
    const last = runStart.length - 1;
    if (last >= 0 && runStart[last]! + runLength[last]! === r) runLength[last]!++;
    else {
      runStart.push(r);
      runLength.push(1);
    }
  }
  const runs = runStart.length;
  for (let j = 0; j < p; j++) {
    const src = j * full.n;
    const dst = j * n;
    let sum = 0;
    for (let k = 0, a = dst; k < runs; k++) {
      const from = src + runStart[k]!;
      const to = from + runLength[k]!;
      for (let i = from; i < to; i++, a++) {
        const v = full.cols[i]!;
        cols[a] = v;
        sum += v;
      }
    }
    const mean = fitIntercept ? sum / n : 0;
    let ss = 0;
    for (let a = dst; a < dst + n; a++) {
      const v = cols[a]! - mean;
      cols[a] = v;
      ss += v * v;
    }
    norms[j] = ss;
    xMean[j] = full.xMean[j]! + mean;
  }
  return { n, p, cols, norms, xMean };
}

/**
 * One coordinate-descent solve at penalty (alpha, l1Ratio) on centred targets yc, starting from w
 * (warm start; updated in place). Returns the sweep count. A path of penalties on one design is
 * cheaper through EnetPath, which keeps its screening bounds from one penalty to the next.
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
  const path = new EnetPath(D, yc, w);
  const sweeps = path.solve(alpha, l1Ratio, tol, maxIter);
  w.set(path.w);
  return sweeps;
}

/**
 * Coordinate descent on one centred design and target along a sequence of penalties (largest
 * first, each solve warm-started from the last), with scikit-learn's sweep order and stopping
 * rule. Most features sit at zero and stay there, and recomputing X_j^T R for them is nearly all
 * of a plain sweep's cost. A zero feature whose update would leave it at zero is skipped: that is
 * certain while |X_j^T R| <= l1, and two bounds on |X_j^T R| are kept, from X_j^T R_ref at a
 * reference residual plus ||X_j|| ||R - R_ref|| (the distance updated exactly with every weight
 * change), and from the last X_j^T R computed for the feature plus ||X_j|| times the summed
 * |dw_k| ||X_k|| since. The iterates, stopping decisions and duality gaps are those of the plain
 * sweep; the bounds carry over from one penalty to the next.
 */
export class EnetPath {
  /** Current weights (the solution of the last solve). */
  readonly w: Float64Array;
  private readonly D: CdDesign;
  private readonly yc: Float64Array;
  private readonly R: Float64Array;
  /** The reference residual and X^T R_ref for every feature (refreshed when its bound wears out). */
  private readonly Rref: Float64Array;
  private readonly corrRef: Float64Array;
  private hasRef = false;
  /** The last X_j^T R computed for each feature (Infinity: never) and the drift at that time. */
  private readonly corr: Float64Array;
  private readonly stamp: Float64Array;
  private readonly colNorm: Float64Array;
  /** Summed |dw_k| ||X_k|| of every update so far: a bound on how far R has moved. */
  private drift = 0;
  /** Zero features recomputed since the reference was set (to decide when to refresh it). */
  private recomputed = 0;

  /** A path on design D and centred targets yc, starting from w0 (zeros when omitted). */
  constructor(D: CdDesign, yc: Float64Array, w0?: Float64Array) {
    if (yc.length !== D.n) throw new RangeError(`EnetPath: yc has ${yc.length} values for ${D.n} rows`);
    if (w0 && w0.length !== D.p) throw new RangeError(`EnetPath: w0 has ${w0.length} values for ${D.p} features`);
    this.D = D;
    this.yc = yc;
    this.w = w0 ? w0.slice() : new Float64Array(D.p);
    this.R = new Float64Array(D.n);
    this.Rref = new Float64Array(D.n);
    this.corrRef = new Float64Array(D.p);
    this.corr = new Float64Array(D.p).fill(Infinity);
    this.stamp = new Float64Array(D.p);
    this.colNorm = Float64Array.from(D.norms, Math.sqrt);
  }

  /** R_ref = R and X^T R_ref for every feature: the cost of one plain sweep. */
  private refresh(): void {
    const { n, p, cols } = this.D;
    const { R, corrRef } = this;
    this.Rref.set(R);
    // Only bounds read these (with room for rounding), so the unrolled sum order is fine.
    for (let j = 0; j < p; j++) corrRef[j] = dotRange(cols, j * n, R, 0, n);
    this.hasRef = true;
    this.recomputed = 0;
  }

  /** ||R - R_ref||^2, computed afresh. */
  private refDistance2(): number {
    const { R, Rref } = this;
    let d = 0;
    for (let i = 0; i < R.length; i++) d += (R[i]! - Rref[i]!) ** 2;
    return d;
  }

  /** Solve at (alpha, l1Ratio) from the current weights; returns the sweep count. */
  solve(alpha: number, l1Ratio: number, tol: number, maxIter: number): number {
    const { n, p, cols, norms } = this.D;
    const { yc, w, R, corr, stamp, colNorm, corrRef } = this;
    const l1 = alpha * l1Ratio * n;
    const l2 = alpha * (1 - l1Ratio) * n;
    // The residual from scratch, as a cold solve computes it.
    R.set(yc);
    for (let j = 0; j < p; j++) {
      const wj = w[j]!;
      if (wj === 0) continue;
      for (let i = 0, o = j * n; i < n; i++) R[i]! -= wj * cols[o + i]!;
    }
    let yy = 0;
    let rr = 0;
    for (let i = 0; i < n; i++) {
      yy += yc[i]! * yc[i]!;
      rr += R[i]! * R[i]!;
    }
    // Room for rounding in the bounds: a bound this close to the threshold is recomputed.
    const fuzz = 1e-9 * Math.sqrt(Math.max(yy, rr));
    const gapTol = tol * yy;
    // Without a threshold (l1 = 0) no update is certain to stay at zero.
    const screen = l1 > 0;
    if (screen && (!this.hasRef || this.recomputed > p)) this.refresh();
    let drift = this.drift;
    let sweep = 0;
    for (; sweep < maxIter; sweep++) {
      let wMax = 0;
      let dwMax = 0;
      let dist2 = screen ? this.refDistance2() : 0;
      let dist = Math.sqrt(dist2) + fuzz;
      let recomputed = 0;
      for (let j = 0; j < p; j++) {
        if (norms[j] === 0) continue;
        const old = w[j]!;
        if (old === 0 && screen) {
          const cn = colNorm[j]!;
          if (Math.abs(corrRef[j]!) + cn * dist < l1) continue;
          if (Math.abs(corr[j]!) + cn * (drift - stamp[j]! + fuzz) < l1) continue;
          recomputed++;
        }
        const o = j * n;
        let t = 0;
        if (old !== 0) {
          // Add the feature back into the residual and correlate in one pass (same order of operations).
          for (let i = 0; i < n; i++) {
            const x = cols[o + i]!;
            R[i]! += old * x;
            t += x * R[i]!;
          }
        } else for (let i = 0; i < n; i++) t += cols[o + i]! * R[i]!;
        const mag = Math.abs(t) - l1;
        const nw = mag > 0 ? (Math.sign(t) * mag) / (norms[j]! + l2) : 0;
        w[j] = nw;
        if (nw !== 0) for (let i = 0; i < n; i++) R[i]! -= nw * cols[o + i]!;
        const dw = nw - old;
        if (dw !== 0) {
          // R moved by -dw X_j: ||R - R_ref||^2 changes by -2 dw X_j^T (R_before - R_ref) + dw^2 ||X_j||^2.
          if (screen) {
            dist2 = Math.max(0, dist2 - 2 * dw * (t - old * norms[j]! - corrRef[j]!) + dw * dw * norms[j]!);
            dist = Math.sqrt(dist2) + fuzz;
          }
          drift += Math.abs(dw) * colNorm[j]!;
        }
        corr[j] = nw === 0 ? t : t - nw * norms[j]!;
        stamp[j] = drift;
        dwMax = Math.max(dwMax, Math.abs(dw));
        wMax = Math.max(wMax, Math.abs(nw));
      }
      this.recomputed += recomputed;
      this.drift = drift;
      if (wMax === 0 || dwMax / wMax < tol || sweep === maxIter - 1) {
        if (this.dualityGap(l1, l2, fuzz) < gapTol) return sweep + 1;
      }
      // Refresh once the features recomputed since the reference cost as much as a refresh (p dot products).
      if (screen && this.recomputed > p) this.refresh();
    }
    return sweep;
  }

  /**
   * scikit-learn's duality gap at the current weights. Its dual norm max_j |X_j^T R - l2 w_j| only
   * matters when it exceeds l1, so features whose bound keeps them below l1 are not recomputed.
   */
  private dualityGap(l1: number, l2: number, fuzz: number): number {
    const { n, p, cols } = this.D;
    const { yc, w, R, corr, stamp, colNorm, drift, corrRef } = this;
    const screen = l1 > 0;
    const dist = screen ? Math.sqrt(this.refDistance2()) + fuzz : 0;
    let dualNorm = 0;
    let wNorm2 = 0;
    let l1Norm = 0;
    for (let j = 0; j < p; j++) {
      const wj = w[j]!;
      if (wj === 0 && screen) {
        const cn = colNorm[j]!;
        if (Math.abs(corrRef[j]!) + cn * dist < l1) continue;
        if (Math.abs(corr[j]!) + cn * (drift - stamp[j]! + fuzz) < l1) continue;
      }
      let t = 0;
      for (let i = 0, o = j * n; i < n; i++) t += cols[o + i]! * R[i]!;
      corr[j] = t;
      stamp[j] = drift;
      dualNorm = Math.max(dualNorm, Math.abs(t - l2 * wj));
      wNorm2 += wj * wj;
      l1Norm += Math.abs(wj);
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

/** scikit-learn's ElasticNet: least squares with an L1 + L2 penalty (alpha, l1Ratio), solved exactly or by scikit-learn's coordinate descent (solver). */
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
  /** Sweeps (coordinate descent) or kinks followed along the path (exact). */
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
    const solver = checkEnetSolver(P.solver, this.estimatorName);
    const D = cdDesign(m, P.fitIntercept);
    let yMean = 0;
    if (P.fitIntercept) {
      for (const v of yy) yMean += v;
      yMean /= yy.length;
    }
    const yc = Float64Array.from(yy, (v) => v - yMean);
    let w: Float64Array = new Float64Array(m.cols);
    let nIter: number;
    if (solver === 'exact' && P.alpha * P.l1Ratio > 0) {
      const exact = exactEnetSolve(D, yc, P.alpha, P.l1Ratio);
      w = exact.w;
      nIter = exact.kinks;
    } else nIter = enetCoordinateDescent(D, yc, P.alpha, P.l1Ratio, P.tol, P.maxIter, w);
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
