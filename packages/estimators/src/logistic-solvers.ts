// Solvers for penalised logistic regression on row-major typed arrays.
// L2: Newton's method with conjugate-gradient steps (Hessian-vector products only, so it scales
// to tens of thousands of features), unpenalised intercept, solved to near machine precision:
// the optimum is unique, so any accurate solver lands on scikit-learn's lbfgs answer.
// L1: coordinate descent on a quadratic majoriser with soft thresholding.
import { columnMeans } from './linalg.js';

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function dot(a: Float64Array, b: Float64Array, aOff: number, bOff: number, len: number): number {
  let s = 0;
  for (let j = 0; j < len; j++) s += a[aOff + j]! * b[bOff + j]!;
  return s;
}

export interface LogisticSolution {
  /** k x p weights (row-major). */
  W: Float64Array;
  /** k intercepts. */
  b: Float64Array;
  nIter: number;
}

/** A row-major design with its column means subtracted, and those means. */
export interface CentredDesign {
  X: Float64Array;
  mean: Float64Array;
}

/** X minus its column means (one copy), for newtonLogistic fits that share a design (one-vs-rest problems). */
export function centreColumns(X: Float64Array, n: number, p: number): CentredDesign {
  const mean = columnMeans(X, n, p);
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0, o = i * p; j < p; j++, o++) out[o] = X[o]! - mean[j]!;
  return { X: out, mean };
}

/**
 * Minimise sum_i C * loss_i + 0.5 * ||W||^2 (intercepts unpenalised) with Newton-CG.
 * k = 1: binary loss log(1 + exp(-y z)) with `target` holding +1 / -1.
 * k > 1: softmax cross-entropy with `target` holding class codes 0..k-1.
 * With an intercept the features are centred first (the same problem: the intercepts absorb
 * the means), and conjugate gradients are preconditioned by the Hessian's diagonal: on raw BOLD
 * values (means in the hundreds, unequal variances) the plain method needs hundreds of CG
 * steps per Newton step and does not converge in maxIter. `centred` passes that centred copy
 * when several fits share X (computed here otherwise).
 */
