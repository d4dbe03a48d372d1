// Linear support vector classification by dual coordinate descent (Hsieh et al., 2008, the
// method liblinear uses), so coefficients agree with scikit-learn's LinearSVC. The intercept is
// learned as liblinear learns it: a constant feature (interceptScaling) is appended to every
// sample and its weight is penalised like the others.
import { fitWithRegisteredSolver } from './delegate.js';
import { Matrix } from '@neurodecode/matrix';
import { LinearClassifierBase, type LinearClassifierState } from './base.js';
import { checkClassification, checkLength, checkMatrix, checkRowsFiniteByGram, encodeLabels } from './labels.js';
import { SquaredHingeDual, weightsFromDual } from './svc-exact.js';
import { seededRandom, shuffleInPlace } from './random.js';
import { warmStartOf, type WarmStartStore } from './warm-start.js';
import { tiledRowGram as rowGram } from './gram-kernel.js';
import { featureMajor, solveL1SquaredHinge } from './l1-svc.js';
import { combinedSampleWeights, type ClassWeight } from './weights.js';
import type { BatchedKernel, Classifier, FitOptions, Label, LinearModel, Targets } from './types.js';

/** LinearSVC's parameters (scikit-learn's names, camel-cased). */
export interface LinearSVCParams {
  /** Inverse regularisation strength (> 0). */
  C: number;
  loss: 'squared_hinge' | 'hinge';
  /** 'l2' (dual coordinate descent) or 'l1' (primal coordinate descent, squared hinge only: sparse weights). */
  penalty: 'l2' | 'l1';
  fitIntercept: boolean;
  /** Value of the constant feature appended to learn the intercept. */
  interceptScaling: number;
  /** Stop when the spread of projected gradients falls below tol. */
  tol: number;
  maxIter: number;
  /** Temporarily drop coordinates stuck at a bound (liblinear's shrinking). */
  shrinking: boolean;
  /** Seed of the coordinate order. */
  seed: number;
  /** Per-class multipliers of C: 'balanced' or a map from class to weight (applied to every one-vs-rest problem). */
  classWeight: ClassWeight;
  /**
   * 'primal': liblinear's dual coordinate descent keeping w, O(p) per coordinate step.
   * 'gram': the same descent on X X^T, O(n) per step (same result up to rounding).
   * 'exact' (squared hinge only): the exact optimum of the dual on X X^T by block principal
   * pivoting (svc-exact.ts), O(n^2 p) for the Gram matrix plus a few O(n^3) solves; coordinate
   * descent stops at tol, so its answer differs from this one by about tol.
   * 'auto' (default): 'exact' for squared hinge when n <= 2000 and n < 2p (the usual fMRI shape:
   * few samples, many voxels; also multi-class sets such as Haxby's eight categories on a small
   * ROI, where coordinate descent stops at maxIter before converging); else 'gram' when
   * FitOptions.gram is supplied, else 'primal'. A supplied Gram matrix never changes which
   * optimum is found, only how fast.
   */
  solver: 'auto' | 'primal' | 'gram' | 'exact' | 'tfjs';
}

/** Largest sample count for which solver 'auto' factors n x n matrices (exact solver). */
export const EXACT_SVC_MAX_SAMPLES = 2000;

/** The solver a LinearSVC fit actually runs (after resolving solver "auto"). */
export type LinearSvcSolver = 'primal' | 'gram' | 'exact' | 'tfjs';

/**
 * liblinear's projected gradient of coordinate alpha_i (value a, box [0, upper]), or NaN when
 * shrinking takes the coordinate out of the active set.
 */
function projectedGradient(a: number, G: number, upper: number, shrinking: boolean, pgMaxOld: number, pgMinOld: number): number {
  if (a === 0) return shrinking && G > pgMaxOld ? NaN : G < 0 ? G : 0;
  if (a === upper) return shrinking && G < pgMinOld ? NaN : G > 0 ? G : 0;
  return G;
}

