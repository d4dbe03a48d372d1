// L1-penalised linear models solved in the primal by coordinate descent: the squared-hinge SVM
// (liblinear's L1R_L2LOSS_SVC, which scikit-learn's LinearSVC(penalty='l1', dual=False) runs),
// L1 logistic regression as liblinear's solver='liblinear' fits it, and scikit-learn's l1_min_c. The intercept is learned as liblinear learns it: a constant
// feature is appended and its weight is L1-penalised like the others.
import type { Matrix } from '@neurodecode/matrix';
import { encodeLabels } from './labels.js';
import { type GlmnetStart, logLossChange, solveL1Glmnet } from './l1-glmnet.js';
import { choleskySolveInPlace, dotRange } from './linalg.js';
import type { Targets } from './types.js';

/** Options of the L1-penalised linear solvers (squared hinge or logistic loss): C, intercept, stopping rule, warm start. */
export interface L1SvcOptions {
  C: number;
  /** Value of the appended constant feature (0: no intercept). */
  bias: number;
  /** Stop when the largest minimum-norm subgradient is below tol times its value at w = 0. */
  tol: number;
  maxIter: number;
  sampleWeight?: Float64Array;
  /**
   * Start from the weights already in `w` (a neighbouring C's solution) instead of zero. The
   * stopping rule stays relative to the violation at w = 0, so the optimum reached is the same.
   */
  warmStart?: boolean;
  /**
   * max_j |sum_i s_i y_i x_ij| (the loss gradient's scale at w = 0), when the caller already has it
   * for these rows: a warm start then needs no pass over the data to find its stopping scale.
   */
  zeroGradientMax?: number;
  /**
   * 'newton' (default): newGLMNET, a quadratic model of the loss minimised by coordinate descent,
   * then one line search per outer iteration (finished by 'cd' should its line search stall).
   * 'cd': coordinate descent with a line search per coordinate and a Newton finish on the support.
   * Both stop by the same rule, so they reach the same optimum. Default: 'newton' for the
   * logistic loss, 'cd' for the squared hinge (whose model has no curvature past the margin).
   */
  method?: 'newton' | 'cd';
  /**
   * Carried along a warm-started path on the same rows (newton only): the loss gradient at the
   * weights a solve returned, so the next C starts without a pass over the data.
   */
  path?: L1PathGradient;
}

/**
 * newGLMNET stops at this fraction of the rule's violation: its last steps are Newton steps, so
 * the extra precision is cheap, and its answer is then as close to the optimum as coordinate
 * descent's (whose final sweep also moves every weight that violates at all).
 */
const NEWTON_TOL_FRACTION = 0.1;

/**
 * The loss gradient at a solve's returned weights and the C it was computed for (valid: false
 * until a newton solve ends converged, or until the caller seeds it: at w = 0 the gradient is
 * C loss'(0) times labelCorrelations).
 */
export interface L1PathGradient {
  gradient: Float64Array;
  C: number;
  valid: boolean;
  /**
   * Each column's Euclidean norm over the same rows. Given, a solve bounds the gradients of zero
   * weights instead of computing them where the bound decides every test (the weights are the
   * same), and `gradient` may then hold such estimates: see radius.
   */
  columnNorms?: Float64Array;
  /** Per feature: 0 where gradient is exact, else the radius of the estimate it holds (undefined: all exact). */
  radius?: Float64Array;
  /** The per-sample derivatives the estimates stand for: the exact gradient is reference . x_j times C / path.C. */
  reference?: Float64Array;
}

/**
 * Column-major copy of X (p x n, each feature's n values contiguous), with the bias column
 * appended when bias != 0: coordinate descent walks features, so this layout keeps it streaming.
 */
