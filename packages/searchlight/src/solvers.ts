// Small dense solvers the fast paths run once per sphere and fold. Every buffer is handed in by
// the caller and reused, so the hot loop allocates nothing.
import { dotRange } from '@neurodecode/estimators';

/** Scratch arrays of the logistic Newton solver, allocated once per thread. */
export interface NewtonWork {
  z: Float64Array;
  weight: Float64Array;
  grad: Float64Array;
  hess: Float64Array;
  step: Float64Array;
  trial: Float64Array;
}

/** Allocate the logistic Newton solver's scratch arrays for at most maxSamples x maxFeatures. */
export function newtonWork(maxSamples: number, maxFeatures: number): NewtonWork {
  const d = maxFeatures + 1;
  return {
    z: new Float64Array(maxSamples),
    weight: new Float64Array(maxSamples),
    grad: new Float64Array(d),
    hess: new Float64Array(d * d),
    step: new Float64Array(d),
    trial: new Float64Array(d),
  };
}

function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function logisticObjective(
  A: Float64Array,
  n: number,
  p: number,
  sign: Int8Array,
  C: number,
  w: Float64Array,
  withIntercept: boolean,
): number {
  let f = 0;
  for (let j = 0; j < p; j++) f += 0.5 * w[j]! * w[j]!;
  const b = withIntercept ? w[p]! : 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = i * p, k = 0; k < p; j++, k++) z += w[k]! * A[j]!;
    loss += log1pExp(-sign[i]! * z);
  }
  return f + C * loss;
}

/** In-place Cholesky solve of the d x d SPD system H x = g (H overwritten); false if not SPD. */
export function choleskySolve(H: Float64Array, d: number, g: Float64Array, x: Float64Array): boolean {
  if (!choleskyFactor(H, d)) return false;
  choleskyFactorSolve(H, d, g, x);
  return true;
}

/** In-place Cholesky factor (lower triangle) of the d x d SPD matrix H; false if not SPD. */
export function choleskyFactor(H: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    const s = H[j * d + j]! - dotRange(H, j * d, H, j * d, j);
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    H[j * d + j] = l;
    for (let i = j + 1; i < d; i++) H[i * d + j] = (H[i * d + j]! - dotRange(H, i * d, H, j * d, j)) / l;
  }
  return true;
}

/** x = (L L')^-1 g with L from choleskyFactor. */
export function choleskyFactorSolve(H: Float64Array, d: number, g: Float64Array, x: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let t = g[i]!;
    for (let k = 0; k < i; k++) t -= H[i * d + k]! * x[k]!;
    x[i] = t / H[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let k = i + 1; k < d; k++) t -= H[k * d + i]! * x[k]!;
    x[i] = t / H[i * d + i]!;
  }
}

/**
 * L2-regularised logistic regression, 0.5||w||^2 + C sum log(1 + exp(-y (w.x + b))), with an
 * unpenalised intercept (scikit-learn's lbfgs objective), solved by damped Newton steps to a
 * gradient max-norm below `tol` times (1 + its starting max-norm). w: length p + 1 (last = intercept). Returns the iterations used.
 */
export function solveLogisticNewton(
  A: Float64Array,
  n: number,
  p: number,
  sign: Int8Array,
  C: number,
  withIntercept: boolean,
  tol: number,
  maxIter: number,
  w: Float64Array,
  work: NewtonWork,
): number {
  const { z, weight, grad, hess, step, trial } = work;
  const d = withIntercept ? p + 1 : p;
  for (let j = 0; j <= p; j++) w[j] = 0;
  let f = logisticObjective(A, n, p, sign, C, w, withIntercept);
  let iter = 0;
  let gradScale = 0;
  for (; iter < maxIter; iter++) {
    for (let j = 0; j < d; j++) grad[j] = j < p ? w[j]! : 0;
    hess.fill(0, 0, d * d);
    const b = withIntercept ? w[p]! : 0;
    for (let i = 0; i < n; i++) {
      let t = b;
      const off = i * p;
      for (let k = 0; k < p; k++) t += w[k]! * A[off + k]!;
      z[i] = t;
      const yi = sign[i]!;
      const sigma = 1 / (1 + Math.exp(yi * t));
      const gi = -C * yi * sigma;
      const hi = C * sigma * (1 - sigma);
      weight[i] = hi;
      for (let k = 0; k < p; k++) grad[k] = grad[k]! + gi * A[off + k]!;
      if (withIntercept) grad[p] = grad[p]! + gi;
    }
    let gmax = 0;
    for (let j = 0; j < d; j++) gmax = Math.max(gmax, Math.abs(grad[j]!));
    if (iter === 0) gradScale = gmax;
    if (gmax <= tol * (1 + gradScale)) break;
    // Hessian lower triangle: I (weights only) + sum_i h_i x~_i x~_i^T.
    for (let i = 0; i < n; i++) {
      const hi = weight[i]!;
      if (hi === 0) continue;
      const off = i * p;
      for (let r = 0; r < p; r++) {
        const hr = hi * A[off + r]!;
        const row = r * d;
        for (let c = 0; c <= r; c++) hess[row + c] = hess[row + c]! + hr * A[off + c]!;
      }
      if (withIntercept) {
        const row = p * d;
        for (let c = 0; c < p; c++) hess[row + c] = hess[row + c]! + hi * A[off + c]!;
        hess[row + p] = hess[row + p]! + hi;
      }
    }
    for (let r = 0; r < p; r++) hess[r * d + r] = hess[r * d + r]! + 1;
    if (withIntercept) hess[p * d + p] = hess[p * d + p]! + 1e-12;
    if (!choleskySolve(hess, d, grad, step)) break;
    let slope = 0;
    for (let j = 0; j < d; j++) slope -= grad[j]! * step[j]!;
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 50; ls++) {
      for (let j = 0; j < d; j++) trial[j] = w[j]! - t * step[j]!;
      if (!withIntercept) trial[p] = 0;
      const ft = logisticObjective(A, n, p, sign, C, trial, withIntercept);
      // The rounding allowance lets the last, tiny Newton steps through (f is flat to ulp level there).
      if (ft <= f + 1e-4 * t * slope + 1e-13 * Math.abs(f)) {
        for (let j = 0; j <= p; j++) w[j] = trial[j]!;
        f = ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
  }
  return iter;
}