/** The solver a LinearSVC with these parameters uses on n samples x p features. */
export function resolveLinearSvcSolver(
  params: Pick<LinearSVCParams, 'solver' | 'loss'>,
  n: number,
  p: number,
  hasGram: boolean,
): LinearSvcSolver {
  if (params.solver === 'exact') {
    if (params.loss !== 'squared_hinge')
      throw new RangeError(`LinearSVC: solver "exact" needs loss "squared_hinge", got ${JSON.stringify(params.loss)}`);
    return 'exact';
  }
  if (params.solver !== 'auto') return params.solver;
  if (params.loss === 'squared_hinge' && n <= EXACT_SVC_MAX_SAMPLES && n < 2 * p) return 'exact';
  return hasGram ? 'gram' : 'primal';
}

/** LinearSVC's default parameters (scikit-learn's). */
export const LINEAR_SVC_DEFAULTS: LinearSVCParams = {
  C: 1,
  loss: 'squared_hinge',
  penalty: 'l2',
  fitIntercept: true,
  interceptScaling: 1,
  classWeight: null,
  tol: 1e-4,
  maxIter: 1000,
  shrinking: true,
  seed: 0,
  solver: 'auto',
};

/** Options of the dual coordinate-descent solvers. */
export interface DualSvmOptions {
  C: number;
  loss: 'squared_hinge' | 'hinge';
  /** Constant appended feature; 0 means no intercept. */
  bias: number;
  tol: number;
  maxIter: number;
  shrinking: boolean;
  random: () => number;
  /** Per-sample weights multiplying C. */
  sampleWeight?: Float64Array;
}

/**
 * Solve one binary L2-regularised (squared) hinge problem in the dual.
 * X: n x p row-major; y: +1 / -1; rowNormsSq: ||x_i||^2 (without the bias);
 * w: output, length p + 1 (last entry: weight of the bias feature). Returns the epochs used.
 */
export function solveLinearSvcDual(
  X: Float64Array,
  n: number,
  p: number,
  y: Int8Array,
  rowNormsSq: Float64Array,
  opts: DualSvmOptions,
  w: Float64Array,
  alpha: Float64Array,
  order: Int32Array,
): number {
  const { C, bias, tol, maxIter, shrinking, random, sampleWeight } = opts;
  const squared = opts.loss === 'squared_hinge';
  const biasSq = bias * bias;
  w.fill(0);
  alpha.fill(0);
  for (let i = 0; i < n; i++) order[i] = i;
  // Per-sample diagonal shift and upper bound: squared hinge is unbounded with D = 1/(2C).
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const Ci = sampleWeight ? C * sampleWeight[i]! : C;
    diag[i] = squared ? 0.5 / Ci : 0;
    upper[i] = squared ? Infinity : Ci;
    qd[i] = diag[i]! + rowNormsSq[i]! + biasSq;
  }
  let active = n;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  while (iter < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    shuffleInPlace(order, active, random);
    for (let s = 0; s < active; s++) {
      const i = order[s]!;
      const yi = y[i]!;
      const off = i * p;
      let dot = w[p]! * bias;
      for (let j = 0; j < p; j++) dot += w[j]! * X[off + j]!;
      const a = alpha[i]!;
      const G = yi * dot - 1 + a * diag[i]!;
      const pg = projectedGradient(a, G, upper[i]!, shrinking, pgMaxOld, pgMinOld);
      if (pg !== pg) {
        // Shrunk: move coordinate i out of the active set.
        active--;
        order[s] = order[active]!;
        order[active] = i;
        s--;
        continue;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        let next = a - G / qd[i]!;
        if (next < 0) next = 0;
        else if (next > upper[i]!) next = upper[i]!;
        alpha[i] = next;
        const step = (next - a) * yi;
        for (let j = 0; j < p; j++) w[j]! += step * X[off + j]!;
        w[p]! += step * bias;
      }
    }
    iter++;
    if (pgMax - pgMin <= tol) {
      if (active === n) break;
      // Converged on the shrunk set: check every coordinate once more before stopping.
      active = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax > 0 ? pgMax : Infinity;
    pgMinOld = pgMin < 0 ? pgMin : -Infinity;
  }
  return iter;
}

