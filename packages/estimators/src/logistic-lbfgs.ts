// Limited-memory BFGS without bounds, following the decisions of L-BFGS-B 3.0 (Byrd, Lu, Nocedal,
// Zhu; the code scipy.optimize.minimize(method='L-BFGS-B') runs) step for step, so that a fit
// stopped early lands where scikit-learn's lbfgs solver stops: the same first step length, the
// Moré–Thuente line search (MINPACK-2 dcsrch) with the same constants, the same curvature skip,
// the same restart after a failed line search and the same stopping tests in the same order.
// Without bounds the generalised Cauchy point and subspace minimisation of L-BFGS-B reduce to
// the quasi-Newton step -H g, computed here with the two-loop recursion.

export interface LbfgsOptions {
  /** Iterations (accepted steps) at most; scipy's `maxiter`. */
  maxIter: number;
  /** Stop when the largest gradient entry is <= gtol; scipy's `gtol` (L-BFGS-B's pgtol). */
  gtol: number;
  /** Stop when (f_old - f) <= ftol * max(|f_old|, |f|, 1); scipy's `ftol` (factr * eps). */
  ftol: number;
  /** Correction pairs kept; scipy's `maxcor`. */
  memory: number;
  /** Function evaluations per line search at most; scipy's `maxls`. */
  maxLineSearch: number;
  /** Function evaluations at most, checked after each iteration; scipy's `maxfun`. */
  maxFun: number;
}

export const SCIPY_LBFGSB_DEFAULTS: LbfgsOptions = {
  maxIter: 15000,
  gtol: 1e-5,
  ftol: 2.220446049250313e-9,
  memory: 10,
  maxLineSearch: 20,
  maxFun: 15000,
};

export type LbfgsStatus = 'gtol' | 'ftol' | 'maxIter' | 'maxFun' | 'lineSearchFailed';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nIter: number;
  nFev: number;
  status: LbfgsStatus;
}

/** Objective and gradient: write the gradient at x into g and return f(x). */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

const EPS = 2.220446049250313e-16;
const STEP_MAX = 1e10;
const LS_FTOL = 1e-3;
const LS_GTOL = 0.9;
const LS_XTOL = 0.1;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Bracketing interval and trial step of one Moré–Thuente line search. */
interface LineSearch {
  brackt: boolean;
  stage: 1 | 2;
  ginit: number;
  gtest: number;
  finit: number;
  width: number;
  width1: number;
  stx: number;
  fx: number;
  gx: number;
  sty: number;
  fy: number;
  gy: number;
  stmin: number;
  stmax: number;
}

function startLineSearch(f: number, g: number, stp: number): LineSearch {
  const width = STEP_MAX;
  return {
    brackt: false,
    stage: 1,
    ginit: g,
    gtest: LS_FTOL * g,
    finit: f,
    width,
    width1: width / 0.5,
    stx: 0,
    fx: f,
    gx: g,
    sty: 0,
    fy: f,
    gy: g,
    stmin: 0,
    stmax: stp + 4 * stp,
  };
}

/**
 * One dcsrch step given f and the directional derivative g at stp: returns 'done' (sufficient
 * decrease and curvature, or a warning that no progress is possible) or the next trial step.
 */
