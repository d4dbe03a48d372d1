import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { cdDesign, cdDesignRows, enetAlphaGrid, enetCoordinateDescent, exactEnetSolve, ElasticNet, ExactEnetPath, Lasso } from '../src/index.js';

/**
 * fMRI-like features: each a moving average of a noise line (neighbours strongly correlated), the
 * target a sparse combination plus noise; few rows, so the small penalties saturate the support.
 */
function smooth(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const noise = Array.from({ length: p + 4 }, gauss);
    for (let j = 0; j < p; j++) X.set(i, j, (noise[j]! + noise[j + 1]! + noise[j + 2]! + noise[j + 3]! + noise[j + 4]!) / 2 + 0.3 * gauss());
    y[i] = X.get(i, 3) - 0.8 * X.get(i, 40 % p) + 0.5 * X.get(i, 41 % p) + 0.4 * gauss();
  }
  return { X, y };
}

/**
 * Optimality of (w, b) for scikit-learn's elastic-net objective, computed straight from the raw
 * rows: the intercept's condition (mean residual 0), each feature's subgradient condition (its
 * worst violation relative to the penalty), and the duality gap relative to the objective.
 */
function optimality(X: Matrix, y: Float64Array, w: ArrayLike<number>, b: number, alpha: number, l1Ratio: number) {
  const { rows: n, cols: p } = X;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = y[i]! - b;
    for (let j = 0; j < p; j++) v -= X.get(i, j) * w[j]!;
    r[i] = v;
  }
  const l1 = alpha * l1Ratio;
  const l2 = alpha * (1 - l1Ratio);
  let worst = 0;
  let dualNorm = 0;
  let w1 = 0;
  let w2 = 0;
  let rr = 0;
  let ry = 0;
  let meanR = 0;
  for (let i = 0; i < n; i++) {
    rr += r[i]! * r[i]!;
    meanR += r[i]! / n;
  }
  const yMean = y.reduce((a, v) => a + v, 0) / n;
  for (let i = 0; i < n; i++) ry += r[i]! * (y[i]! - yMean);
  for (let j = 0; j < p; j++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += X.get(i, j) * r[i]!;
    g /= n;
    const wj = w[j]!;
    const grad = g - l2 * wj;
    worst = Math.max(worst, wj === 0 ? Math.max(0, Math.abs(g) - l1) / l1 : Math.abs(grad - l1 * Math.sign(wj)) / l1);
    dualNorm = Math.max(dualNorm, Math.abs(grad));
    w1 += Math.abs(wj);
    w2 += wj * wj;
  }
  const primal = rr / (2 * n) + l1 * w1 + 0.5 * l2 * w2;
  // The dual point theta = s r / n, scaled into the feasible set |X^T theta - l2 w| <= l1.
  const s = dualNorm > l1 ? l1 / dualNorm : 1;
  const dual = (s * ry) / n - (s * s * rr) / (2 * n) - 0.5 * l2 * s * s * w2;
  return { kkt: worst, gap: (primal - dual) / primal, meanResidual: Math.abs(meanR) };
}

function centred(y: Float64Array): { mean: number; yc: Float64Array } {
  const mean = y.reduce((a, v) => a + v, 0) / y.length;
  return { mean, yc: Float64Array.from(y, (v) => v - mean) };
}

function interceptOf(X: Matrix, y: Float64Array, w: ArrayLike<number>): number {
  let b = y.reduce((a, v) => a + v, 0) / y.length;
  for (let j = 0; j < X.cols; j++) {
    let m = 0;
    for (let i = 0; i < X.rows; i++) m += X.get(i, j);
    b -= (m / X.rows) * w[j]!;
  }
  return b;
}

test('ExactEnetPath: every alpha of a lasso path down to a saturated support meets the optimality conditions', () => {
  const { X, y } = smooth(30, 200, 1);
  const D = cdDesign(X, true);
  const { yc } = centred(y);
  const alphas = enetAlphaGrid(D, yc, { nAlphas: 30, eps: 1e-3 });
  const path = new ExactEnetPath(D, yc);
  let largest = 0;
  let visited = 0;
  path.solvePath(alphas, 1, (a, w) => {
    visited++;
    let nz = 0;
    for (const v of w) if (v !== 0) nz++;
    largest = Math.max(largest, nz);
    const o = optimality(X, y, w, interceptOf(X, y, w), alphas[a]!, 1);
    assert.ok(o.kkt <= 1e-8, `alpha ${alphas[a]}: worst subgradient violation ${o.kkt}`);
    assert.ok(o.gap <= 1e-10, `alpha ${alphas[a]}: relative duality gap ${o.gap}`);
    assert.ok(o.meanResidual <= 1e-12, `alpha ${alphas[a]}: mean residual ${o.meanResidual}`);
  });
  assert.equal(visited, alphas.length);
  // Centred, 30 rows span 29 dimensions: the path reaches that many features.
  assert.equal(largest, 29, `the support saturates (largest ${largest})`);
  assert.ok(path.stats.kinks > 29, `kinks ${path.stats.kinks}`);
});