/**
 * The same dual coordinate descent on a precomputed Gram matrix K = X X^T (n x n): keeps
 * f = K (alpha * y) instead of w, so each step costs O(n). Returns the epochs used; alpha holds
 * the dual solution (w = X^T (alpha * y), bias weight = bias * sum(alpha * y)).
 */
export function solveLinearSvcDualGram(
  K: Float64Array,
  n: number,
  y: Int8Array,
  opts: DualSvmOptions,
  alpha: Float64Array,
  order: Int32Array,
): number {
  const { C, bias, tol, maxIter, shrinking, random, sampleWeight } = opts;
  const squared = opts.loss === 'squared_hinge';
  const biasSq = bias * bias;
  alpha.fill(0);
  for (let i = 0; i < n; i++) order[i] = i;
  const f = new Float64Array(n);
  // The bias feature adds bias^2 to every kernel entry; folding it in once keeps the inner loop
  // a single multiply-add.
  const Kb = biasSq === 0 ? K : new Float64Array(n * n);
  if (biasSq !== 0) for (let t = 0; t < n * n; t++) Kb[t] = K[t]! + biasSq;
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const Ci = sampleWeight ? C * sampleWeight[i]! : C;
    diag[i] = squared ? 0.5 / Ci : 0;
    upper[i] = squared ? Infinity : Ci;
    qd[i] = diag[i]! + Kb[i * n + i]!;
  }
  let active = n;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  while (iter < maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    shuffleInPlace(order, active, random);
    for (let s = 0; s < active; s++) {
      const i = order[s]!;
      const yi = y[i]!;
      const a = alpha[i]!;
      const G = yi * f[i]! - 1 + a * diag[i]!;
      const pg = projectedGradient(a, G, upper[i]!, shrinking, pgMaxOld, pgMinOld);
      if (pg !== pg) {
        // Shrunk: move coordinate i out of the active set.
        active--;
        order[s] = order[active]!;
        order[active] = i;
        s--;
        continue;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        let next = a - G / qd[i]!;
        if (next < 0) next = 0;
        else if (next > upper[i]!) next = upper[i]!;
        alpha[i] = next;
        const step = (next - a) * yi;
        const row = i * n;
        for (let j = 0; j < n; j++) f[j]! += step * Kb[row + j]!;
      }
    }
    iter++;
    if (pgMax - pgMin <= tol) {
      if (active === n) break;
      active = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax > 0 ? pgMax : Infinity;
    pgMinOld = pgMin < 0 ? pgMin : -Infinity;
  }
  return iter;
}

function squaredRowNorms(X: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * p, e = j + p; j < e; j++) s += X[j]! * X[j]!;
    out[i] = s;
  }
  return out;
}

/**
 * Fit every one-vs-rest problem with the exact dual solver; w = X' b, intercept = B^2 sum(b).
 * With `hints`, each problem's pivoting starts where a fit with the same labels ended.
 */
function fitFromDual(
  dual: SquaredHingeDual,
  m: Matrix,
  classes: Label[],
  codes: Int32Array,
  bias: number,
  hints?: { rowIds: Int32Array; store: WarmStartStore },
): LinearSVCState {
  const n = m.rows;
  const p = m.cols;
  const problems = classes.length === 2 ? 1 : classes.length;
  const coef = new Matrix(problems, p);
  const intercept = new Float64Array(problems);
  const signs = new Int8Array(n);
  const beta = new Float64Array(n);
  const guess = new Float64Array(n);
  let nIter = 0;
  for (let c = 0; c < problems; c++) {
    const positive = problems === 1 ? 1 : c;
    for (let i = 0; i < n; i++) signs[i] = codes[i] === positive ? 1 : -1;
    let start: Float64Array | undefined;
    if (hints) {
      // A related fit's end point, else a few cheap coordinate-descent epochs: either way the
      // pivoting starts near the answer instead of from "every sample a support vector".
      if (!hints.store.dualStart(hints.rowIds, signs, guess)) dual.roughGuess(signs, guess);
      start = guess;
    }
    nIter = Math.max(nIter, dual.solve(signs, beta, start).iterations);
    hints?.store.recordDual(hints.rowIds, signs, beta);
    const sum = weightsFromDual(m.data, n, p, beta, coef.data.subarray(c * p, (c + 1) * p));
    intercept[c] = bias * bias * sum;
  }
  return { classes, nFeatures: p, coef, intercept, nIter };
}