export function newtonLogistic(
  Xraw: Float64Array,
  n: number,
  p: number,
  target: Float64Array | Int32Array,
  k: number,
  C: number,
  fitIntercept: boolean,
  maxIter: number,
  relTol: number,
  centred: CentredDesign | undefined = fitIntercept ? centreColumns(Xraw, n, p) : undefined,
): LogisticSolution {
  const X = centred ? centred.X : Xraw;
  const mean = centred ? centred.mean : new Float64Array(p);
  const W = new Float64Array(k * p);
  const b = new Float64Array(k);
  const Z = new Float64Array(n * k);
  const P = new Float64Array(n * k); // binary: sigma(y z); softmax: probabilities
  const gW = new Float64Array(k * p);
  const gb = new Float64Array(k);
  const dW = new Float64Array(k * p);
  const db = new Float64Array(k);
  const rW = new Float64Array(k * p);
  const rb = new Float64Array(k);
  const sW = new Float64Array(k * p);
  const sb = new Float64Array(k);
  const hW = new Float64Array(k * p);
  const hb = new Float64Array(k);
  const U = new Float64Array(n * k);
  const Q = new Float64Array(n * k);
  const T = new Float64Array(n * k);
  // Inverse diagonal of the Hessian (the preconditioner) and the preconditioned residual.
  const invW = new Float64Array(k * p);
  const invB = new Float64Array(k);
  const zW = new Float64Array(k * p);
  const zb = new Float64Array(k);
  const size = k * p + (fitIntercept ? k : 0);

  const objective = (Zs: Float64Array, Wn2: number): number => {
    let loss = 0;
    if (k === 1) {
      for (let i = 0; i < n; i++) loss += softplus(-target[i]! * Zs[i]!);
    } else {
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, Zs[i * k + c]!);
        let s = 0;
        for (let c = 0; c < k; c++) s += Math.exp(Zs[i * k + c]! - max);
        loss += max + Math.log(s) - Zs[i * k + target[i]!]!;
      }
    }
    return C * loss + 0.5 * Wn2;
  };
  const norm2 = (v: Float64Array): number => dot(v, v, 0, 0, v.length);
  // Derivative weights per sample from the current scores Z.
  const refresh = (): void => {
    if (k === 1) {
      for (let i = 0; i < n; i++) P[i] = 1 / (1 + Math.exp(-target[i]! * Z[i]!));
      return;
    }
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, Z[i * k + c]!);
      let s = 0;
      for (let c = 0; c < k; c++) s += P[i * k + c] = Math.exp(Z[i * k + c]! - max);
      for (let c = 0; c < k; c++) P[i * k + c]! /= s;
    }
  };
  // out = X^T coeff (k blocks), plus the intercept sums.
  const backProject = (coeff: Float64Array, outW: Float64Array, outB: Float64Array): void => {
    outB.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let c = 0; c < k; c++) {
        const t = coeff[i * k + c]!;
        if (t === 0) continue;
        outB[c]! += t;
        const wo = c * p;
        for (let j = 0; j < p; j++) outW[wo + j]! += t * X[off + j]!;
      }
    }
    if (!fitIntercept) outB.fill(0);
  };
  const project = (vW: Float64Array, vb: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = dot(X, vW, i * p, c * p, p) + (fitIntercept ? vb[c]! : 0);
    }
  };
  const hessVec = (vW: Float64Array, vb: Float64Array, outW: Float64Array, outB: Float64Array): void => {
    project(vW, vb, U);
    if (k === 1) {
      for (let i = 0; i < n; i++) T[i] = C * P[i]! * (1 - P[i]!) * U[i]!;
    } else {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += P[i * k + c]! * U[i * k + c]!;
        for (let c = 0; c < k; c++) T[i * k + c] = C * P[i * k + c]! * (U[i * k + c]! - s);
      }
    }
    outW.set(vW);
    backProject(T, outW, outB);
  };

  let f = objective(Z, 0);
  let gmax0 = 0;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    refresh();
    // Gradient: W + X^T R, with residual R = C (sigma - 1) y or C (P - onehot).
    if (k === 1) for (let i = 0; i < n; i++) T[i] = C * (P[i]! - 1) * target[i]!;
    else {
      for (let i = 0; i < n * k; i++) T[i] = C * P[i]!;
      for (let i = 0; i < n; i++) T[i * k + target[i]!]! -= C;
    }
    gW.set(W);
    backProject(T, gW, gb);
    let gmax = 0;
    for (let j = 0; j < gW.length; j++) gmax = Math.max(gmax, Math.abs(gW[j]!));
    for (let c = 0; c < k; c++) gmax = Math.max(gmax, Math.abs(gb[c]!));
    if (iter === 0) gmax0 = Math.max(gmax, 1e-300);
    if (gmax <= relTol * gmax0 || gmax < 1e-14) break;
    // The Hessian's diagonal: 1 + C sum_i h_ic x_ij^2 for W, C sum_i h_ic for the intercepts,
    // h_ic = p_ic (1 - p_ic) (binary: sigma (1 - sigma)).
    invW.fill(0);
    invB.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let c = 0; c < k; c++) {
        const pic = P[i * k + c]!;
        const h = C * pic * (1 - pic);
        invB[c]! += h;
        const wo = c * p;
        for (let j = 0; j < p; j++) {
          const x = X[off + j]!;
          invW[wo + j]! += h * x * x;
        }
      }
    }
    for (let j = 0; j < invW.length; j++) invW[j] = 1 / (1 + invW[j]!);
    // One scale for all intercepts: the softmax is flat along equal shifts of them, and a common
    // scale keeps every step summing to zero as the gradient does (so do the intercepts).
    let hb0 = 0;
    for (let c = 0; c < k; c++) hb0 += invB[c]! / k;
    invB.fill(hb0 > 0 ? 1 / hb0 : 1);
    const precondition = (): number => {
      for (let j = 0; j < zW.length; j++) zW[j] = invW[j]! * rW[j]!;
      for (let c = 0; c < k; c++) zb[c] = fitIntercept ? invB[c]! * rb[c]! : 0;
      return dot(rW, zW, 0, 0, rW.length) + dot(rb, zb, 0, 0, k);
    };
    // Preconditioned conjugate gradients on H d = -g, to a tolerance that tightens as g shrinks.
    const gnorm = Math.sqrt(norm2(gW) + norm2(gb));
    const cgTol = Math.min(0.5, Math.sqrt(gnorm)) * gnorm;
    dW.fill(0);
    db.fill(0);
    for (let j = 0; j < rW.length; j++) rW[j] = -gW[j]!;
    for (let c = 0; c < k; c++) rb[c] = fitIntercept ? -gb[c]! : 0;
    let rz = precondition();
    sW.set(zW);
    sb.set(zb);
    for (let cg = 0; cg < Math.max(10, Math.min(size, 500)); cg++) {
      hb.fill(0);
      hessVec(sW, sb, hW, hb);
      const sHs = dot(sW, hW, 0, 0, sW.length) + dot(sb, hb, 0, 0, k);
      if (!(sHs > 0)) break;
      const a = rz / sHs;
      for (let j = 0; j < dW.length; j++) {
        dW[j]! += a * sW[j]!;
        rW[j]! -= a * hW[j]!;
      }
      for (let c = 0; c < k; c++) {
        db[c]! += a * sb[c]!;
        rb[c]! -= a * hb[c]!;
      }
      if (Math.sqrt(norm2(rW) + norm2(rb)) <= cgTol) break;
      const rzNew = precondition();
      const beta = rzNew / rz;
      rz = rzNew;
      for (let j = 0; j < sW.length; j++) sW[j] = zW[j]! + beta * sW[j]!;
      for (let c = 0; c < k; c++) sb[c] = zb[c]! + beta * sb[c]!;
    }
    // Backtracking (Armijo) along d; scores move linearly, so each trial costs O(n k).
    project(dW, db, Q);
    const slope = dot(gW, dW, 0, 0, dW.length) + dot(gb, db, 0, 0, k);
    if (!(slope < 0)) break;
    const wd = dot(W, dW, 0, 0, W.length);
    const dd = norm2(dW);
    const ww = norm2(W);
    let step = 1;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n * k; i++) U[i] = Z[i]! + step * Q[i]!;
      const fNew = objective(U, ww + 2 * step * wd + step * step * dd);
      // Near the optimum the decrease falls below the objective's rounding; a full Newton step
      // is then trusted as long as the objective does not measurably rise.
      if (fNew <= f + 1e-4 * step * slope || (step === 1 && fNew - f <= 1e-13 * Math.abs(f))) {
        f = fNew;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    for (let j = 0; j < W.length; j++) W[j]! += step * dW[j]!;
    for (let c = 0; c < k; c++) b[c]! += step * db[c]!;
    Z.set(U);
  }
  // Back to the raw features: z = (x - mean) W' + b = x W' + (b - mean W').
  if (fitIntercept) for (let c = 0; c < k; c++) b[c]! -= dot(W, mean, c * p, 0, p);
  return { W, b, nIter: iter };
}

