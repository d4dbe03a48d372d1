// Multinomial (softmax) L2 logistic regression for the searchlight's small problems: a sphere has
// tens of features, so Newton's method with the full Hessian of all classes' weights, k (p + 1)
// unknowns, factored by Cholesky, reaches the optimum in a few iterations. The objective is
// LogisticRegression's (multinomial, Newton-CG): C * cross-entropy summed over samples plus
// ||W||^2 / 2, intercepts unpenalised. Every buffer is handed in and reused: no allocation per
// sphere or fold.
import { choleskyFactor, choleskyFactorSolve } from './solvers.js';

/** Scratch arrays of the multinomial Newton solver, allocated once per thread. */
export interface MultinomialWork {
  maxSamples: number;
  maxFeatures: number;
  nClasses: number;
  /** Training rows centred by their mean, with a trailing 1 when fitting intercepts (stride p + 1). */
  rows: Float64Array;
  mean: Float64Array;
  /** Per class: training samples. */
  counts: Float64Array;
  /** Per sample and class: scores, softmax probabilities, trial scores, scores of the step. */
  Z: Float64Array;
  P: Float64Array;
  trialZ: Float64Array;
  Q: Float64Array;
  /** Packed lower triangles of four samples' outer products x~ x~'. */
  outer: Float64Array;
  /** Per class pair c > c', the packed lower triangle of sum_i p_ic p_ic' x~_i x~_i'. */
  pairs: Float64Array;
  /** Parameters (class-major blocks [w_c, b_c]), gradient, step, Hessian. */
  theta: Float64Array;
  grad: Float64Array;
  step: Float64Array;
  hess: Float64Array;
}

/** Allocate the multinomial solver's scratch for at most maxSamples x maxFeatures and nClasses classes. */
export function multinomialWork(maxSamples: number, maxFeatures: number, nClasses: number): MultinomialWork {
  const d = maxFeatures + 1;
  const D = nClasses * d;
  const packed = (d * (d + 1)) / 2;
  return {
    maxSamples,
    maxFeatures,
    nClasses,
    rows: new Float64Array(maxSamples * d),
    mean: new Float64Array(maxFeatures),
    counts: new Float64Array(nClasses),
    Z: new Float64Array(maxSamples * nClasses),
    P: new Float64Array(maxSamples * nClasses),
    trialZ: new Float64Array(maxSamples * nClasses),
    Q: new Float64Array(maxSamples * nClasses),
    outer: new Float64Array(4 * packed),
    pairs: new Float64Array(Math.max(1, (nClasses * (nClasses - 1)) / 2) * packed),
    theta: new Float64Array(D),
    grad: new Float64Array(D),
    step: new Float64Array(D),
    hess: new Float64Array(D * D),
  };
}

/** C * sum_i (logsumexp(z_i) - z_i[y_i]) for scores Z (n x k). */
function crossEntropy(Z: Float64Array, n: number, k: number, codes: Int32Array, C: number): number {
  let loss = 0;
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let max = Z[o]!;
    for (let c = 1; c < k; c++) if (Z[o + c]! > max) max = Z[o + c]!;
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(Z[o + c]! - max);
    loss += max + Math.log(s) - Z[o + codes[i]!]!;
  }
  return C * loss;
}

/**
 * Multinomial logistic regression on the n x p row-major rows A with class codes 0..k-1:
 * minimise C sum_i (logsumexp(z_i) - z_i[y_i]) + ||W||^2 / 2 with z_i = W x_i + b, intercepts
 * unpenalised (b = 0 when !withIntercept). Damped Newton steps on the full Hessian, in
 * coordinates centred by the training mean (the intercept is unpenalised, so this is the same
 * optimum, better conditioned on raw-scale data). Stops as LogisticRegression's Newton-CG does:
 * when the largest gradient entry (original coordinates) is at most relTol times its value at
 * zero, or below 1e-14, or after maxIter iterations. The intercepts sum to zero, as scikit-learn's
 * and LogisticRegression's do. Writes W (k x p, row-major) and b (k); returns the iterations used.
 */
