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
  };
}

/** Objective at v, filling `margin` with 1 - y_i v.x~_i. */
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
    let z = vb;
    for (let j = 0, o = i * p; j < p; j++, o++) z += v[j]! * A[o]!;
    const m = 1 - sign[i]! * z;
    margin[i] = m;
    if (m > 0) loss += m * m;
  }
  return f + C * loss;
}

/** Add (or with s = -1 remove) sample i's outer product to the lower triangle of hessSum. */
function rankOne(hessSum: Float64Array, A: Float64Array, i: number, p: number, bias: number, s: number): void {
  const d = p + 1;
  const off = i * p;
  for (let r = 0; r < p; r++) {
    const xr = s * A[off + r]!;
    const row = r * d;
    for (let c = 0; c <= r; c++) hessSum[row + c] = hessSum[row + c]! + xr * A[off + c]!;
  }
  const row = p * d;
  const sb = s * bias;
  for (let c = 0; c < p; c++) hessSum[row + c] = hessSum[row + c]! + sb * A[off + c]!;
  hessSum[row + p] = hessSum[row + p]! + sb * bias;
}

/**
 * Minimise 0.5 ||v||^2 + C sum_i max(0, 1 - y_i v.x~_i)^2 with x~_i = [x_i, bias].
 * A: n x p row-major; sign: +1/-1; v: output of length p + 1 (last = weight of the bias feature).
 * `gramReady`: work.hessSum already holds the lower triangle of sum_i x~_i x~_i^T (row stride p + 1).
 * Returns the Newton steps taken.
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
  gramReady = false,
): number {
  const { hessSum, hess, grad, step, trial, active } = work;
  let { margin, trialMargin } = work;
  const d = p + 1;
  for (let j = 0; j < d; j++) v[j] = 0;
  if (!gramReady) hessSum.fill(0, 0, d * d);
  // At v = 0 every margin is 1: the objective is C n, all samples are active and hessSum is
  // their Gram matrix.
  let f = C * n;
  for (let i = 0; i < n; i++) {
    margin[i] = 1;
    active[i] = 1;
    if (!gramReady) rankOne(hessSum, A, i, p, bias, 1);
  }
  let gradScale = 0;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    for (let j = 0; j < d; j++) grad[j] = v[j]!;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      const g = -2 * C * sign[i]! * margin[i]!;
      for (let j = 0, o = i * p; j < p; j++, o++) grad[j] = grad[j]! + g * A[o]!;
      grad[p] = grad[p]! + g * bias;
    }
    let gmax = 0;
    for (let j = 0; j < d; j++) gmax = Math.max(gmax, Math.abs(grad[j]!));
    if (iter === 0) gradScale = gmax;
    if (gmax <= 1e-14 * (1 + gradScale)) break;
    for (let r = 0; r < d; r++) {
      for (let c = 0; c <= r; c++) hess[r * d + c] = 2 * C * hessSum[r * d + c]! + (r === c ? 1 : 0);
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
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const now = margin[i]! > 0 ? 1 : 0;
      if (now !== active[i]) {
        rankOne(hessSum, A, i, p, bias, now ? 1 : -1);
        active[i] = now;
        changed++;
      }
    }
    // A full step on an unchanged active set solved the quadratic exactly: that is the optimum.
    if (changed === 0 && t === 1) {
      iter++;
      break;
    }
  }
  // Keep the caller's buffers consistent after the swaps.
  work.margin = margin;
  work.trialMargin = trialMargin;
  return iter;
}
