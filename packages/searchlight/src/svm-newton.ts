// The L2-regularised squared-hinge SVM (LinearSVC's objective, intercept = weight of a penalised
// constant feature) solved in the primal by a finite Newton method: on a fixed set of
// margin-violating samples the objective is quadratic, so a full Newton step lands on its exact
// minimum, and the method stops when the set no longer changes. Unlike dual coordinate descent,
// this converges in a handful of steps however badly the raw data are scaled.

import { choleskySolve } from './solvers.js';

/** Scratch arrays of the squared-hinge Newton solver, allocated once per thread. */
export interface HingeNewtonWork {
  hessSum: Float64Array;
  hess: Float64Array;
  grad: Float64Array;
  step: Float64Array;
  trial: Float64Array;
  margin: Float64Array;
  trialMargin: Float64Array;
  active: Uint8Array;
  /** Sum over the active samples of y_i x~_i (the gradient is v + 2C (hessSum v - b)). */
  b: Float64Array;
  /** Samples whose active flag changed in a step. */
  changed: Int32Array;
}

/** Allocate the squared-hinge Newton solver's scratch arrays for at most maxSamples x maxFeatures. */
export function hingeNewtonWork(maxSamples: number, maxFeatures: number): HingeNewtonWork {
  const d = maxFeatures + 1;
  return {
    hessSum: new Float64Array(d * d),
    hess: new Float64Array(d * d),
    grad: new Float64Array(d),
    step: new Float64Array(d),
    trial: new Float64Array(d),
    margin: new Float64Array(maxSamples),
    trialMargin: new Float64Array(maxSamples),
    active: new Uint8Array(maxSamples),
    b: new Float64Array(d),
    changed: new Int32Array(maxSamples),
  };
}

/** solveSquaredHingeNewton's `ready` flag: work.hessSum holds the Gram matrix of [x, bias]. */
export const HINGE_GRAM_READY = 1;
/** solveSquaredHingeNewton's `ready` flag: work.b holds sum_i y_i [x_i, bias]. */
export const HINGE_SUM_READY = 2;

/** Objective at v, filling `margin` with 1 - y_i v.x~_i (four partial sums per dot product). */
function objective(
  A: Float64Array,
  n: number,
  p: number,
  sign: Int8Array,
  C: number,
  bias: number,
  v: Float64Array,
  margin: Float64Array,
): number {
  let f = 0;
  for (let j = 0; j <= p; j++) f += v[j]! * v[j]!;
  f *= 0.5;
  let loss = 0;
  const vb = v[p]! * bias;
  for (let i = 0; i < n; i++) {
    let z0 = vb,
      z1 = 0,
      z2 = 0,
      z3 = 0,
      j = 0,
      o = i * p;
    for (; j + 3 < p; j += 4, o += 4) {
      z0 += v[j]! * A[o]!;
      z1 += v[j + 1]! * A[o + 1]!;
      z2 += v[j + 2]! * A[o + 2]!;
      z3 += v[j + 3]! * A[o + 3]!;
    }
    for (; j < p; j++, o++) z0 += v[j]! * A[o]!;
    const m = 1 - sign[i]! * (z0 + z1 + (z2 + z3));
    margin[i] = m;
    if (m > 0) loss += m * m;
  }
  return f + C * loss;
}

/**
 * Add s_i x~_i x~_i^T + s_k x~_k x~_k^T to the lower triangle of hessSum (s = 1 adds a sample,
 * -1 removes it; s_k = 0 for a single sample), and s y x~ to b.
 */
function rankTwo(
  work: HingeNewtonWork,
  A: Float64Array,
  p: number,
  bias: number,
  sign: Int8Array,
  i: number,
  si: number,
  k: number,
  sk: number,
): void {
  const { hessSum, b } = work;
  const d = p + 1;
  const oi = i * p,
    ok = k * p;
  for (let r = 0; r < p; r++) {
    const xr = si * A[oi + r]!,
      yr = sk * A[ok + r]!;
    const row = r * d;
    for (let c = 0; c <= r; c++) hessSum[row + c] = hessSum[row + c]! + xr * A[oi + c]! + yr * A[ok + c]!;
  }
  const row = p * d;
  const bi = si * bias,
    bk = sk * bias;
  for (let c = 0; c < p; c++) hessSum[row + c] = hessSum[row + c]! + bi * A[oi + c]! + bk * A[ok + c]!;
  hessSum[row + p] = hessSum[row + p]! + (bi + bk) * bias;
  const yi = si * sign[i]!,
    yk = sk * sign[k]!;
  for (let c = 0; c < p; c++) b[c] = b[c]! + yi * A[oi + c]! + yk * A[ok + c]!;
  b[p] = b[p]! + (yi + yk) * bias;
}