/**
 * Where the latest L1 fits on a data array ended, per label vector (up to 16). A grid of C values
 * fitted on one matrix (the Decoder's svc_l1 grid) then starts each fit from the previous one's
 * weights. The solver's stopping rule is relative to the violation at w = 0, so the optimum it
 * reaches does not depend on where it starts: a stale entry (the array changed since) only costs time.
 */
const l1Ends = new WeakMap<Float64Array, { signs: Int8Array; w: Float64Array }[]>();

/**
 * L1 penalty: liblinear's primal coordinate descent, one-vs-rest. liblinear stops at a loose
 * tolerance; this solves to tol * 1e-4 of the starting violation so the sparse optimum is found.
 */
function fitL1(m: Matrix, classes: Label[], codes: Int32Array, P: LinearSVCParams, sampleWeight?: Float64Array): LinearSVCState {
  const n = m.rows;
  const p = m.cols;
  const bias = P.fitIntercept ? P.interceptScaling : 0;
  const { cols, nFeatures: q } = featureMajor(m, bias);
  const problems = classes.length === 2 ? 1 : classes.length;
  const coef = new Matrix(problems, p);
  const intercept = new Float64Array(problems);
  const signs = new Int8Array(n);
  const w = new Float64Array(q);
  let nIter = 0;
  const ends = l1Ends.get(m.data) ?? [];
  l1Ends.set(m.data, ends);
  for (let c = 0; c < problems; c++) {
    const positive = problems === 1 ? 1 : c;
    for (let i = 0; i < n; i++) signs[i] = codes[i] === positive ? 1 : -1;
    const previous = ends.find((e) => e.w.length === q && e.signs.every((v, i) => v === signs[i]));
    if (previous) w.set(previous.w);
    const opts = {
      C: P.C,
      bias,
      tol: P.tol * 1e-4,
      maxIter: Math.max(P.maxIter, 1000) * 10,
      sampleWeight,
      warmStart: previous !== undefined,
    };
    nIter = Math.max(nIter, solveL1SquaredHinge(cols, n, q, signs, opts, w));
    if (previous) previous.w.set(w);
    else {
      if (ends.length >= 16) ends.shift();
      ends.push({ signs: signs.slice(), w: w.slice() });
    }
    coef.data.set(w.subarray(0, p), c * p);
    intercept[c] = bias !== 0 ? w[p]! * bias : 0;
  }
  return { classes, nFeatures: p, coef, intercept, nIter };
}

interface LinearSVCState extends LinearClassifierState {
  nIter: number;
}

/** Linear support vector classifier (liblinear's L2-regularised squared hinge or hinge loss), one-vs-rest for more classes. */
export class LinearSVC extends LinearClassifierBase<LinearSVCParams, LinearSVCState> implements Classifier<LinearSVCParams>, LinearModel {
  constructor(params: Partial<LinearSVCParams> = {}) {
    super('LinearSVC', LINEAR_SVC_DEFAULTS, params);
  }