export function featureMajor(X: Matrix, bias: number): { cols: Float64Array; nFeatures: number } {
  const n = X.rows;
  const p = X.cols;
  const q = bias !== 0 ? p + 1 : p;
  const cols = new Float64Array(q * n);
  const d = X.data;
  // Eight rows at a time, so each column receives eight consecutive values per visit.
  let i = 0;
  for (; i + 7 < n; i += 8) {
    const o = i * p;
    for (let j = 0, t = i; j < p; j++, t += n) {
      cols[t] = d[o + j]!;
      cols[t + 1] = d[o + p + j]!;
      cols[t + 2] = d[o + 2 * p + j]!;
      cols[t + 3] = d[o + 3 * p + j]!;
      cols[t + 4] = d[o + 4 * p + j]!;
      cols[t + 5] = d[o + 5 * p + j]!;
      cols[t + 6] = d[o + 6 * p + j]!;
      cols[t + 7] = d[o + 7 * p + j]!;
    }
  }
  for (; i < n; i++) {
    const off = i * p;
    for (let j = 0; j < p; j++) cols[j * n + i] = d[off + j]!;
  }
  if (bias !== 0) cols.fill(bias, p * n, q * n);
  return { cols, nFeatures: q };
}

/** max_j |sum_i s_i y_i x_ij| over feature-major columns: the gradient scale at w = 0 (see L1SvcOptions.zeroGradientMax). */
export function zeroGradientMax(cols: Float64Array, n: number, q: number, signs: Int8Array, sampleWeight?: Float64Array): number {
  let top = 0;
  for (const g of labelCorrelations(cols, n, q, signs, sampleWeight)) top = Math.max(top, Math.abs(g));
  return top;
}

/**
 * sum_i s_i y_i x_ij for every feature j of feature-major columns. The loss gradient at w = 0 is
 * this times C loss'(0) (-C / 2 for the logistic loss), so it can seed an L1PathGradient.
 */
export function labelCorrelations(cols: Float64Array, n: number, q: number, signs: Int8Array, sampleWeight?: Float64Array): Float64Array {
  const weighted = Float64Array.from(signs, (v, i) => (sampleWeight ? sampleWeight[i]! * v : v));
  const out = new Float64Array(q);
  for (let j = 0; j < q; j++) out[j] = dotRange(weighted, 0, cols, j * n, n);
  return out;
}

/** The largest violation of the optimality conditions at w = 0. */
function violationAtZero(cols: Float64Array, n: number, q: number, signs: Int8Array, loss: L1Loss, C: number, s?: Float64Array): number {
  const der0 = new Float64Array(2);
  lossDerivatives(loss, 0, der0);
  return Math.abs(C * der0[0]! * zeroGradientMax(cols, n, q, signs, s)) - 1;
}

/** A per-sample loss of the margin m = y w.x: value, first and second derivative. */
export type L1Loss = 'squared_hinge' | 'log';

function lossValue(loss: L1Loss, m: number): number {
  if (loss === 'squared_hinge') {
    const b = 1 - m;
    return b > 0 ? b * b : 0;
  }
  return m >= 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
}
function lossDerivatives(loss: L1Loss, m: number, out: Float64Array): void {
  if (loss === 'squared_hinge') {
    const b = 1 - m;
    out[0] = b > 0 ? -2 * b : 0;
    out[1] = b > 0 ? 2 : 0;
    return;
  }
  const sig = 1 / (1 + Math.exp(m)); // sigma(-m)
  out[0] = -sig;
  out[1] = sig * (1 - sig);
}

/**
 * min_w sum_j |w_j| + C sum_i s_i loss(y_i w.x_i), loss the squared hinge (liblinear's
 * L1R_L2LOSS_SVC) or the logistic loss (L1R_LR). Cyclic coordinate descent with a Newton step and
 * Armijo line search per coordinate (Yuan et al. 2010, "CDN", liblinear's method) finds the
 * non-zero set; then Newton's method on that set (where the objective is smooth as long as no
 * weight changes sign) finishes the solve, since coordinate descent alone creeps towards the
 * optimum of correlated voxels. A full sweep confirms optimality. `cols` is feature-major
 * (featureMajor). Returns the number of full sweeps.
 */
export function solveL1SquaredHinge(
  cols: Float64Array,
  n: number,
  q: number,
  signs: Int8Array,
  opts: L1SvcOptions,
  w: Float64Array,
): number {
  return solveL1Linear(cols, n, q, signs, 'squared_hinge', opts, w);
}