function lineSearchStep(ls: LineSearch, f: number, g: number, stp: number): { done: boolean; stp: number } {
  const ftest = ls.finit + stp * ls.gtest;
  if (ls.stage === 1 && f <= ftest && g >= 0) ls.stage = 2;
  if (ls.brackt && (stp <= ls.stmin || stp >= ls.stmax)) return { done: true, stp };
  if (ls.brackt && ls.stmax - ls.stmin <= LS_XTOL * ls.stmax) return { done: true, stp };
  if (stp === STEP_MAX && f <= ftest && g <= ls.gtest) return { done: true, stp };
  if (stp === 0 && (f > ftest || g >= ls.gtest)) return { done: true, stp };
  if (f <= ftest && Math.abs(g) <= LS_GTOL * -ls.ginit) return { done: true, stp };
  if (ls.stage === 1 && f <= ls.fx && f > ftest) {
    // Modified function psi(stp) = f - stp * gtest until a step with sufficient decrease appears.
    const sx = { st: ls.stx, f: ls.fx - ls.stx * ls.gtest, d: ls.gx - ls.gtest };
    const sy = { st: ls.sty, f: ls.fy - ls.sty * ls.gtest, d: ls.gy - ls.gtest };
    stp = safeguardedStep(ls, sx, sy, stp, f - stp * ls.gtest, g - ls.gtest);
    ls.stx = sx.st;
    ls.fx = sx.f + sx.st * ls.gtest;
    ls.gx = sx.d + ls.gtest;
    ls.sty = sy.st;
    ls.fy = sy.f + sy.st * ls.gtest;
    ls.gy = sy.d + ls.gtest;
  } else {
    const sx = { st: ls.stx, f: ls.fx, d: ls.gx };
    const sy = { st: ls.sty, f: ls.fy, d: ls.gy };
    stp = safeguardedStep(ls, sx, sy, stp, f, g);
    ls.stx = sx.st;
    ls.fx = sx.f;
    ls.gx = sx.d;
    ls.sty = sy.st;
    ls.fy = sy.f;
    ls.gy = sy.d;
  }
  if (ls.brackt) {
    if (Math.abs(ls.sty - ls.stx) >= 0.66 * ls.width1) stp = ls.stx + 0.5 * (ls.sty - ls.stx);
    ls.width1 = ls.width;
    ls.width = Math.abs(ls.sty - ls.stx);
    ls.stmin = Math.min(ls.stx, ls.sty);
    ls.stmax = Math.max(ls.stx, ls.sty);
  } else {
    ls.stmin = stp + 1.1 * (stp - ls.stx);
    ls.stmax = stp + 4 * (stp - ls.stx);
  }
  stp = Math.min(Math.max(stp, 0), STEP_MAX);
  if ((ls.brackt && (stp <= ls.stmin || stp >= ls.stmax)) || (ls.brackt && ls.stmax - ls.stmin <= LS_XTOL * ls.stmax)) stp = ls.stx;
  return { done: false, stp };
}

interface StepEnd {
  st: number;
  f: number;
  d: number;
}