test('exact and coordinate descent agree where coordinate descent converges, and ElasticNet / Lasso fit the optimum', () => {
  const { X, y } = smooth(40, 120, 2);
  const D = cdDesign(X, true);
  const { yc } = centred(y);
  for (const l1Ratio of [1, 0.6]) {
    const alphas = enetAlphaGrid(D, yc, { l1Ratio, nAlphas: 6, eps: 0.05 });
    for (const alpha of alphas.subarray(1)) {
      const cd = new Float64Array(D.p);
      enetCoordinateDescent(D, yc, alpha, l1Ratio, 1e-15, 200000, cd);
      const exact = exactEnetSolve(D, yc, alpha, l1Ratio).w;
      for (let j = 0; j < D.p; j++) assert.ok(Math.abs(exact[j]! - cd[j]!) <= 1e-8, `alpha ${alpha}, l1Ratio ${l1Ratio}: w[${j}] ${exact[j]} vs ${cd[j]}`);
      const model = new ElasticNet({ alpha, l1Ratio }).fit(X, y);
      assert.deepEqual(Array.from(model.coef.data), Array.from(exact));
      const o = optimality(X, y, model.coef.data, model.intercept[0]!, alpha, l1Ratio);
      assert.ok(o.kkt <= 1e-8 && o.gap <= 1e-10, `ElasticNet alpha ${alpha}: kkt ${o.kkt}, gap ${o.gap}`);
    }
  }
  // The replay stops early at a small alpha; the exact solver does not, and is never worse.
  const small = enetAlphaGrid(D, yc, { nAlphas: 30, eps: 1e-3 })[29]!;
  const exact = new Lasso({ alpha: small }).fit(X, y);
  const replay = new Lasso({ alpha: small, solver: 'coordinate-descent' }).fit(X, y);
  const oe = optimality(X, y, exact.coef.data, exact.intercept[0]!, small, 1);
  const or = optimality(X, y, replay.coef.data, replay.intercept[0]!, small, 1);
  assert.ok(oe.gap <= 1e-10 && oe.kkt <= 1e-8, `exact: gap ${oe.gap}, kkt ${oe.kkt}`);
  assert.ok(or.gap > oe.gap, `the replay's gap ${or.gap} is above the exact one ${oe.gap}`);
});

test('a path solved in one go equals its alphas solved one at a time (the optimum does not depend on the route)', () => {
  const { X, y } = smooth(25, 80, 3);
  const D = cdDesign(X, true);
  const { yc } = centred(y);
  const alphas = enetAlphaGrid(D, yc, { nAlphas: 12, eps: 1e-2 });
  const whole: Float64Array[] = [];
  new ExactEnetPath(D, yc).solvePath(alphas, 1, (_, w) => whole.push(w.slice()));
  const stepwise = new ExactEnetPath(D, yc);
  alphas.forEach((alpha, a) => {
    stepwise.solve(alpha, 1);
    const cold = exactEnetSolve(D, yc, alpha, 1).w;
    for (let j = 0; j < D.p; j++) {
      assert.ok(Math.abs(stepwise.w[j]! - whole[a]![j]!) <= 1e-10, `alpha ${alpha}: w[${j}] stepwise ${stepwise.w[j]} vs path ${whole[a]![j]}`);
      assert.ok(Math.abs(cold[j]! - whole[a]![j]!) <= 1e-10, `alpha ${alpha}: w[${j}] cold ${cold[j]} vs path ${whole[a]![j]}`);
    }
  });
});

test('bad input: solver names, penalties, and a path that does not decrease', () => {
  const { X, y } = smooth(12, 10, 4);
  const D = cdDesign(X, true);
  const { yc } = centred(y);
  assert.throws(() => new Lasso({ alpha: 0.1, solver: 'lars' as 'exact' }).fit(X, y), /^RangeError: Lasso: solver must be "exact" or "coordinate-descent", got "lars"$/);
  assert.throws(() => new ExactEnetPath(D, yc.subarray(1)), /^RangeError: ExactEnetPath: yc has 11 values for 12 rows$/);
  assert.throws(() => new ExactEnetPath(D, yc).solvePath([0.2, 0.3], 1), /^RangeError: ExactEnetPath: the L1 penalties alpha \* l1Ratio must be strictly decreasing$/);
  assert.throws(() => new ExactEnetPath(D, yc).solve(0.1, 0), /^RangeError: ExactEnetPath: the L1 penalty must be > 0, got alpha 0.1, l1Ratio 0$/);
  // No L1 part: the exact solver leaves it to coordinate descent (same answer as asking for it).
  const ridgeLike = new ElasticNet({ alpha: 0.5, l1Ratio: 0 }).fit(X, y);
  const cd = new ElasticNet({ alpha: 0.5, l1Ratio: 0, solver: 'coordinate-descent' }).fit(X, y);
  assert.deepEqual(Array.from(ridgeLike.coef.data), Array.from(cd.coef.data));
});

test('cdDesignRows gathers any rows (runs, gaps, any order) as cdDesign of those rows, into a reused buffer', () => {
  const r = rng(11);
  const X = new Matrix(14, 9, Float64Array.from({ length: 14 * 9 }, () => r() * 4 + 100));
  const full = cdDesign(X, true);
  const scratch = new Float64Array(10 * 9).fill(Number.NaN);
  for (const rows of [[0, 1, 2, 5, 6, 9, 10, 11, 13], [13, 2, 3, 4, 7], [4]]) {
    for (const intercept of [true, false]) {
      const got = cdDesignRows(cdDesign(X, intercept), rows, intercept, scratch);
      const want = cdDesign(X.selectRows(rows), intercept);
      assert.equal(got.cols.buffer, scratch.buffer);
      for (let k = 0; k < want.cols.length; k++) assert.ok(Math.abs(got.cols[k]! - want.cols[k]!) <= 1e-11, `rows ${rows} value ${k}`);
      for (let j = 0; j < 9; j++) {
        assert.ok(Math.abs(got.norms[j]! - want.norms[j]!) <= 1e-9 * Math.max(1, want.norms[j]!));
        assert.ok(Math.abs(got.xMean[j]! - want.xMean[j]!) <= 1e-11 * Math.max(1, Math.abs(want.xMean[j]!)));
      }
    }
  }
  assert.throws(() => cdDesignRows(full, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true, scratch), /cdDesignRows: scratch holds 90 values, the design needs 99/);
});