/**
 * L1-penalised squared-hinge or logistic loss (opts.method: newGLMNET, or coordinate descent with
 * shrinking and a Newton finish); weights in w, returns the outer iterations or sweeps used.
 */
export function solveL1Linear(
  cols: Float64Array,
  n: number,
  q: number,
  signs: Int8Array,
  loss: L1Loss,
  opts: L1SvcOptions,
  w: Float64Array,
): number {
  const { C } = opts;
  const s = opts.sampleWeight;
  // The stopping scale: the largest violation at w = 0.
  let start: number;
  if (!opts.warmStart) w.fill(0);
  if (opts.warmStart && opts.zeroGradientMax !== undefined) {
    const der0 = new Float64Array(2);
    lossDerivatives(loss, 0, der0);
    start = Math.max(Math.abs(C * der0[0]! * opts.zeroGradientMax) - 1, 0);
  } else start = Math.max(violationAtZero(cols, n, q, signs, loss, C, s), 0);
  // Below the smallest non-zero C, zero is the answer.
  if (start === 0 && w.every((v) => v === 0)) return 1;
  const path = opts.path;
  if ((opts.method ?? (loss === 'log' ? 'newton' : 'cd')) === 'cd') {
    if (path) path.valid = false;
    return solveL1CoordinateDescent(cols, n, q, signs, loss, opts, w, start);
  }
  // The gradient at w for the previous C, scaled to this one (the loss's derivatives scale with C).
  const begin: GlmnetStart | undefined =
    path && opts.warmStart && path.valid && path.gradient.length === q
      ? { gradient: path.gradient, scale: C / path.C, radius: path.radius, reference: path.reference }
      : undefined;
  const norms = path?.columnNorms?.length === q ? path.columnNorms : undefined;
  const result = solveL1Glmnet(cols, n, q, signs, loss, C, s, opts.tol * start * NEWTON_TOL_FRACTION, opts.maxIter, w, begin, norms);
  if (path) {
    path.valid = result.converged;
    if (result.converged) {
      path.gradient = result.gradient;
      path.radius = result.radius;
      path.reference = result.reference;
      path.C = C;
    }
  }
  if (result.converged) return result.iterations;
  // A stalled line search (rounding near the optimum): coordinate descent finishes from here.
  return result.iterations + solveL1CoordinateDescent(cols, n, q, signs, loss, opts, w, start);
}

