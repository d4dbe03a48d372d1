import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { cdDesign, enetAlphaGrid, enetCoordinateDescent, EnetPath, ElasticNet, type CdDesign } from '../src/index.js';

/** Few samples, many correlated features (shared latent factors), a sparse truth: coordinate descent needs many sweeps. */
function correlated(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const factors = Array.from({ length: n }, () => [gauss(), gauss(), gauss()]);
  const X = new Matrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X.set(i, j, 0.8 * factors[i]![j % 3]! + gauss());
    y[i] = X.get(i, 0) - 0.7 * X.get(i, 5) + 0.5 * X.get(i, 11) + 0.3 * gauss();
  }
  return { X, y };
}

/**
 * scikit-learn's enet_coordinate_descent written plainly: every feature visited in order on every
 * sweep, the duality gap over all features (the solver before screening, kept as the reference).
 */
function plainCd(D: CdDesign, yc: Float64Array, alpha: number, l1Ratio: number, tol: number, maxIter: number, w: Float64Array): number {
  const { n, p, cols, norms } = D;
  const l1 = alpha * l1Ratio * n;
  const l2 = alpha * (1 - l1Ratio) * n;
  const R = yc.slice();
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) R[i]! -= w[j]! * cols[j * n + i]!;
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yc[i]! * yc[i]!;
  for (let sweep = 0; sweep < maxIter; sweep++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      if (norms[j] === 0) continue;
      const old = w[j]!;
      if (old !== 0) for (let i = 0; i < n; i++) R[i]! += old * cols[j * n + i]!;
      let t = 0;
      for (let i = 0; i < n; i++) t += cols[j * n + i]! * R[i]!;
      const mag = Math.abs(t) - l1;
      const nw = mag > 0 ? (Math.sign(t) * mag) / (norms[j]! + l2) : 0;
      w[j] = nw;
      if (nw !== 0) for (let i = 0; i < n; i++) R[i]! -= nw * cols[j * n + i]!;
      dwMax = Math.max(dwMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dwMax / wMax < tol || sweep === maxIter - 1) {
      let dual = 0;
      let w2 = 0;
      let w1 = 0;
      for (let j = 0; j < p; j++) {
        let t = 0;
        for (let i = 0; i < n; i++) t += cols[j * n + i]! * R[i]!;
        dual = Math.max(dual, Math.abs(t - l2 * w[j]!));
        w2 += w[j]! * w[j]!;
        w1 += Math.abs(w[j]!);
      }
      let rr = 0;
      let ry = 0;
      for (let i = 0; i < n; i++) {
        rr += R[i]! * R[i]!;
        ry += R[i]! * yc[i]!;
      }
      const scale = dual > l1 ? l1 / dual : 1;
      const gap = (dual > l1 ? 0.5 * (rr + rr * scale * scale) : rr) + l1 * w1 - scale * ry + 0.5 * l2 * (1 + scale * scale) * w2;
      if (gap < tol * yy) return sweep + 1;
    }
  }
  return maxIter;
}

function centred(y: Float64Array): Float64Array {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  return Float64Array.from(y, (v) => v - m);
}

function objective(D: CdDesign, yc: Float64Array, alpha: number, l1Ratio: number, w: Float64Array): number {
  let rr = 0;
  for (let i = 0; i < D.n; i++) {
    let v = yc[i]!;
    for (let j = 0; j < D.p; j++) v -= D.cols[j * D.n + i]! * w[j]!;
    rr += v * v;
  }
  let w1 = 0;
  let w2 = 0;
  for (const v of w) {
    w1 += Math.abs(v);
    w2 += v * v;
  }
  return rr / (2 * D.n) + alpha * l1Ratio * w1 + 0.5 * alpha * (1 - l1Ratio) * w2;
}