/**
 * Minimise 0.5 ||v||^2 + C sum_i max(0, 1 - y_i v.x~_i)^2 with x~_i = [x_i, bias].
 * A: n x p row-major; sign: +1/-1; v: output of length p + 1 (last = weight of the bias feature).
 * `ready`: 0 (or false) computes everything here; HINGE_GRAM_READY (or true): work.hessSum already holds
 * the lower triangle of sum_i x~_i x~_i^T (row stride p + 1); plus HINGE_SUM_READY: work.b already
 * holds sum_i y_i x~_i (one-vs-rest problems share their class sums).
 * The gradient on the active set is v + 2C (hessSum v - b), b = sum over the active samples of
 * y_i x~_i, both updated as samples enter or leave. Returns the Newton steps taken.
 */
export function solveSquaredHingeNewton(
  A: Float64Array,
  n: number,
  p: number,
  sign: Int8Array,
  C: number,
  bias: number,
  maxIter: number,
  v: Float64Array,
  work: HingeNewtonWork,
  ready: number | boolean = 0,
): number {
  const gramReady = ready === true || (Number(ready) & HINGE_GRAM_READY) !== 0;
  const sumReady = gramReady && (Number(ready) & HINGE_SUM_READY) !== 0;
  const { hessSum, hess, grad, step, trial, active, b, changed } = work;
  let { margin, trialMargin } = work;
  const d = p + 1;
  for (let j = 0; j < d; j++) v[j] = 0;
  // At v = 0 every margin is 1: the objective is C n, all samples are active, hessSum is their
  // Gram matrix and b = sum_i y_i x~_i.
  let f = C * n;
  for (let i = 0; i < n; i++) {
    margin[i] = 1;
    active[i] = 1;
  }
  if (!gramReady) {
    hessSum.fill(0, 0, d * d);
    b.fill(0, 0, d);
    let i = 0;
    for (; i + 1 < n; i += 2) rankTwo(work, A, p, bias, sign, i, 1, i + 1, 1);
    if (i < n) rankTwo(work, A, p, bias, sign, i, 1, i, 0);
  } else if (!sumReady) {
    b.fill(0, 0, d);
    for (let i = 0; i < n; i++) {
      const y = sign[i]!;
      for (let j = 0, o = i * p; j < p; j++, o++) b[j] = b[j]! + y * A[o]!;
      b[p] = b[p]! + y * bias;
    }
  }
  let gradScale = 0;
  let iter = 0;
  const twoC = 2 * C;
  for (; iter < maxIter; iter++) {
    // grad = v + 2C (H v - b), H symmetric from its lower triangle.
    for (let r = 0; r < d; r++) grad[r] = -b[r]!;
    for (let r = 0; r < d; r++) {
      const row = r * d,
        vr = v[r]!;
      let s = 0;
      for (let c = 0; c < r; c++) {
        const h = hessSum[row + c]!;
        s += h * v[c]!;
        grad[c] = grad[c]! + h * vr;
      }
      grad[r] = grad[r]! + s + hessSum[row + r]! * vr;
    }
    let gmax = 0;
    for (let j = 0; j < d; j++) {
      grad[j] = v[j]! + twoC * grad[j]!;
      gmax = Math.max(gmax, Math.abs(grad[j]!));
    }
    if (iter === 0) gradScale = gmax;
    if (gmax <= 1e-14 * (1 + gradScale)) break;
    for (let r = 0; r < d; r++) {
      for (let c = 0; c <= r; c++) hess[r * d + c] = twoC * hessSum[r * d + c]! + (r === c ? 1 : 0);
    }
    if (!choleskySolve(hess, d, grad, step)) break;
    let slope = 0;
    for (let j = 0; j < d; j++) slope += grad[j]! * step[j]!;
    let t = 1;
    let ft = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < d; j++) trial[j] = v[j]! - t * step[j]!;
      ft = objective(A, n, p, sign, C, bias, trial, trialMargin);
      if (ft <= f - 1e-4 * t * slope + 1e-13 * Math.abs(f)) break;
      t *= 0.5;
    }
    if (!(ft <= f + 1e-13 * Math.abs(f))) break;
    for (let j = 0; j < d; j++) v[j] = trial[j]!;
    f = ft;
    const swap = margin;
    margin = trialMargin;
    trialMargin = swap;
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const now = margin[i]! > 0 ? 1 : 0;
      if (now !== active[i]) {
        active[i] = now;
        changed[nChanged++] = i;
      }
    }
    let k = 0;
    for (; k + 1 < nChanged; k += 2) {
      const i = changed[k]!,
        j = changed[k + 1]!;
      rankTwo(work, A, p, bias, sign, i, active[i] ? 1 : -1, j, active[j] ? 1 : -1);
    }
    if (k < nChanged) rankTwo(work, A, p, bias, sign, changed[k]!, active[changed[k]!] ? 1 : -1, changed[k]!, 0);
    // A full step on an unchanged active set solved the quadratic exactly: that is the optimum.
    if (nChanged === 0 && t === 1) {
      iter++;
      break;
    }
  }
  // Keep the caller's buffers consistent after the swaps.
  work.margin = margin;
  work.trialMargin = trialMargin;
  return iter;
}
