// The regularisation path with inner cross-validation: for each l1 ratio and fold, walk the
// alphas from alpha_max down with warm starts, score each solution on the fold's validation
// samples, stop walking when the validation score has not improved for a few alphas, then refit
// on all training samples at the best (alpha, l1 ratio).
import type { NeighbourTables } from './geometry.js';
import { lossValue, solve, type Loss, type Penalty, type Problem, type SolverState } from './fista.js';
import { spectralNormSquared, TfjsOperator } from './linalg.js';
import type { InnerSplit } from './preprocess.js';

export interface PathConfig {
  penalty: Penalty;
  l1Ratios: number[];
  alphas?: number[];
  nAlphas: number;
  eps: number;
  maxIter: number;
  tol: number;
  /** Alphas without validation improvement before the path stops. */
  patience: number;
  /**
   * 'folds' (nilearn's way): each fold keeps its own best (alpha, l1 ratio), refits it on the
   * fold's training samples without early stopping, and the model is the mean of the fold
   * models. 'full': one refit on all samples at the best mean-CV (alpha, l1 ratio).
   */
  refit: 'folds' | 'full';
}

export interface PathResult {
  /** Solution on the prepared (standardised, screened) columns. */
  w: Float64Array;
  b: number;
  alpha: number;
  l1Ratio: number;
  /** alphas[r] is the grid used for l1Ratios[r]. */
  alphas: number[][];
  /** Mean validation score over folds, [l1 ratio][alpha] (accuracy or R^2). */
  cvScores: number[][];
  iterations: number;
}

/** Largest alpha with a non-zero solution: the l1 part must just cancel the gradient at w = 0. */
export function alphaMax(X: Float32Array, n: number, p: number, y: Float64Array, l1Ratio: number): number {
  let ym = 0;
  for (const v of y) ym += v;
  ym /= n;
  let best = 0;
  const g = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const r = y[i]! - ym;
    const o = i * p;
    for (let j = 0; j < p; j++) g[j]! += X[o + j]! * r;
  }
  for (const v of g) best = Math.max(best, Math.abs(v));
  return best / (n * l1Ratio);
}

export function alphaGrid(amax: number, nAlphas: number, eps: number): number[] {
  if (nAlphas === 1) return [amax];
  return Array.from({ length: nAlphas }, (_, k) => amax * eps ** (k / (nAlphas - 1)));
}

function rowsOf(X: Float32Array, p: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) out.set(X.subarray(rows[r]! * p, rows[r]! * p + p), r * p);
  return out;
}

function initialIntercept(loss: Loss, y: Float64Array): number {
  if (loss === 'squared') return 0;
  let m = 0;
  for (const v of y) m += v;
  m = Math.min(Math.max(m / y.length, 1e-6), 1 - 1e-6);
  return Math.log(m / (1 - m));
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Validation scores used for model selection, both higher-is-better. Classification: accuracy,
 * ties (frequent on small folds) broken by the mean log-likelihood. Regression: R^2, then the
 * Pearson correlation of predictions and targets.
 */
function validationScores(loss: Loss, y: Float64Array, s: Float64Array, b: number, yMeanTrain: number): [number, number] {
  const n = y.length;
  if (loss === 'logistic') {
    let correct = 0;
    for (let i = 0; i < n; i++) if ((s[i]! + b > 0 ? 1 : 0) === y[i]) correct++;
    return [correct / n, -lossValue('logistic', y, s, b)];
  }
  let ym = 0;
  for (const v of y) ym += v;
  ym /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i]! - (s[i]! + yMeanTrain)) ** 2;
    ssTot += (y[i]! - ym) ** 2;
  }
  return [ssTot > 0 ? 1 - ssRes / ssTot : 0, pearson(s, y)];
}

/**
 * Model selection compares the primary score only, so that among equally accurate models the
 * first one on the path (largest alpha: the sparsest) is kept.
 */
function betterPrimary(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] + 1e-12;
}

/** Both scores, for early stopping inside a solve (the second catches over-fitting). */
function better(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] + 1e-12 || (Math.abs(a[0] - b[0]) <= 1e-12 && a[1] > b[1] + 1e-12);
}

function centred(y: Float64Array): { y: Float64Array; mean: number } {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  return { y: y.map((v) => v - m), mean: m };
}

/**
 * X: prepared row-major data (n x p), y: 0/1 (logistic) or raw targets (squared).
 * With a single candidate (one alpha, one l1 ratio) the inner cross-validation is skipped.
 */