/** dcstep: the next trial step from cubic / quadratic fits, and the updated bracket x, y. */
function safeguardedStep(ls: LineSearch, x: StepEnd, y: StepEnd, stp: number, fp: number, dp: number): number {
  const { stmin: lo, stmax: hi } = ls;
  const sgnd = dp * (x.d / Math.abs(x.d));
  let stpf: number;
  if (fp > x.f) {
    const theta = (3 * (x.f - fp)) / (stp - x.st) + x.d + dp;
    const s = Math.max(Math.abs(theta), Math.abs(x.d), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (x.d / s) * (dp / s));
    if (stp < x.st) gamma = -gamma;
    const p = gamma - x.d + theta;
    const q = gamma - x.d + gamma + dp;
    const stpc = x.st + (p / q) * (stp - x.st);
    const stpq = x.st + (x.d / ((x.f - fp) / (stp - x.st) + x.d) / 2) * (stp - x.st);
    stpf = Math.abs(stpc - x.st) < Math.abs(stpq - x.st) ? stpc : stpc + (stpq - stpc) / 2;
    ls.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (x.f - fp)) / (stp - x.st) + x.d + dp;
    const s = Math.max(Math.abs(theta), Math.abs(x.d), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (x.d / s) * (dp / s));
    if (stp > x.st) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + x.d;
    const stpc = stp + (p / q) * (x.st - stp);
    const stpq = stp + (dp / (dp - x.d)) * (x.st - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    ls.brackt = true;
  } else if (Math.abs(dp) < Math.abs(x.d)) {
    const theta = (3 * (x.f - fp)) / (stp - x.st) + x.d + dp;
    const s = Math.max(Math.abs(theta), Math.abs(x.d), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (x.d / s) * (dp / s)));
    if (stp > x.st) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (x.d - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (x.st - stp);
    else if (stp > x.st) stpc = hi;
    else stpc = lo;
    const stpq = stp + (dp / (dp - x.d)) * (x.st - stp);
    if (ls.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > x.st ? Math.min(stp + 0.66 * (y.st - stp), stpf) : Math.max(stp + 0.66 * (y.st - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(lo, Math.min(hi, stpf));
    }
  } else if (ls.brackt) {
    const theta = (3 * (fp - y.f)) / (y.st - stp) + y.d + dp;
    const s = Math.max(Math.abs(theta), Math.abs(y.d), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (y.d / s) * (dp / s));
    if (stp > y.st) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + y.d;
    stpf = stp + (p / q) * (y.st - stp);
  } else {
    stpf = stp > x.st ? hi : lo;
  }
  if (fp > x.f) {
    y.st = stp;
    y.f = fp;
    y.d = dp;
  } else {
    if (sgnd < 0) {
      y.st = x.st;
      y.f = x.f;
      y.d = x.d;
    }
    x.st = stp;
    x.f = fp;
    x.d = dp;
  }
  return stpf;
}

/** Minimise a smooth function from x0 with L-BFGS (L-BFGS-B 3.0's decisions, no bounds). */
export function lbfgsMinimize(fg: ObjectiveWithGradient, x0: Float64Array, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const o = { ...SCIPY_LBFGSB_DEFAULTS, ...options };
  const n = x0.length;
  const m = Math.max(1, o.memory);
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const z = new Float64Array(n);
  const xOld = new Float64Array(n);
  const gOld = new Float64Array(n);
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let col = 0;
  let head = 0; // index of the oldest stored pair
  let theta = 1;
  let f = fg(x, g);
  let nFev = 1;
  let nIter = 0;
  if (maxAbs(g) <= o.gtol) return { x, f, nIter, nFev, status: 'gtol' };
  for (;;) {
    // Direction -H g, H the L-BFGS inverse Hessian with H0 = I / theta (steepest descent after a reset).
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = col - 1; k >= 0; k--) {
      const idx = (head + k) % m;
      const a = rho[idx]! * dot(S[idx]!, d);
      alpha[idx] = a;
      const yk = Y[idx]!;
      for (let i = 0; i < n; i++) d[i]! -= a * yk[i]!;
    }
    for (let i = 0; i < n; i++) d[i]! /= theta;
    for (let k = 0; k < col; k++) {
      const idx = (head + k) % m;
      const b = rho[idx]! * dot(Y[idx]!, d);
      const sk = S[idx]!;
      const c = alpha[idx]! - b;
      for (let i = 0; i < n; i++) d[i]! += c * sk[i]!;
    }
    // L-BFGS-B forms the candidate point z first and searches along z - x.
    for (let i = 0; i < n; i++) {
      z[i] = x[i]! + d[i]!;
      d[i] = z[i]! - x[i]!;
    }
    const dnorm = Math.sqrt(dot(d, d));
    let stp = nIter === 0 ? Math.min(1 / dnorm, STEP_MAX) : 1;
    xOld.set(x);
    gOld.set(g);
    const fOld = f;
    const gdOld = dot(g, d);
    let gd = gdOld;
    let failed = !(gdOld < 0);
    if (!failed) {
      const ls = startLineSearch(f, gd, stp);
      // At most maxLineSearch evaluations; needing one more means the search failed.
      for (let evals = 1; ; evals++) {
        if (stp === 1) x.set(z);
        else for (let i = 0; i < n; i++) x[i] = stp * d[i]! + xOld[i]!;
        f = fg(x, g);
        nFev++;
        gd = dot(g, d);
        const next = lineSearchStep(ls, f, gd, stp);
        if (next.done) break;
        stp = next.stp;
        if (evals >= o.maxLineSearch) {
          failed = true;
          break;
        }
      }
    }
    if (failed) {
      x.set(xOld);
      g.set(gOld);
      f = fOld;
      if (col === 0) return { x, f, nIter: nIter + 1, nFev, status: 'lineSearchFailed' };
      col = 0;
      head = 0;
      theta = 1;
      continue;
    }
    nIter++;
    if (nIter >= o.maxIter) return { x, f, nIter, nFev, status: 'maxIter' };
    if (nFev > o.maxFun) return { x, f, nIter, nFev, status: 'maxFun' };
    if (maxAbs(g) <= o.gtol) return { x, f, nIter, nFev, status: 'gtol' };
    if (fOld - f <= o.ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return { x, f, nIter, nFev, status: 'ftol' };
    // Curvature pair (s, y); skipped when s.y is not safely positive, as L-BFGS-B does.
    let sy: number;
    let scale: number;
    if (stp === 1) {
      sy = gd - gdOld;
      scale = -gdOld;
    } else {
      sy = (gd - gdOld) * stp;
      for (let i = 0; i < n; i++) d[i]! *= stp;
      scale = -gdOld * stp;
    }
    if (sy <= EPS * scale) continue;
    const slot = col < m ? (head + col) % m : head;
    if (col < m) col++;
    else head = (head + 1) % m;
    const s = S[slot]!;
    const yv = Y[slot]!;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = d[i]!;
      const yi = g[i]! - gOld[i]!;
      yv[i] = yi;
      yy += yi * yi;
    }
    rho[slot] = 1 / sy;
    theta = yy / sy;
  }
}

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * scikit-learn's lbfgs objective for logistic regression: the summed loss plus ||W||^2 / (2 C)
 * (intercepts unpenalised), minimised from zero with L-BFGS-B's defaults (10 pairs, 20 line-search
 * evaluations, ftol = 1e7 * eps) and gtol = tol on the largest gradient entry.
 * k = 1: binary loss with `target` holding +1 / -1; k > 1: softmax with class codes 0..k-1.
 * Parameters are laid out as [W (k x p, row-major), b (k, when fitting intercepts)].
 */