/**
 * Minimise sum_i C * log(1 + exp(-y_i z_i)) + ||w||_1 (intercept unpenalised) by cyclic
 * coordinate descent on the quadratic upper bound of the loss (curvature <= 1/4).
 */
export function coordinateDescentL1Logistic(
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  C: number,
  fitIntercept: boolean,
  maxIter: number,
  tol: number,
): { w: Float64Array; b: number; nIter: number } {
  const Xt = new Float64Array(p * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xt[j * n + i] = X[i * p + j]!;
  const bound = new Float64Array(p);
  for (let j = 0; j < p; j++) bound[j] = (C / 4) * dot(Xt, Xt, j * n, j * n, n);
  const w = new Float64Array(p);
  let b = 0;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let maxDelta = 0;
    let maxW = 0;
    for (let i = 0; i < n; i++) r[i] = C * y[i]! * (1 / (1 + Math.exp(-y[i]! * z[i]!)) - 1);
    for (let j = 0; j < p; j++) {
      if (bound[j] === 0) continue;
      const g = dot(Xt, r, j * n, 0, n);
      const L = bound[j]!;
      const u = w[j]! - g / L;
      const next = Math.sign(u) * Math.max(0, Math.abs(u) - 1 / L);
      const delta = next - w[j]!;
      if (delta !== 0) {
        w[j] = next;
        for (let i = 0; i < n; i++) {
          z[i]! += delta * Xt[j * n + i]!;
          r[i] = C * y[i]! * (1 / (1 + Math.exp(-y[i]! * z[i]!)) - 1);
        }
        maxDelta = Math.max(maxDelta, Math.abs(delta));
      }
      maxW = Math.max(maxW, Math.abs(next));
    }
    if (fitIntercept) {
      let g = 0;
      for (let i = 0; i < n; i++) g += r[i]!;
      const delta = -g / ((C / 4) * n);
      b += delta;
      for (let i = 0; i < n; i++) z[i]! += delta;
      maxDelta = Math.max(maxDelta, Math.abs(delta));
      maxW = Math.max(maxW, Math.abs(b));
    }
    if (maxDelta <= tol * Math.max(1, maxW)) {
      iter++;
      break;
    }
  }
  return { w, b, nIter: iter };
}

/**
 * Binary L2 logistic regression in kernel form, for more features than samples: the optimum has
 * w = X^T a, so Newton's method runs on (a, b) with K = X X^T, solving an (n+1)-square system per
 * step instead of touching the p features. Same objective and optimum as newtonLogistic(k = 1).
 */