export function fitPath(
  X: Float32Array,
  n: number,
  p: number,
  y: Float64Array,
  loss: Loss,
  tables: NeighbourTables,
  splits: InnerSplit[],
  cfg: PathConfig,
): PathResult {
  const grids = cfg.l1Ratios.map((rho) => cfg.alphas ?? alphaGrid(alphaMax(X, n, p, y, rho), cfg.nAlphas, cfg.eps));
  const single = cfg.l1Ratios.length === 1 && grids[0]!.length === 1;
  const nA = Math.max(...grids.map((g) => g.length));
  const scoreSum = cfg.l1Ratios.map(() => Array.from({ length: nA }, () => [0, 0] as [number, number]));
  const wSum = cfg.l1Ratios.map(() => Array.from({ length: nA }, () => ({ w: new Float64Array(p), b: 0 })));
  let iterations = 0;
  const foldsUsed = single ? [] : splits;
  const foldMean = { w: new Float64Array(p), b: 0, alpha: 0, rho: 0 };
  for (const split of foldsUsed) {
    const trainOp = new TfjsOperator(rowsOf(X, p, split.train), split.train.length, p);
    const valOp = new TfjsOperator(rowsOf(X, p, split.test), split.test.length, p);
    try {
      const yTrainRaw = Float64Array.from(split.train, (i) => y[i]!);
      const yVal = Float64Array.from(split.test, (i) => y[i]!);
      const ct = loss === 'squared' ? centred(yTrainRaw) : { y: yTrainRaw, mean: 0 };
      const problem: Problem = { op: trainOp, y: ct.y, loss, penalty: cfg.penalty, tables, xNormSq: spectralNormSquared(trainOp) };
      const sVal = new Float64Array(split.test.length);
      const valScores = (w: Float64Array, b: number): [number, number] => {
        valOp.matvec(w, sVal);
        return validationScores(loss, yVal, sVal, b, ct.mean);
      };
      const foldBest = { score: [-Infinity, -Infinity] as [number, number], r: 0, a: 0, w: new Float64Array(p), b: 0 };
      cfg.l1Ratios.forEach((rho, r) => {
        const state: SolverState = { w: new Float64Array(p), b: initialIntercept(loss, ct.y) };
        let best: [number, number] = [-Infinity, -Infinity];
        let sinceBest = 0;
        let last: [number, number] = [-Infinity, -Infinity];
        for (let a = 0; a < nA; a++) {
          if (a < grids[r]!.length && sinceBest < cfg.patience) {
            // Early stopping inside the solve: the validation scores got worse at two checks in a row.
            let previous: [number, number] = [-Infinity, -Infinity];
            let worseChecks = 0;
            const monitor = (w: Float64Array, b: number): boolean => {
              const current = valScores(w, b);
              worseChecks = better(previous, current) ? worseChecks + 1 : 0;
              previous = current;
              return worseChecks >= 2;
            };
            const res = solve(problem, grids[r]![a]!, rho, state, { maxIter: cfg.maxIter, tol: cfg.tol, monitor });
            iterations += res.iterations;
            valOp.matvec(state.w, sVal);
            last = validationScores(loss, yVal, sVal, state.b, ct.mean);
            if (betterPrimary(last, best)) {
              best = last;
              sinceBest = 0;
            } else sinceBest++;
            if (betterPrimary(last, foldBest.score)) Object.assign(foldBest, { score: last, r, a, w: state.w.slice(), b: state.b });
          }
          // Alphas past an early stop keep the fold's last score and solution.
          scoreSum[r]![a]![0] += last[0];
          scoreSum[r]![a]![1] += last[1];
          const acc = wSum[r]![a]!;
          for (let j = 0; j < p; j++) acc.w[j]! += state.w[j]!;
          acc.b += state.b;
        }
      });
      if (cfg.refit === 'folds') {
        const alpha = grids[foldBest.r]![foldBest.a]!;
        const rho = cfg.l1Ratios[foldBest.r]!;
        const state: SolverState = { w: foldBest.w, b: foldBest.b };
        iterations += solve(problem, alpha, rho, state, { maxIter: cfg.maxIter, tol: cfg.tol }).iterations;
        for (let j = 0; j < p; j++) foldMean.w[j]! += state.w[j]! / splits.length;
        foldMean.b += (loss === 'squared' ? ct.mean : state.b) / splits.length;
        foldMean.alpha += alpha / splits.length;
        foldMean.rho += rho / splits.length;
      }
    } finally {
      trainOp.dispose();
      valOp.dispose();
    }
  }
  let bestR = 0;
  let bestA = 0;
  const cvScores = scoreSum.map((row) => row.map((s) => s[0] / Math.max(1, foldsUsed.length)));
  if (!single) {
    let best: [number, number] = [-Infinity, -Infinity];
    scoreSum.forEach((row, r) =>
      row.forEach((s, a) => {
        if (a < grids[r]!.length && betterPrimary(s, best)) {
          best = [s[0], s[1]];
          bestR = r;
          bestA = a;
        }
      }),
    );
  }
  if (!single && cfg.refit === 'folds') {
    return { w: foldMean.w, b: foldMean.b, alpha: foldMean.alpha, l1Ratio: foldMean.rho, alphas: grids, cvScores, iterations };
  }
  const rho = cfg.l1Ratios[bestR]!;
  const alpha = grids[bestR]![bestA]!;
  const fullOp = new TfjsOperator(X, n, p);
  try {
    const ct = loss === 'squared' ? centred(y) : { y, mean: 0 };
    const problem: Problem = { op: fullOp, y: ct.y, loss, penalty: cfg.penalty, tables, xNormSq: spectralNormSquared(fullOp) };
    const init = wSum[bestR]![bestA]!;
    const k = Math.max(1, foldsUsed.length);
    const state: SolverState = single
      ? { w: new Float64Array(p), b: initialIntercept(loss, ct.y) }
      : { w: init.w.map((v) => v / k), b: loss === 'squared' ? 0 : init.b / k };
    const res = solve(problem, alpha, rho, state, { maxIter: cfg.maxIter, tol: cfg.tol });
    iterations += res.iterations;
    return { w: state.w, b: loss === 'squared' ? ct.mean : state.b, alpha, l1Ratio: rho, alphas: grids, cvScores, iterations };
  } finally {
    fullOp.dispose();
  }
}