test('EnetPath: the screened sweeps give the plain sweeps\' iterates, sweep counts and early stops along a warm-started path', () => {
  const { X, y } = correlated(40, 300, 1);
  const D = cdDesign(X, true);
  const yc = centred(y);
  for (const l1Ratio of [1, 0.7]) {
    const alphas = enetAlphaGrid(D, yc, { l1Ratio, nAlphas: 25, eps: 1e-3 });
    const path = new EnetPath(D, yc);
    const plain = new Float64Array(D.p);
    let total = 0;
    for (const alpha of alphas) {
      const expectedSweeps = plainCd(D, yc, alpha, l1Ratio, 1e-4, 300, plain);
      const sweeps = path.solve(alpha, l1Ratio, 1e-4, 300);
      total += sweeps;
      assert.equal(sweeps, expectedSweeps, `alpha ${alpha}: sweeps`);
      for (let j = 0; j < D.p; j++) assert.ok(Math.abs(path.w[j]! - plain[j]!) <= 1e-12, `alpha ${alpha}, l1Ratio ${l1Ratio}: w[${j}] ${path.w[j]} vs ${plain[j]}`);
    }
    // The small alphas stop early (maxIter): the path must reproduce those stops too.
    assert.ok(total > 500, `the path is a hard one (${total} sweeps)`);
  }
});

test('enetCoordinateDescent: a cold solve equals the plain solver, and the warm-started path reaches the cold fits\' optimum', () => {
  const { X, y } = correlated(30, 120, 2);
  const D = cdDesign(X, true);
  const yc = centred(y);
  const alphas = enetAlphaGrid(D, yc, { nAlphas: 12, eps: 1e-2 });
  const path = new EnetPath(D, yc);
  for (const alpha of alphas) {
    const cold = new Float64Array(D.p);
    const plain = new Float64Array(D.p);
    assert.equal(enetCoordinateDescent(D, yc, alpha, 1, 1e-4, 1000, cold), plainCd(D, yc, alpha, 1, 1e-4, 1000, plain));
    assert.deepEqual(Array.from(cold), Array.from(plain));
    // Solved tightly, the warm path and a cold fit find the same optimum.
    path.solve(alpha, 1, 1e-12, 100000);
    const tight = new Float64Array(D.p);
    enetCoordinateDescent(D, yc, alpha, 1, 1e-12, 100000, tight);
    const fw = objective(D, yc, alpha, 1, path.w);
    const fc = objective(D, yc, alpha, 1, tight);
    assert.ok(Math.abs(fw - fc) <= 1e-10 * Math.max(1, fc), `alpha ${alpha}: objective ${fw} vs ${fc}`);
    for (let j = 0; j < D.p; j++) assert.ok(Math.abs(path.w[j]! - tight[j]!) <= 1e-5, `alpha ${alpha}: w[${j}] ${path.w[j]} vs ${tight[j]}`);
  }
});

test('ElasticNet fit, alpha 0 (no screening) and bad input to EnetPath', () => {
  const { X, y } = correlated(25, 40, 3);
  const D = cdDesign(X, true);
  const yc = centred(y);
  const plain = new Float64Array(D.p);
  plainCd(D, yc, 0.05, 0.5, 1e-4, 1000, plain);
  const enet = new ElasticNet({ alpha: 0.05, l1Ratio: 0.5, solver: 'coordinate-descent' }).fit(X, y);
  assert.deepEqual(Array.from(enet.coef.data), Array.from(plain));
  const p0 = new Float64Array(D.p);
  plainCd(D, yc, 0, 1, 1e-4, 50, p0);
  const w0 = new Float64Array(D.p);
  enetCoordinateDescent(D, yc, 0, 1, 1e-4, 50, w0);
  assert.deepEqual(Array.from(w0), Array.from(p0));
  assert.throws(() => new EnetPath(D, yc.subarray(1)), /^RangeError: EnetPath: yc has 24 values for 25 rows$/);
  assert.throws(() => new EnetPath(D, yc, new Float64Array(3)), /^RangeError: EnetPath: w0 has 3 values for 40 features$/);
});