/** Coordinate descent with a line search per coordinate, shrinking and a Newton finish on the support, from the weights in w. */
function solveL1CoordinateDescent(
  cols: Float64Array,
  n: number,
  q: number,
  signs: Int8Array,
  loss: L1Loss,
  opts: L1SvcOptions,
  w: Float64Array,
  start: number,
): number {
  const { C, maxIter } = opts;
  const s = opts.sampleWeight;
  // margins m_i = y_i w.x_i
  const margin = new Float64Array(n);
  for (let j = 0; j < q; j++) {
    const wj = w[j]!;
    if (wj !== 0) for (let i = 0; i < n; i++) margin[i]! += wj * signs[i]! * cols[j * n + i]!;
  }
  const trial = new Float64Array(n);
  const sigma = 0.01;
  const total = (mm: Float64Array): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v += (s ? s[i]! : 1) * lossValue(loss, mm[i]!);
    return C * v;
  };
  // The loss at the current margins, kept up to date by every accepted step.
  let current = total(margin);
  // Per-sample first and second derivatives (times C, the sample weight and, for the first, the
  // label), refreshed whenever the margins change: a coordinate's gradient is then one dot product
  // instead of n loss evaluations.
  const d1 = new Float64Array(n);
  const d2 = new Float64Array(n);
  let supportChanged = false;
  // The logistic loss keeps exp(-m_i) too (em, below): its derivatives come from those.
  const em = new Float64Array(loss === 'log' ? n : 0);
  const refreshDerivatives = () => {
    for (let i = 0; i < n; i++) {
      const wi = (s ? s[i]! : 1) * C;
      if (loss === 'log') {
        const e = em[i]!;
        const sig = e === Infinity ? 1 : e / (1 + e); // sigma(-m)
        d1[i] = wi * -sig * signs[i]!;
        d2[i] = wi * (sig * (1 - sig));
        continue;
      }
      const b = 1 - margin[i]!;
      d1[i] = wi * (b > 0 ? -2 * b : 0) * signs[i]!;
      d2[i] = wi * (b > 0 ? 2 : 0);
    }
  };
  // The logistic loss's line search. With e_i = exp(-m_i) and E_i = exp(-lambda u_i) along the
  // step (u_i = d y_i x_i), the loss changes by sum_i log((1 + e_i E_i) / (1 + e_i)): one exp per
  // sample for the full step, then each halving of lambda is a square root of E_i, and the ratios
  // are multiplied (rescaled before they leave the float range) so a trial costs no logarithm per
  // sample. Samples whose ratio is not a number (margins beyond exp's range) fall back to the
  // plain loss.
  const u = new Float64Array(loss === 'log' ? n : 0);
  const E = new Float64Array(loss === 'log' ? n : 0);
  const refreshExp = () => {
    for (let i = 0; i < n; i++) em[i] = Math.exp(-margin[i]!);
  };
  if (loss === 'log') refreshExp();
  refreshDerivatives();
  const logLineSearch = (j: number, o: number, wj: number, d: number, delta: number): void => {
    for (let i = 0; i < n; i++) {
      u[i] = d * signs[i]! * cols[o + i]!;
      E[i] = Math.exp(-u[i]!);
    }
    let lambda = 1;
    for (let t = 0; t < 60; t++) {
      if (t > 0) for (let i = 0; i < n; i++) E[i] = Math.sqrt(E[i]!);
      let change = C * logLossChange(em, E, s, n);
      if (Number.isNaN(change)) {
        for (let i = 0; i < n; i++) trial[i] = margin[i]! + lambda * u[i]!;
        change = total(trial) - current;
      }
      const dl = lambda * d;
      if (change + Math.abs(wj + dl) - Math.abs(wj) <= sigma * lambda * delta) {
        if ((wj === 0) !== (wj + dl === 0)) supportChanged = true;
        w[j] = wj + dl;
        for (let i = 0; i < n; i++) {
          margin[i]! += lambda * u[i]!;
          em[i]! *= E[i]!;
        }
        current += change;
        refreshDerivatives();
        return;
      }
      lambda *= 0.5;
    }
  };
  // One coordinate's Newton step with line search; returns its violation before the step, or -1
  // when the weight is zero and its subgradient lies well inside [-1, 1] (beyond `bound`): such a
  // coordinate is shrunk away from the next sweeps, as liblinear does.
  const step = (j: number, bound: number): number => {
    const o = j * n;
    const g = dotRange(d1, 0, cols, o, n);
    const wj = w[j]!;
    const gp = g + 1;
    const gn = g - 1;
    let violation: number;
    if (wj === 0) {
      violation = gp < 0 ? -gp : gn > 0 ? gn : 0;
      if (violation === 0) return gp > bound && gn < -bound ? -1 : 0;
    } else violation = Math.abs(wj > 0 ? gp : gn);
    if (violation === 0) return 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const xi = cols[o + i]!;
      h += d2[i]! * xi * xi;
    }
    h += 1e-12;
    let d: number;
    if (gp <= h * wj) d = -gp / h;
    else if (gn >= h * wj) d = -gn / h;
    else d = -wj;
    const delta = g * d + Math.abs(wj + d) - Math.abs(wj);
    if (loss === 'log') {
      logLineSearch(j, o, wj, d, delta);
      return violation;
    }
    // The squared hinge's trial margins and loss in one pass (the sum as total() forms it).
    let lambda = 1;
    for (let t = 0; t < 60; t++) {
      const dl = lambda * d;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const mi = margin[i]! + dl * signs[i]! * cols[o + i]!;
        trial[i] = mi;
        const b = 1 - mi;
        sum += (s ? s[i]! : 1) * (b > 0 ? b * b : 0);
      }
      const after = C * sum;
      if (after - current + Math.abs(wj + dl) - Math.abs(wj) <= sigma * lambda * delta) {
        if ((wj === 0) !== (wj + dl === 0)) supportChanged = true;
        w[j] = wj + dl;
        margin.set(trial);
        current = after;
        refreshDerivatives();
        break;
      }
      lambda *= 0.5;
    }
    return violation;
  };
  // One pass over every coordinate at the starting point: its largest violation, and the
  // coordinates whose subgradient lies well inside [-1, 1] start shrunk (a full sweep confirms
  // them at the end, as it confirms every shrunk coordinate).
  const hessians: HessianCache = {};
  const active = new Int32Array(q);
  let nActive = 0;
  let nShrunk = q;
  let maxViolation0 = 0;
  const g0 = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    const g = dotRange(d1, 0, cols, j * n, n);
    g0[j] = g;
    const wj = w[j]!;
    const v = wj === 0 ? Math.max(Math.abs(g) - 1, 0) : Math.abs(wj > 0 ? g + 1 : g - 1);
    if (v > maxViolation0) maxViolation0 = v;
  }
  let sweeps = 1;
  if (maxViolation0 <= opts.tol * start) return sweeps;
  let bound = maxViolation0 / n;
  for (let j = 0; j < q; j++) {
    const g = g0[j]!;
    if (w[j] === 0 && g + 1 > bound && g - 1 < -bound) active[--nShrunk] = j;
    else active[nActive++] = j;
  }
  while (sweeps < maxIter) {
    sweeps++;
    supportChanged = false;
    // A sweep that starts with every coordinate active checks them all, even if it shrinks some.
    const full = nActive === q;
    let maxViolation = 0;
    for (let k = 0; k < nActive; ) {
      const j = active[k]!;
      const v = step(j, bound);
      if (v < 0) {
        active[k] = active[--nActive]!;
        active[nActive] = j;
        continue;
      }
      if (v > maxViolation) maxViolation = v;
      k++;
    }
    if (maxViolation <= opts.tol * start) {
      if (full) break;
      // Converged on the active set: one full sweep confirms (or reopens) the shrunk coordinates.
      // It keeps shrinking, so a reopened solve does not need a second full sweep.
      nActive = q;
      continue;
    }
    bound = maxViolation / n;
    // While sweeps still move weights into or out of the support, Newton on it would be redone.
    if (supportChanged) continue;
    newtonOnSupport(cols, n, q, signs, loss, C, s, w, margin, opts.tol * start * 0.1, hessians);
    current = total(margin);
    if (loss === 'log') refreshExp();
    refreshDerivatives();
  }
  return sweeps;
}

