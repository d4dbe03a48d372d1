// L2-penalised logistic regression by a trust-region Newton method with conjugate-gradient inner
// steps (Lin, Weng & Keerthi 2008), the method of liblinear's L2R_LR solver that scikit-learn's
// LogisticRegression(solver='liblinear') runs. Its stopping rule (gradient norm relative to the
// start) and iteration cap are kept, so that models stopped early land where liblinear's land:
// that is what makes LogisticRegressionCV pick the same C as scikit-learn when accuracies tie.
// Carried out on the Gram matrix (fMRI has far more voxels than samples).
//   min_w 0.5 ||w||^2 + sum_i C_i log(1 + exp(-y_i w.x_i))      (w includes the bias weight)

/** Options of the trust-region Newton solver (liblinear's TRON): per-sample C, tolerance, iteration cap. */
export interface TronOptions {
  /** Per-sample C (C times the sample weight). */
  C: Float64Array;
  /** liblinear's eps: stop when ||grad|| <= eps * max(min(#pos, #neg), 1) / n * ||grad at 0||. */
  tol: number;
  maxIter: number;
}

/**
 * K: the n x n Gram matrix of the samples (bias column included: K = X X^T + bias^2), y: -1/+1.
 * Every iterate of the method lies in the span of the samples, so each vector is carried as its
 * sample coefficients a (u = X^T a) together with K a: inner products cost O(n) and each Hessian
 * product one O(n^2) multiplication, whatever the number of voxels. Returns the coefficients of
 * w (w = X^T coef) and the iteration count.
 */
export function tronLogisticGram(K: Float64Array, n: number, y: Int8Array, opts: TronOptions): { coef: Float64Array; nIter: number } {
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i]! > 0) pos++;
  const eps = (opts.tol * Math.max(Math.min(pos, n - pos), 1)) / n;
  const C = opts.C;
  const vec = () => ({ a: new Float64Array(n), m: new Float64Array(n) });
  type Vec = ReturnType<typeof vec>;
  const w = vec(),
    g = vec(),
    s = vec(),
    r = vec(),
    d = vec(),
    Hd = vec(),
    wNew = vec();
  const D = new Float64Array(n);
  const tmp = new Float64Array(n);
  const dot = (u: Vec, v: Vec) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += u.a[i]! * v.m[i]!;
    return t;
  };
  const norm = (u: Vec) => Math.sqrt(Math.max(0, dot(u, u)));
  // out = K v
  const kTimes = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let k = 0, o = i * n; k < n; k++) t += K[o + k]! * v[k]!;
      out[i] = t;
    }
  };
  const axpy = (alpha: number, x: Vec, yv: Vec) => {
    for (let i = 0; i < n; i++) {
      yv.a[i]! += alpha * x.a[i]!;
      yv.m[i]! += alpha * x.m[i]!;
    }
  };
  const copy = (from: Vec, to: Vec) => {
    to.a.set(from.a);
    to.m.set(from.m);
  };
  const fun = (ww: Vec): number => {
    let f = 0.5 * dot(ww, ww);
    for (let i = 0; i < n; i++) {
      const yz = y[i]! * ww.m[i]!;
      f += C[i]! * (yz >= 0 ? Math.log1p(Math.exp(-yz)) : -yz + Math.log1p(Math.exp(yz)));
    }
    return f;
  };
  const grad = (ww: Vec) => {
    for (let i = 0; i < n; i++) {
      const sig = 1 / (1 + Math.exp(-y[i]! * ww.m[i]!));
      D[i] = sig * (1 - sig);
      tmp[i] = C[i]! * (sig - 1) * y[i]!;
    }
    kTimes(tmp, g.m);
    for (let i = 0; i < n; i++) {
      g.a[i] = ww.a[i]! + tmp[i]!;
      g.m[i]! += ww.m[i]!;
    }
  };
  const hessVec = (v: Vec, out: Vec) => {
    for (let i = 0; i < n; i++) tmp[i] = C[i]! * D[i]! * v.m[i]!;
    kTimes(tmp, out.m);
    for (let i = 0; i < n; i++) {
      out.a[i] = v.a[i]! + tmp[i]!;
      out.m[i]! += v.m[i]!;
    }
  };
  const trustCg = (delta: number) => {
    s.a.fill(0);
    s.m.fill(0);
    for (let i = 0; i < n; i++) {
      r.a[i] = -g.a[i]!;
      r.m[i] = -g.m[i]!;
    }
    copy(r, d);
    const cgTol = 0.1 * norm(g);
    let rTr = dot(r, r);
    for (;;) {
      if (norm(r) <= cgTol) break;
      hessVec(d, Hd);
      let alpha = rTr / dot(d, Hd);
      axpy(alpha, d, s);
      if (norm(s) > delta) {
        axpy(-alpha, d, s);
        const std = dot(s, d),
          sts = dot(s, s),
          dtd = dot(d, d);
        const dsq = delta * delta;
        const rad = Math.sqrt(std * std + dtd * (dsq - sts));
        alpha = std >= 0 ? (dsq - sts) / (std + rad) : (rad - std) / dtd;
        axpy(alpha, d, s);
        axpy(-alpha, Hd, r);
        break;
      }
      axpy(-alpha, Hd, r);
      const rNew = dot(r, r);
      const beta = rNew / rTr;
      for (let i = 0; i < n; i++) {
        d.a[i] = beta * d.a[i]! + r.a[i]!;
        d.m[i] = beta * d.m[i]! + r.m[i]!;
      }
      rTr = rNew;
    }
  };

  const eta0 = 1e-4,
    eta1 = 0.25,
    eta2 = 0.75,
    sigma1 = 0.25,
    sigma2 = 0.5,
    sigma3 = 4;
  let f = fun(w);
  grad(w);
  let delta = norm(g);
  const gnorm0 = delta;
  let iter = 1;
  const search = norm(g) > eps * gnorm0;
  while (iter <= opts.maxIter && search) {
    trustCg(delta);
    copy(w, wNew);
    axpy(1, s, wNew);
    const gs = dot(g, s);
    const prered = -0.5 * (gs - dot(s, r));
    const fNew = fun(wNew);
    const actred = f - fNew;
    const snorm = norm(s);
    if (iter === 1) delta = Math.min(delta, snorm);
    const alpha = fNew - f - gs <= 0 ? sigma3 : Math.max(sigma1, -0.5 * (gs / (fNew - f - gs)));
    if (actred < eta0 * prered) delta = Math.min(Math.max(alpha, sigma1) * snorm, sigma2 * delta);
    else if (actred < eta1 * prered) delta = Math.max(sigma1 * delta, Math.min(alpha * snorm, sigma2 * delta));
    else if (actred < eta2 * prered) delta = Math.max(sigma1 * delta, Math.min(alpha * snorm, sigma3 * delta));
    else delta = Math.max(delta, Math.min(alpha * snorm, sigma3 * delta));
    if (actred > eta0 * prered) {
      iter++;
      copy(wNew, w);
      f = fNew;
      grad(w);
      if (norm(g) <= eps * gnorm0) break;
    }
    if (f < -1e32) break;
    if (Math.abs(actred) <= 0 && prered <= 0) break;
    if (Math.abs(actred) <= 1e-12 * Math.abs(f) && Math.abs(prered) <= 1e-12 * Math.abs(f)) break;
  }
  return { coef: w.a, nIter: iter - 1 };
}