export function lbfgsLogistic(
  X: Float64Array,
  n: number,
  p: number,
  target: Float64Array | Int32Array,
  k: number,
  C: number,
  fitIntercept: boolean,
  maxIter: number,
  tol: number,
): { W: Float64Array; b: Float64Array; nIter: number; status: LbfgsStatus } {
  const nw = k * p;
  const Z = new Float64Array(n * k);
  const R = new Float64Array(n * k);
  const l2 = 1 / C;
  const fg: ObjectiveWithGradient = (w, g) => {
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let c = 0; c < k; c++) {
        let s = fitIntercept ? w[nw + c]! : 0;
        const wo = c * p;
        for (let j = 0; j < p; j++) s += X[off + j]! * w[wo + j]!;
        Z[i * k + c] = s;
      }
    }
    let loss = 0;
    if (k === 1) {
      for (let i = 0; i < n; i++) {
        const s = target[i]!;
        loss += softplus(-s * Z[i]!);
        R[i] = -s / (1 + Math.exp(s * Z[i]!));
      }
    } else {
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, Z[i * k + c]!);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += R[i * k + c] = Math.exp(Z[i * k + c]! - max);
        loss += max + Math.log(sum) - Z[i * k + target[i]!]!;
        for (let c = 0; c < k; c++) R[i * k + c]! /= sum;
        R[i * k + target[i]!]! -= 1;
      }
    }
    let ww = 0;
    for (let j = 0; j < nw; j++) {
      ww += w[j]! * w[j]!;
      g[j] = l2 * w[j]!;
    }
    for (let c = nw; c < g.length; c++) g[c] = 0;
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let c = 0; c < k; c++) {
        const r = R[i * k + c]!;
        if (fitIntercept) g[nw + c]! += r;
        const wo = c * p;
        for (let j = 0; j < p; j++) g[wo + j]! += r * X[off + j]!;
      }
    }
    return loss + 0.5 * l2 * ww;
  };
  const res = lbfgsMinimize(fg, new Float64Array(nw + (fitIntercept ? k : 0)), { maxIter, gtol: tol });
  return {
    W: res.x.slice(0, nw),
    b: fitIntercept ? res.x.slice(nw) : new Float64Array(k),
    nIter: res.nIter,
    status: res.status,
  };
}