  /** Largest number of epochs (coordinate descent) or pivoting steps (exact) of any one-vs-rest problem. */
  get nIter(): number {
    return this.fittedState('nIter').nIter;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    // A supplied Gram (computed by the caller from this X) reveals non-finite rows on its diagonal,
    // which spares the O(n p) scan on every fit of a grid search or inner cross-validation.
    const { X: m, classes, codes } = checkClassification(X, y, opts.gram === undefined);
    const P = this.params;
    const weights = combinedSampleWeights('LinearSVC', classes, codes, P.classWeight, opts.sampleWeight);
    if (weights !== opts.sampleWeight) opts = { ...opts, sampleWeight: weights };
    if (!(P.C > 0)) throw new RangeError(`LinearSVC: C must be > 0, got ${P.C}`);
    if (P.loss !== 'squared_hinge' && P.loss !== 'hinge')
      throw new RangeError(`LinearSVC: loss must be "squared_hinge" or "hinge", got ${JSON.stringify(P.loss)}`);
    if (P.penalty !== 'l2' && P.penalty !== 'l1')
      throw new RangeError(`LinearSVC: penalty must be "l2" or "l1", got ${JSON.stringify(P.penalty)}`);
    if (!(P.tol > 0)) throw new RangeError(`LinearSVC: tol must be > 0, got ${P.tol}`);
    if (!(P.maxIter >= 1)) throw new RangeError(`LinearSVC: maxIter must be >= 1, got ${P.maxIter}`);
    if (P.penalty === 'l1') {
      if (P.loss !== 'squared_hinge')
        throw new RangeError(`LinearSVC: penalty "l1" needs loss "squared_hinge", got ${JSON.stringify(P.loss)}`);
      this.state = fitL1(m, classes, codes, P, opts.sampleWeight);
      return this;
    }
    const n = m.rows;
    const p = m.cols;
    const bias = P.fitIntercept ? P.interceptScaling : 0;
    const random = seededRandom(opts.seed ?? P.seed);
    const problems = classes.length === 2 ? 1 : classes.length;
    const coef = new Matrix(problems, p);
    const intercept = new Float64Array(problems);
    const w = new Float64Array(p + 1);
    const alpha = new Float64Array(n);
    const order = new Int32Array(n);
    const signs = new Int8Array(n);
    let nIter = 0;
    const solverOpts: DualSvmOptions = {
      C: P.C,
      loss: P.loss,
      bias,
      tol: P.tol,
      maxIter: P.maxIter,
      shrinking: P.shrinking !== false,
      random,
      sampleWeight: opts.sampleWeight,
    };
    if (!['auto', 'primal', 'gram', 'exact', 'tfjs'].includes(P.solver))
      throw new RangeError(`LinearSVC: solver must be "auto", "primal", "gram", "exact" or "tfjs", got ${JSON.stringify(P.solver)}`);
    if (P.solver === 'tfjs') {
      if (P.loss !== 'squared_hinge')
        throw new RangeError(`LinearSVC: solver "tfjs" needs loss "squared_hinge", got ${JSON.stringify(P.loss)}`);
      const r = fitWithRegisteredSolver(
        'LinearSVC',
        'svc-tfjs',
        { C: P.C, fitIntercept: P.fitIntercept, interceptScaling: P.interceptScaling, maxIter: P.maxIter },
        m,
        y!,
        opts,
      );
      this.state = { classes: r.classes, nFeatures: p, coef: r.coef, intercept: r.intercept, nIter: r.nIter };
      return this;
    }
    let gram = opts.gram;
    if (gram && gram.length !== n * n) throw new RangeError(`gram: length ${gram.length} does not match X rows ${n} (expected ${n}x${n})`);
    if (gram) checkRowsFiniteByGram(gram, n);
    let solver = resolveLinearSvcSolver(P, n, p, gram !== undefined);
    // Zero weights remove samples, which the exact solver's M (1 / (2 C w_i)) cannot express.
    if (solver === 'exact' && opts.sampleWeight?.some((v) => !(v > 0))) solver = 'gram';
    const useGram = solver !== 'primal';
    if (useGram && !gram) gram = rowGram(m.data, n, p);
    if (solver === 'exact') {
      const dual = new SquaredHingeDual(gram!, n, { C: P.C, bias, sampleWeight: opts.sampleWeight });
      const hints = warmStartOf(opts, n);
      // One-vs-rest solves several label vectors on one design: M^-1 pays for itself, unless
      // warm starts make every solve a single small one.
      if (problems > 2 && !hints) dual.prepareInverse();
      this.state = fitFromDual(dual, m, classes, codes, bias, hints);
      return this;
    }
    let rowNormsSq: Float64Array | undefined;
    for (let c = 0; c < problems; c++) {
      const positive = problems === 1 ? 1 : c;
      for (let i = 0; i < n; i++) signs[i] = codes[i] === positive ? 1 : -1;
      if (useGram) {
        nIter = Math.max(nIter, solveLinearSvcDualGram(gram!, n, signs, solverOpts, alpha, order));
        const row = coef.data.subarray(c * p, (c + 1) * p);
        let biasWeight = 0;
        for (let i = 0; i < n; i++) {
          const ay = alpha[i]! * signs[i]!;
          if (ay === 0) continue;
          biasWeight += ay;
          const off = i * p;
          for (let j = 0; j < p; j++) row[j]! += ay * m.data[off + j]!;
        }
        intercept[c] = bias * bias * biasWeight;
      } else {
        rowNormsSq ??= squaredRowNorms(m.data, n, p);
        nIter = Math.max(nIter, solveLinearSvcDual(m.data, n, p, signs, rowNormsSq, solverOpts, w, alpha, order));
        coef.data.set(w.subarray(0, p), c * p);
        intercept[c] = w[p]! * bias;
      }
    }
    this.state = { classes, nFeatures: p, coef, intercept, nIter };
    return this;
  }