export function solveMultinomialNewton(
  A: Float64Array,
  n: number,
  p: number,
  codes: Int32Array,
  k: number,
  C: number,
  withIntercept: boolean,
  relTol: number,
  maxIter: number,
  W: Float64Array,
  b: Float64Array,
  work: MultinomialWork,
): number {
  if (n > work.maxSamples || p > work.maxFeatures || k !== work.nClasses) {
    throw new Error(`solveMultinomialNewton: problem ${n} x ${p} with ${k} classes exceeds the work arrays`);
  }
  const { rows, mean, counts, Z, P, trialZ, Q, outer, pairs, theta, grad, step, hess } = work;
  const d = withIntercept ? p + 1 : p;
  const D = k * d;
  const packed = (d * (d + 1)) / 2;
  // Centred rows [x - mean, 1].
  mean.fill(0, 0, p);
  if (withIntercept) {
    for (let i = 0; i < n; i++) for (let j = 0, o = i * p; j < p; j++, o++) mean[j] = mean[j]! + A[o]!;
    for (let j = 0; j < p; j++) mean[j] = mean[j]! / n;
  }
  for (let i = 0; i < n; i++) {
    const o = i * p,
      r = i * d;
    for (let j = 0; j < p; j++) rows[r + j] = A[o + j]! - mean[j]!;
    if (withIntercept) rows[r + p] = 1;
  }
  // The stopping rule's scale: the largest gradient entry at zero (the first iterate), C sum_i (1/k - onehot_i) [x_i, 1]
  // in the original coordinates, from per-class sums (in step) and the column sums (in grad).
  step.fill(0, 0, k * p);
  grad.fill(0, 0, p);
  counts.fill(0, 0, k);
  for (let i = 0; i < n; i++) {
    const y = codes[i]!;
    counts[y] = counts[y]! + 1;
    for (let j = 0, o = i * p, g = y * p; j < p; j++, o++, g++) step[g] = step[g]! + A[o]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) grad[j] = grad[j]! + step[c * p + j]!;
  let gmax0 = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < p; j++) gmax0 = Math.max(gmax0, Math.abs(C * (grad[j]! / k - step[c * p + j]!)));
    if (withIntercept) gmax0 = Math.max(gmax0, Math.abs(C * (n / k - counts[c]!)));
  }
  gmax0 = Math.max(gmax0, 1e-300);
  const atZero = C * n * Math.log(k);
  let ww = 0;
  let f = atZero;
  theta.fill(0, 0, D);
  Z.fill(0, 0, n * k);
  let iter = 0;
  let factored = false;
  let lastGmax = Number.POSITIVE_INFINITY;
  for (; iter < maxIter; iter++) {
    // Probabilities, and the gradient theta_W + C sum_i (p_i - onehot_i) x~_i.
    for (let j = 0; j < D; j++) grad[j] = withIntercept && j % d === p ? 0 : theta[j]!;
    for (let i = 0, o = 0; i < n; i++, o += k) {
      let max = Z[o]!;
      for (let c = 1; c < k; c++) if (Z[o + c]! > max) max = Z[o + c]!;
      let s = 0;
      for (let c = 0; c < k; c++) s += P[o + c] = Math.exp(Z[o + c]! - max);
      const inv = 1 / s;
      const r = i * d;
      const y = codes[i]!;
      for (let c = 0; c < k; c++) {
        const pc = P[o + c]! * inv;
        P[o + c] = pc;
        const res = C * (c === y ? pc - 1 : pc);
        const g = c * d;
        for (let j = 0; j < d; j++) grad[g + j] = grad[g + j]! + res * rows[r + j]!;
      }
    }
    // Largest entry of the gradient in the original coordinates: g_W + mean g_b, and g_b.
    let gmax = 0;
    for (let c = 0; c < k; c++) {
      const g = c * d;
      const gb = withIntercept ? grad[g + p]! : 0;
      for (let j = 0; j < p; j++) gmax = Math.max(gmax, Math.abs(grad[g + j]! + mean[j]! * gb));
      gmax = Math.max(gmax, Math.abs(gb));
    }
    if (gmax <= relTol * gmax0 || gmax < 1e-14) break;
    // Close to the optimum the Hessian hardly changes: while each step cuts the gradient at least
    // tenfold, the last factor is reused (a chord step: the gradient is exact, so the optimum is
    // the same), and rebuilt otherwise.
    const reuse = factored && gmax <= 1e-3 * gmax0 && gmax <= 0.1 * lastGmax;
    lastGmax = gmax;
    if (!reuse) {
      // Hessian: C sum_i (diag(p_i) - p_i p_i') (x) x~_i x~_i'. Its class blocks are symmetric: the
      // off-diagonal ones, -C sum_i p_ic p_ic' x~_i x~_i', are accumulated on packed outer products
      // four samples at a time; the rows of diag(p) - p p' sum to zero, so each diagonal block is
      // minus the sum of its row's off-diagonal blocks.
      const nPairs = (k * (k - 1)) / 2;
      pairs.fill(0, 0, nPairs * packed);
      // At zero every probability is 1/k: every pair block is C / k^2 times the Gram of x~.
      const uniform = iter === 0;
      if (uniform) {
        for (let i = 0; i < n; i++) {
          const r = i * d;
          for (let a = 0, t = 0; a < d; a++) {
            const xa = rows[r + a]!;
            for (let e = 0; e <= a; e++, t++) pairs[t] = pairs[t]! + xa * rows[r + e]!;
          }
        }
        const w = C / (k * k);
        for (let t = 0; t < packed; t++) pairs[t] = pairs[t]! * w;
        for (let pair = 1; pair < nPairs; pair++) pairs.copyWithin(pair * packed, 0, packed);
      }
      for (let i0 = 0; i0 < (uniform ? 0 : n); i0 += 4) {
        const m = Math.min(4, n - i0);
        for (let u = 0; u < m; u++) {
          const r = (i0 + u) * d;
          for (let a = 0, t = u * packed; a < d; a++) {
            const xa = rows[r + a]!;
            for (let e = 0; e <= a; e++, t++) outer[t] = xa * rows[r + e]!;
          }
        }
        const o = i0 * k;
        if (m === 4) {
          for (let c = 1, pair = 0; c < k; c++) {
            const q0 = C * P[o + c]!,
              q1 = C * P[o + k + c]!,
              q2 = C * P[o + 2 * k + c]!,
              q3 = C * P[o + 3 * k + c]!;
            for (let c2 = 0; c2 < c; c2++, pair++) {
              const w0 = q0 * P[o + c2]!,
                w1 = q1 * P[o + k + c2]!,
                w2 = q2 * P[o + 2 * k + c2]!,
                w3 = q3 * P[o + 3 * k + c2]!;
              const base = pair * packed;
              for (let t = 0; t < packed; t++) {
                pairs[base + t] =
                  pairs[base + t]! +
                  (w0 * outer[t]! + w1 * outer[packed + t]!) +
                  (w2 * outer[2 * packed + t]! + w3 * outer[3 * packed + t]!);
              }
            }
          }
        } else {
          for (let u = 0; u < m; u++) {
            const ou = o + u * k;
            for (let c = 1, pair = 0; c < k; c++) {
              const q = C * P[ou + c]!;
              for (let c2 = 0; c2 < c; c2++, pair++) {
                const w = q * P[ou + c2]!;
                const base = pair * packed;
                for (let t = 0; t < packed; t++) pairs[base + t] = pairs[base + t]! + w * outer[u * packed + t]!;
              }
            }
          }
        }
      }
      // Unpack: block (c, c2), c > c2, is -pairs; the diagonal block c is the sum of pairs in its row.
      for (let c = 0; c < k; c++) {
        for (let a = 0; a < d; a++) {
          const row = (c * d + a) * D;
          for (let e = 0; e <= a; e++) hess[row + c * d + e] = 0;
        }
      }
      for (let c = 1, pair = 0; c < k; c++) {
        for (let c2 = 0; c2 < c; c2++, pair++) {
          const base = pair * packed;
          for (let a = 0; a < d; a++) {
            const row = (c * d + a) * D;
            const packedRow = base + (a * (a + 1)) / 2;
            for (let e = 0; e <= a; e++) {
              const v = pairs[packedRow + e]!;
              hess[row + c2 * d + e] = -v;
              hess[row + c * d + e] = hess[row + c * d + e]! + v;
              const rowT = (c2 * d + a) * D;
              hess[rowT + c2 * d + e] = hess[rowT + c2 * d + e]! + v;
            }
            // The upper part of the (symmetric) off-diagonal block.
            for (let e = a + 1; e < d; e++) hess[row + c2 * d + e] = -pairs[base + (e * (e + 1)) / 2 + a]!;
          }
        }
      }
      for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) hess[(c * d + j) * D + c * d + j] = hess[(c * d + j) * D + c * d + j]! + 1;
      if (withIntercept) {
        // Shifting every intercept by one constant leaves the loss unchanged: the Hessian is singular
        // along that direction. Adding lambda 11' on the intercepts makes it definite without
        // changing the step, since the gradient has no component along it (the step keeps the
        // intercepts' sum at zero).
        let lambda = 0;
        for (let c = 0; c < k; c++) lambda = Math.max(lambda, hess[(c * d + p) * D + c * d + p]!);
        lambda = Math.max(lambda, 1e-12);
        for (let c = 0; c < k; c++)
          for (let c2 = 0; c2 <= c; c2++) hess[(c * d + p) * D + c2 * d + p] = hess[(c * d + p) * D + c2 * d + p]! + lambda;
      }
      factored = choleskyFactor(hess, D);
      if (!factored) break;
    }
    choleskyFactorSolve(hess, D, grad, step);
    // Newton direction -step; scores along it, and the slope.
    let slope = 0,
      wd = 0,
      dd = 0;
    for (let j = 0; j < D; j++) {
      slope -= grad[j]! * step[j]!;
      if (!withIntercept || j % d !== p) {
        wd -= theta[j]! * step[j]!;
        dd += step[j]! * step[j]!;
      }
    }
    if (!(slope < 0)) break;
    for (let i = 0, o = 0; i < n; i++, o += k) {
      const r = i * d;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0, g = c * d; j < d; j++) s += rows[r + j]! * step[g + j]!;
        Q[o + c] = -s;
      }
    }
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < n * k; j++) trialZ[j] = Z[j]! + t * Q[j]!;
      const wwNew = ww + 2 * t * wd + t * t * dd;
      const fNew = crossEntropy(trialZ, n, k, codes, C) + 0.5 * wwNew;
      // Near the optimum the decrease falls below the objective's rounding: a full step is then
      // taken as long as the objective does not measurably rise.
      if (fNew <= f + 1e-4 * t * slope || (t === 1 && fNew - f <= 1e-13 * Math.abs(f))) {
        f = fNew;
        ww = wwNew;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    for (let j = 0; j < D; j++) theta[j] = theta[j]! - t * step[j]!;
    Z.set(trialZ.subarray(0, n * k));
  }
  // Back to the original coordinates: b_c = b~_c - w_c . mean.
  for (let c = 0; c < k; c++) {
    let bc = withIntercept ? theta[c * d + p]! : 0;
    for (let j = 0; j < p; j++) {
      const w = theta[c * d + j]!;
      W[c * p + j] = w;
      bc -= w * mean[j]!;
    }
    b[c] = bc;
  }
  return iter;
}
