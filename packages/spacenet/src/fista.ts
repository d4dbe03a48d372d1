// FISTA (Beck & Teboulle) for  loss(w, b) + alpha * (rho ||w||_1 + (1 - rho) R(w)).
// Graph-Net: R = 0.5 ||grad w||^2 is smooth and joins the gradient; its prox is the l1 soft
// threshold. TV-L1: R = TV(w), and the whole penalty goes through the TV-L1 prox (prox.ts).
// Momentum restarts when the objective goes up (O'Donoghue & Candes), which keeps the method
// monotone despite the inexact TV-L1 prox.
import { gradientEnergy, gradientNormSquaredBound, laplacian, totalVariation, type NeighbourTables } from './geometry.js';
import type { LinearOperator } from './linalg.js';
import { softThreshold, TvL1Prox } from './prox.js';

/** SpaceNet's spatial penalty: 'graph-net' (l1 + squared gradient) or 'tv-l1' (l1 + total variation). */
export type Penalty = 'graph-net' | 'tv-l1';
export type Loss = 'logistic' | 'squared';

export interface Problem {
  op: LinearOperator;
  /** 0/1 targets for the logistic loss, centred targets for the squared loss. */
  y: Float64Array;
  loss: Loss;
  penalty: Penalty;
  tables: NeighbourTables;
  /** Largest squared singular value of X. */
  xNormSq: number;
}

export interface SolverState {
  w: Float64Array;
  b: number;
  /** Persistent dual of the TV-L1 prox (per l1 ratio), reused across warm starts. */
  tvProx?: TvL1Prox;
}

export interface SolveOptions {
  maxIter: number;
  tol: number;
  /** Called every `monitorEvery` iterations; returning true stops the solver (early stopping). */
  monitor?: (w: Float64Array, b: number) => boolean;
  monitorEvery?: number;
  /** Dual iterations per TV-L1 prox (warm-started across outer iterations, so a few suffice). */
  proxMaxIter?: number;
}

export interface SolveResult {
  iterations: number;
  objective: number;
  stoppedEarly: boolean;
}

function logistic(s: number): number {
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

function log1pExp(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

/** Mean loss at linear predictor xw + b. */
export function lossValue(loss: Loss, y: Float64Array, xw: Float64Array, b: number): number {
  let total = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const s = xw[i]! + b;
    if (loss === 'logistic') total += log1pExp(s) - y[i]! * s;
    else total += 0.5 * (s - y[i]!) ** 2;
  }
  return total / n;
}

export function penaltyValue(p: Problem, w: Float64Array, alpha: number, rho: number): number {
  let l1 = 0;
  for (const v of w) l1 += Math.abs(v);
  const spatial = p.penalty === 'tv-l1' ? totalVariation(p.tables, w) : gradientEnergy(p.tables, w);
  return alpha * (rho * l1 + (1 - rho) * spatial);
}

/** Lipschitz constant of the smooth part's gradient. */
export function smoothLipschitz(p: Problem, alpha: number, rho: number): number {
  const n = p.op.rows;
  // X is centred, so [X 1] has squared norm max(||X||^2, n).
  const lossL = p.loss === 'logistic' ? Math.max(p.xNormSq, n) / (4 * n) : p.xNormSq / n;
  const spatialL = p.penalty === 'graph-net' ? alpha * (1 - rho) * gradientNormSquaredBound(p.tables) : 0;
  return Math.max(lossL + spatialL, 1e-12);
}

/** Run FISTA from state (warm start) and leave the solution in state. */
export function solve(p: Problem, alpha: number, rho: number, state: SolverState, opts: SolveOptions): SolveResult {
  const n = p.op.rows;
  const dim = p.op.cols;
  const step = 1 / smoothLipschitz(p, alpha, rho);
  const fitIntercept = p.loss === 'logistic';
  if (p.penalty === 'tv-l1' && !state.tvProx) {
    state.tvProx = new TvL1Prox(p.tables, rho, gradientNormSquaredBound(p.tables));
  }
  let w = state.w.slice();
  let b = state.b;
  let xw = new Float64Array(n);
  p.op.matvec(w, xw);
  const v = w.slice();
  let bv = b;
  const xv = xw.slice();
  const resid = new Float64Array(n);
  const grad = new Float64Array(dim);
  const lap = new Float64Array(dim);
  const z = new Float64Array(dim);
  let wNew = new Float64Array(dim);
  let xwNew = new Float64Array(n);
  let objective = lossValue(p.loss, p.y, xw, b) + penaltyValue(p, w, alpha, rho);
  let t = 1;
  let it = 0;
  let stoppedEarly = false;
  const every = opts.monitorEvery ?? 10;
  for (; it < opts.maxIter; it++) {
    let residSum = 0;
    for (let i = 0; i < n; i++) {
      const s = xv[i]! + bv;
      const r = (p.loss === 'logistic' ? logistic(s) - p.y[i]! : s - p.y[i]!) / n;
      resid[i] = r;
      residSum += r;
    }
    p.op.rmatvec(resid, grad);
    if (p.penalty === 'graph-net' && rho < 1) {
      laplacian(p.tables, v, lap);
      const c = alpha * (1 - rho);
      for (let j = 0; j < dim; j++) grad[j]! += c * lap[j]!;
    }
    for (let j = 0; j < dim; j++) z[j] = v[j]! - step * grad[j]!;
    const bNew = fitIntercept ? bv - step * residSum : b;
    if (p.penalty === 'graph-net') softThreshold(z, step * alpha * rho, wNew);
    else state.tvProx!.apply(z, step * alpha, wNew, opts.proxMaxIter ?? 5, opts.tol);
    p.op.matvec(wNew, xwNew);
    const objNew = lossValue(p.loss, p.y, xwNew, bNew) + penaltyValue(p, wNew, alpha, rho);
    let change = 0;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      change += (wNew[j]! - w[j]!) ** 2;
      norm += wNew[j]! ** 2;
    }
    const converged =
      Math.sqrt(change) <= opts.tol * Math.max(Math.sqrt(norm), 1e-10) && Math.abs(bNew - b) <= opts.tol * Math.max(Math.abs(bNew), 1);
    if (objNew > objective) {
      t = 1; // restart: the next step starts from the new iterate without momentum
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    t = tNext;
    for (let j = 0; j < dim; j++) v[j] = wNew[j]! + beta * (wNew[j]! - w[j]!);
    for (let i = 0; i < n; i++) xv[i] = xwNew[i]! + beta * (xwNew[i]! - xw[i]!);
    bv = bNew + beta * (bNew - b);
    [w, wNew] = [wNew, w];
    [xw, xwNew] = [xwNew, xw];
    b = bNew;
    objective = objNew;
    if (converged) {
      it++;
      break;
    }
    if (opts.monitor && (it + 1) % every === 0 && opts.monitor(w, b)) {
      it++;
      stoppedEarly = true;
      break;
    }
  }
  state.w.set(w);
  state.b = b;
  return { iterations: it, objective, stoppedEarly };
}