export function kernelNewtonLogistic(
  K: Float64Array,
  n: number,
  y: Float64Array,
  C: number,
  fitIntercept: boolean,
  maxIter: number,
  relTol: number,
): { a: Float64Array; b: number; nIter: number } {
  const m = fitIntercept ? n + 1 : n;
  const a = new Float64Array(n);
  let b = 0;
  const z = new Float64Array(n);
  const Ka = new Float64Array(n);
  const r = new Float64Array(n);
  const D = new Float64Array(n);
  const M = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  const KdA = new Float64Array(n);
  const zTrial = new Float64Array(n);
  const objective = (zs: Float64Array, quad: number): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) loss += softplus(-y[i]! * zs[i]!);
    return C * loss + 0.5 * quad;
  };
  let aKa = 0;
  let f = objective(z, 0);
  let g0 = 0;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const s = 1 / (1 + Math.exp(y[i]! * z[i]!)); // sigma(-y z)
      r[i] = -y[i]! * s;
      D[i] = s * (1 - s);
      gb += C * r[i]!;
    }
    // |g_w|^2 = (a + C r)^T K (a + C r): the primal gradient norm without touching X.
    let gw2 = 0;
    for (let i = 0; i < n; i++) {
      const ui = a[i]! + C * r[i]!;
      let s = 0;
      for (let j = 0; j < n; j++) s += K[i * n + j]! * (a[j]! + C * r[j]!);
      gw2 += ui * s;
    }
    const gnorm = Math.sqrt(Math.max(0, gw2) + (fitIntercept ? gb * gb : 0));
    if (iter === 0) g0 = Math.max(gnorm, 1e-300);
    if (gnorm <= relTol * g0 || gnorm < 1e-14) break;
    for (let i = 0; i < n; i++) {
      const row = i * m;
      const cd = C * D[i]!;
      for (let j = 0; j < n; j++) M[row + j] = cd * K[i * n + j]!;
      M[row + i]! += 1;
      if (fitIntercept) M[row + n] = cd;
      rhs[i] = -(a[i]! + C * r[i]!);
    }
    if (fitIntercept) {
      const last = n * m;
      let dsum = 0;
      let rsum = 0;
      for (let j = 0; j < n; j++) M[last + j] = 0;
      for (let i = 0; i < n; i++) {
        const d = D[i]!;
        dsum += d;
        rsum += r[i]!;
        for (let j = 0; j < n; j++) M[last + j]! += d * K[i * n + j]!;
      }
      M[last + n] = dsum;
      rhs[n] = -rsum;
    }
    if (!gaussianSolveInPlace(M, m, rhs)) break;
    const db = fitIntercept ? rhs[n]! : 0;
    let aKd = 0;
    let dKd = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K[i * n + j]! * rhs[j]!;
      KdA[i] = s;
      aKd += a[i]! * s;
      dKd += rhs[i]! * s;
    }
    // Directional derivative: g_w . dw + g_b db, with g_w = X^T(a + C r) and dw = X^T da.
    let slope = db * gb;
    for (let i = 0; i < n; i++) slope += (a[i]! + C * r[i]!) * KdA[i]!;
    if (!(slope < 0)) break;
    let step = 1;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) zTrial[i] = z[i]! + step * (KdA[i]! + db);
      const fNew = objective(zTrial, aKa + 2 * step * aKd + step * step * dKd);
      if (fNew <= f + 1e-4 * step * slope || (step === 1 && fNew - f <= 1e-13 * Math.abs(f))) {
        f = fNew;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    for (let i = 0; i < n; i++) {
      a[i]! += step * rhs[i]!;
      Ka[i]! += step * KdA[i]!;
    }
    b += step * db;
    aKa += 2 * step * aKd + step * step * dKd;
    z.set(zTrial);
  }
  return { a, b, nIter: iter };
}

/** Solve M x = rhs (M: m x m row-major, overwritten) by elimination with partial pivoting. */
function gaussianSolveInPlace(M: Float64Array, m: number, rhs: Float64Array): boolean {
  for (let c = 0; c < m; c++) {
    let piv = c;
    let best = Math.abs(M[c * m + c]!);
    for (let r = c + 1; r < m; r++) {
      const v = Math.abs(M[r * m + c]!);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (!(best > 0)) return false;
    if (piv !== c) {
      for (let k = 0; k < m; k++) {
        const t = M[c * m + k]!;
        M[c * m + k] = M[piv * m + k]!;
        M[piv * m + k] = t;
      }
      const t = rhs[c]!;
      rhs[c] = rhs[piv]!;
      rhs[piv] = t;
    }
    const inv = 1 / M[c * m + c]!;
    for (let r = c + 1; r < m; r++) {
      const factor = M[r * m + c]! * inv;
      if (factor === 0) continue;
      for (let k = c; k < m; k++) M[r * m + k]! -= factor * M[c * m + k]!;
      rhs[r]! -= factor * rhs[c]!;
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let s = rhs[r]!;
    for (let k = r + 1; k < m; k++) s -= M[r * m + k]! * rhs[k]!;
    rhs[r] = s / M[r * m + r]!;
  }
  return true;
}