/**
 * The squared hinge's curvature per sample is 2 C s_i or 0, so H = X_S' diag(d2) X_S changes by
 * one outer product per sample that enters or leaves the margin, and by a row per weight that
 * joins the support: the last H built (before its diagonal jitter), kept for the next Newton
 * iteration of the same solve, which updates it unless a rebuild is cheaper.
 */
interface HessianCache {
  kept?: { support: number[]; H: Float64Array; d2: Float64Array };
}

/**
 * Newton's method restricted to the non-zero weights. A step that would flip a weight's sign sets
 * it to zero instead (it leaves the support, and coordinate descent decides whether it comes
 * back); the step is halved until the objective decreases. Updates w and the margins in place.
 */
function newtonOnSupport(
  cols: Float64Array,
  n: number,
  q: number,
  signs: Int8Array,
  loss: L1Loss,
  C: number,
  s: Float64Array | undefined,
  w: Float64Array,
  margin: Float64Array,
  tol: number,
  cache: HessianCache,
): void {
  // The objective with the L1 term over the support only (the weights elsewhere are zero).
  const objective = (mm: Float64Array, weights: Float64Array, support: number[]): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v += (s ? s[i]! : 1) * lossValue(loss, mm[i]!);
    let l1 = 0;
    for (const j of support) l1 += Math.abs(weights[j]!);
    return C * v + l1;
  };
  const trialW = new Float64Array(q);
  const trialM = new Float64Array(n);
  const direction = new Float64Array(n);
  const d1 = new Float64Array(n);
  const d2 = new Float64Array(n);
  const der = new Float64Array(2);
  const act = new Int32Array(n);
  for (let iter = 0; iter < 30; iter++) {
    const support: number[] = [];
    for (let j = 0; j < q; j++) if (w[j] !== 0) support.push(j);
    const m = support.length;
    // A support wider than the samples has no unique Newton step; coordinate descent carries on.
    if (m === 0 || m > n) return;
    for (let i = 0; i < n; i++) {
      lossDerivatives(loss, margin[i]!, der);
      const wi = (s ? s[i]! : 1) * C;
      d1[i] = wi * der[0]! * signs[i]!;
      d2[i] = wi * der[1]!;
    }
    const g = new Float64Array(m);
    let gMax = 0;
    for (let a = 0; a < m; a++) {
      const xa = support[a]! * n;
      let ga = 0;
      for (let i = 0; i < n; i++) ga += d1[i]! * cols[xa + i]!;
      g[a] = ga + Math.sign(w[support[a]!]!);
      gMax = Math.max(gMax, Math.abs(g[a]!));
    }
    if (gMax <= tol) return;
    let nAct = 0;
    for (let i = 0; i < n; i++) if (d2[i] !== 0) act[nAct++] = i;
    let H: Float64Array;
    let nChanged = 0;
    // The kept H's rows and columns of the weights still in the support (both lists ascend);
    // rows for weights new to it, at the kept curvature; then the samples whose curvature changed.
    const kept = cache.kept;
    const position = new Int32Array(m);
    let nNew = 0;
    if (kept && loss === 'squared_hinge') {
      for (let a = 0, b = 0; a < m; a++) {
        while (b < kept.support.length && kept.support[b]! < support[a]!) b++;
        position[a] = kept.support[b] === support[a] ? b : -1;
        if (position[a]! < 0) nNew++;
      }
      for (let i = 0; i < n; i++) if (d2[i] !== kept.d2[i]) nChanged++;
    }
    if (kept && loss === 'squared_hinge' && nNew * 2 * n + nChanged * m < (m * nAct) / 2) {
      const mk = kept.support.length;
      H = new Float64Array(m * m);
      for (let a = 0; a < m; a++) {
        if (position[a]! < 0) continue;
        for (let c = 0; c < m; c++) if (position[c]! >= 0) H[a * m + c] = kept.H[position[a]! * mk + position[c]!]!;
      }
      const weighted = new Float64Array(n);
      for (let a = 0; a < m; a++) {
        if (position[a]! >= 0) continue;
        const xa = support[a]! * n;
        for (let i = 0; i < n; i++) weighted[i] = kept.d2[i]! * cols[xa + i]!;
        for (let c = 0; c < m; c++) {
          const h = dotRange(weighted, 0, cols, support[c]! * n, n);
          H[a * m + c] = h;
          H[c * m + a] = h;
        }
      }
      const xi = new Float64Array(m);
      for (let i = 0; i < n; i++) {
        const change = d2[i]! - kept.d2[i]!;
        if (change === 0) continue;
        for (let a = 0; a < m; a++) xi[a] = cols[support[a]! * n + i]!;
        for (let a = 0; a < m; a++) {
          const ca = change * xi[a]!;
          for (let c = 0; c < m; c++) H[a * m + c]! += ca * xi[c]!;
        }
      }
    } else {
      // H = X_S^T diag(d2) X_S over the samples with curvature (the squared hinge has none past
      // the margin), from contiguous copies of the support's columns: za = d2 * x_a, xs = x_c.
      const xs = new Float64Array(m * nAct);
      const za = new Float64Array(m * nAct);
      for (let a = 0; a < m; a++) {
        const xa = support[a]! * n;
        for (let k = 0, o = a * nAct; k < nAct; k++) {
          const i = act[k]!;
          xs[o + k] = cols[xa + i]!;
          za[o + k] = d2[i]! * cols[xa + i]!;
        }
      }
      H = new Float64Array(m * m);
      for (let a = 0; a < m; a++) {
        const oa = a * nAct;
        for (let c = 0; c <= a; c++) {
          const oc = c * nAct;
          const h = dotRange(za, oa, xs, oc, nAct);
          H[a * m + c] = h;
          H[c * m + a] = h;
        }
      }
    }
    cache.kept = { support, H: H.slice(), d2: d2.slice() };
    let trace = 0;
    for (let a = 0; a < m; a++) trace += H[a * m + a]!;
    for (let a = 0; a < m; a++) H[a * m + a]! += 1e-10 * (trace / m) + 1e-300;
    const d = Float64Array.from(g, (v) => -v);
    try {
      choleskySolveInPlace(H, m, d, 1, 'l1 solver');
    } catch {
      return;
    }
    const before = objective(margin, w, support);
    // The margins' change per unit step; a weight clipped at zero corrects its own column's share.
    direction.fill(0);
    for (let a = 0; a < m; a++) {
      const da = d[a]!;
      const xa = support[a]! * n;
      for (let i = 0; i < n; i++) direction[i]! += da * signs[i]! * cols[xa + i]!;
    }
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < n; i++) trialM[i] = margin[i]! + t * direction[i]!;
      for (let a = 0; a < m; a++) {
        const j = support[a]!;
        const v = w[j]! + t * d[a]!;
        if (v * w[j]! > 0) {
          trialW[j] = v;
          continue;
        }
        trialW[j] = 0;
        const fix = -w[j]! - t * d[a]!;
        const xa = j * n;
        for (let i = 0; i < n; i++) trialM[i]! += fix * signs[i]! * cols[xa + i]!;
      }
      if (objective(trialM, trialW, support) < before) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return;
    for (const j of support) w[j] = trialW[j]!;
    margin.set(trialM);
    // A step cut to a quarter or less says the margin's sample set or the support is still moving:
    // coordinate descent takes over again rather than Newton creeping on.
    if (t <= 0.25) return;
  }
}