  /** True when fit on n x p data would compute X X^T itself (callers may then pass FitOptions.gram). */
  acceptsGram(nSamples: number, nFeatures: number): boolean {
    if (this.params.solver === 'tfjs' || this.params.penalty === 'l1') return false;
    return resolveLinearSvcSolver(this.params, nSamples, nFeatures, false) !== 'primal';
  }

  /**
   * Many fits on one X that differ only in the targets (permutation tests): the Gram matrix and
   * M^-1 are computed once, each target vector then costs a few small solves. Gives the model
   * fit(X, y, opts) gives with the exact solver; declines (undefined) for the hinge loss or
   * when this estimator would not use the exact solver on X.
   */
  prepareFixedDesign(X: Matrix, opts: FitOptions = {}): ((y: Targets) => LinearSVC) | undefined {
    const P = this.params;
    const m = checkMatrix(X, 'X');
    const n = m.rows;
    if (P.solver === 'tfjs' || P.penalty === 'l1' || P.loss !== 'squared_hinge' || !(P.C > 0) || opts.sampleWeight?.some((v) => !(v > 0)))
      return undefined;
    if (resolveLinearSvcSolver(P, n, m.cols, opts.gram !== undefined) !== 'exact') return undefined;
    if (opts.gram && opts.gram.length !== n * n)
      throw new RangeError(`gram: length ${opts.gram.length} does not match X rows ${n} (expected ${n}x${n})`);
    const bias = P.fitIntercept ? P.interceptScaling : 0;
    const dual = new SquaredHingeDual(opts.gram ?? rowGram(m.data, n, m.cols), n, { C: P.C, bias, sampleWeight: opts.sampleWeight });
    dual.prepareInverse();
    return (y: Targets) => {
      // X was validated once above; only the targets change from call to call.
      checkLength(y, n);
      const { classes, codes } = encodeLabels(y);
      if (classes.length < 2) throw new RangeError(`y: a single class (${JSON.stringify(classes[0])}) — a classifier needs at least two`);
      const fitted = this.clone();
      fitted.state = fitFromDual(dual, m, classes, codes, bias);
      return fitted;
    };
  }

  batchedKernel(): BatchedKernel {
    return { name: 'linear-svc', params: this.getParams() };
  }
}