/** The loss l1MinC computes its bound for: squared hinge (LinearSVC) or logistic. */
export type L1MinCLoss = 'squared_hinge' | 'log';

/**
 * scikit-learn's l1_min_c: the smallest C for which an L1-penalised model is not all zeros,
 * 0.5 / max|Y^T X| (squared hinge) or 2 / max|Y^T X| (logistic), with Y the -1/+1 class indicator
 * (one column per class beyond two) and X extended by the intercept column when fitted.
 */
export function l1MinC(X: Matrix, y: Targets, opts: { loss?: L1MinCLoss; fitIntercept?: boolean; interceptScaling?: number } = {}): number {
  const loss = opts.loss ?? 'squared_hinge';
  if (loss !== 'squared_hinge' && loss !== 'log')
    throw new RangeError(`l1MinC: loss must be "squared_hinge" or "log", got ${JSON.stringify(loss)}`);
  if (y.length !== X.rows) throw new RangeError(`y: length ${y.length} does not match the ${X.rows} rows of X`);
  const { classes, codes } = encodeLabels(y);
  if (classes.length < 2) throw new RangeError('y: l1MinC needs at least two classes');
  const problems = classes.length === 2 ? 1 : classes.length;
  const n = X.rows;
  const p = X.cols;
  const fitIntercept = opts.fitIntercept ?? true;
  const scaling = opts.interceptScaling ?? 1;
  let den = 0;
  const acc = new Float64Array(p);
  for (let c = 0; c < problems; c++) {
    const positive = problems === 1 ? 1 : c;
    acc.fill(0);
    let biasSum = 0;
    for (let i = 0; i < n; i++) {
      const yi = codes[i] === positive ? 1 : -1;
      const off = i * p;
      for (let j = 0; j < p; j++) acc[j]! += yi * X.data[off + j]!;
      biasSum += yi * scaling;
    }
    for (let j = 0; j < p; j++) den = Math.max(den, Math.abs(acc[j]!));
    if (fitIntercept) den = Math.max(den, Math.abs(biasSum));
  }
  if (den === 0) throw new RangeError('l1MinC: every feature is uncorrelated with the labels, so no C makes the model non-zero');
  return (loss === 'squared_hinge' ? 0.5 : 2) / den;
}
