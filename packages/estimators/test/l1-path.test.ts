import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { featureMajor, l1MinC, labelCorrelations, LinearSVC, solveL1Linear, zeroGradientMax, type L1Loss, type L1PathGradient } from '../src/index.js';

/** Two classes, few samples, many correlated features: an L1 path with a growing support. */
function wide(n: number, p: number, seed: number): { X: Matrix; signs: Int8Array; labels: number[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c);
    const f = gauss();
    for (let j = 0; j < p; j++) X.set(i, j, 0.6 * f + gauss() + (j < 6 && c ? 0.8 : 0));
  }
  return { X, signs: Int8Array.from(labels, (c) => (c ? 1 : -1)), labels };
}

/** The largest violation of the L1 optimality conditions (independent of the solver): 0 at the optimum. */
function violation(cols: Float64Array, n: number, q: number, signs: Int8Array, loss: L1Loss, C: number, w: Float64Array): number {
  const m = new Float64Array(n);
  for (let j = 0; j < q; j++) for (let i = 0; i < n; i++) m[i]! += w[j]! * signs[i]! * cols[j * n + i]!;
  let worst = 0;
  for (let j = 0; j < q; j++) {
    let g = 0;
    for (let i = 0; i < n; i++) {
      const d = loss === 'log' ? -1 / (1 + Math.exp(m[i]!)) : m[i]! < 1 ? -2 * (1 - m[i]!) : 0;
      g += C * d * signs[i]! * cols[j * n + i]!;
    }
    const v = w[j] === 0 ? Math.max(Math.abs(g) - 1, 0) : Math.abs(g + Math.sign(w[j]!));
    worst = Math.max(worst, v);
  }
  return worst;
}

test('solveL1Linear: a warm-started C path reaches the cold fits\' optima (logistic and squared hinge)', () => {
  const { X, signs, labels } = wide(50, 200, 7);
  const { cols, nFeatures: q } = featureMajor(X, 1);
  const n = X.rows;
  const scale = zeroGradientMax(cols, n, q, signs);
  // the gradient scale at w = 0, computed plainly
  let top = 0;
  for (let j = 0; j < q; j++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += signs[i]! * cols[j * n + i]!;
    top = Math.max(top, Math.abs(g));
  }
  assert.ok(Math.abs(scale - top) <= 1e-12 * top, `${scale} vs ${top}`);
  for (const loss of ['log', 'squared_hinge'] as const) {
    const minC = l1MinC(X, labels, { loss });
    const warm = new Float64Array(q);
    let nonzero = 0;
    for (const f of [0.5, 2, 8, 40, 200, 1000]) {
      const C = f * minC;
      const opts = { C, bias: 1, tol: 1e-8, maxIter: 10000 };
      solveL1Linear(cols, n, q, signs, loss, { ...opts, warmStart: true, zeroGradientMax: scale }, warm);
      const cold = new Float64Array(q);
      solveL1Linear(cols, n, q, signs, loss, opts, cold);
      // both meet the optimality conditions to the tolerance, and agree
      assert.ok(violation(cols, n, q, signs, loss, C, warm) < 1e-5, `${loss} C ${C}: warm violation`);
      assert.ok(violation(cols, n, q, signs, loss, C, cold) < 1e-5, `${loss} C ${C}: cold violation`);
      let big = 0;
      for (const v of cold) big = Math.max(big, Math.abs(v));
      for (let j = 0; j < q; j++) assert.ok(Math.abs(warm[j]! - cold[j]!) <= 1e-5 * Math.max(big, 1), `${loss} C ${C}: w[${j}] ${warm[j]} vs ${cold[j]}`);
      if (f === 0.5) assert.ok(warm.every((v) => v === 0), `${loss}: below l1_min_c the model is empty`);
      nonzero = warm.filter((v) => v !== 0).length;
    }
    assert.ok(nonzero > 10, `${loss}: the path ends with a wide support (${nonzero})`);
  }
});

test('solveL1Linear: a sample weight of 2 is the row counted twice (logistic line search and squared hinge)', () => {
  const { X, signs } = wide(30, 60, 8);
  const n = X.rows;
  const { cols, nFeatures: q } = featureMajor(X, 1);
  // rows 0..9 doubled
  const dupRows = [...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => i)];
  const Xd = X.selectRows(Int32Array.from(dupRows));
  const { cols: colsD } = featureMajor(Xd, 1);
  const signsD = Int8Array.from(dupRows, (i) => signs[i]!);
  const weights = Float64Array.from({ length: n }, (_, i) => (i < 10 ? 2 : 1));
  for (const loss of ['log', 'squared_hinge'] as const) {
    const C = loss === 'log' ? 0.3 : 0.05;
    const opts = { C, bias: 1, tol: 1e-9, maxIter: 10000 };
    const weighted = new Float64Array(q);
    solveL1Linear(cols, n, q, signs, loss, { ...opts, sampleWeight: weights }, weighted);
    const duplicated = new Float64Array(q);
    solveL1Linear(colsD, dupRows.length, q, signsD, loss, opts, duplicated);
    assert.ok(weighted.some((v) => v !== 0), `${loss}: a non-empty model`);
    for (let j = 0; j < q; j++) assert.ok(Math.abs(weighted[j]! - duplicated[j]!) <= 1e-6, `${loss}: w[${j}] ${weighted[j]} vs ${duplicated[j]}`);
  }
});

test('LinearSVC l1: fits along a C grid on one matrix (each warm-started from the last) equal cold fits on copies', () => {
  const { X, labels } = wide(40, 150, 9);
  const minC = l1MinC(X, labels);
  for (const C of [2, 20, 200, 20].map((f) => f * minC)) {
    const warm = new LinearSVC({ penalty: 'l1', C, maxIter: 10000 }).fit(X, labels);
    const cold = new LinearSVC({ penalty: 'l1', C, maxIter: 10000 }).fit(new Matrix(X.rows, X.cols, X.data.slice()), labels);
    const a = warm.coef.data;
    const b = cold.coef.data;
    let big = 0;
    for (const v of b) big = Math.max(big, Math.abs(v));
    for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) <= 1e-6 * Math.max(big, 1), `C ${C}: w[${j}] ${a[j]} vs ${b[j]}`);
    assert.ok(Math.abs(warm.intercept[0]! - cold.intercept[0]!) <= 1e-6 * Math.max(big, 1));
  }
});

test('solveL1Linear: a warm start from all zeros measures its own stopping scale (no zeroGradientMax) and stops', () => {
  const { X, signs, labels } = wide(40, 80, 10);
  const { cols, nFeatures: q } = featureMajor(X, 1);
  for (const loss of ['log', 'squared_hinge'] as const) {
    const C = 5 * l1MinC(X, labels, { loss });
    const opts = { C, bias: 1, tol: 1e-6, maxIter: 500 };
    const warm = new Float64Array(q);
    const sweeps = solveL1Linear(cols, X.rows, q, signs, loss, { ...opts, warmStart: true }, warm);
    const cold = new Float64Array(q);
    const coldSweeps = solveL1Linear(cols, X.rows, q, signs, loss, opts, cold);
    assert.ok(sweeps < 500 && sweeps === coldSweeps, `${loss}: ${sweeps} sweeps warm from zero, ${coldSweeps} cold`);
    assert.deepEqual(Array.from(warm), Array.from(cold));
    // below l1_min_c, a known gradient scale answers zero without a pass
    const zero = new Float64Array(q);
    const scale = zeroGradientMax(cols, X.rows, q, signs);
    const C0 = 0.5 * l1MinC(X, labels, { loss });
    assert.equal(solveL1Linear(cols, X.rows, q, signs, loss, { ...opts, C: C0, warmStart: true, zeroGradientMax: scale }, zero), 1);
    assert.ok(zero.every((v) => v === 0));
  }
});

/** The loss gradient at w, computed plainly from the columns. */
function lossGradient(cols: Float64Array, n: number, q: number, signs: Int8Array, C: number, w: Float64Array): Float64Array {
  const m = new Float64Array(n);
  for (let j = 0; j < q; j++) for (let i = 0; i < n; i++) m[i]! += w[j]! * signs[i]! * cols[j * n + i]!;
  const g = new Float64Array(q);
  for (let j = 0; j < q; j++) for (let i = 0; i < n; i++) g[j]! += (-C / (1 + Math.exp(m[i]!))) * signs[i]! * cols[j * n + i]!;
  return g;
}

test('solveL1Linear: newGLMNET and coordinate descent reach the same optimum, checked from X, y and w', () => {
  const { X, signs, labels } = wide(60, 300, 11);
  const { cols, nFeatures: q } = featureMajor(X, 1);
  const n = X.rows;
  for (const loss of ['log', 'squared_hinge'] as const) {
    const minC = l1MinC(X, labels, { loss });
    for (const f of [1.5, 10, 100, 2000]) {
      const C = f * minC;
      const fits = (['newton', 'cd'] as const).map((method) => {
        const w = new Float64Array(q);
        solveL1Linear(cols, n, q, signs, loss, { C, bias: 1, tol: 1e-9, maxIter: 10000, method }, w);
        return w;
      });
      // the violation at w = 0 is the stopping scale
      const scale = violation(cols, n, q, signs, loss, C, new Float64Array(q));
      let big = 1;
      for (const w of fits) {
        assert.ok(violation(cols, n, q, signs, loss, C, w) <= 1e-8 * scale, `${loss} C ${f} x min: violation ${violation(cols, n, q, signs, loss, C, w)}`);
        for (const v of w) big = Math.max(big, Math.abs(v));
      }
      for (let j = 0; j < q; j++)
        assert.ok(Math.abs(fits[0]![j]! - fits[1]![j]!) <= 1e-6 * big, `${loss} C ${f} x min: w[${j}] ${fits[0]![j]} (newton) vs ${fits[1]![j]} (cd)`);
      assert.ok(fits[0]!.some((v) => v !== 0));
    }
  }
});

test('solveL1Linear: a path gradient seeded at w = 0 and carried along a C grid gives the cold fits, and stays the true gradient', () => {
  const { X, signs, labels } = wide(50, 240, 12);
  const { cols, nFeatures: q } = featureMajor(X, 1);
  const n = X.rows;
  const minC = l1MinC(X, labels, { loss: 'log' });
  const scale = zeroGradientMax(cols, n, q, signs);
  const path: L1PathGradient = { gradient: labelCorrelations(cols, n, q, signs).map((g) => -0.5 * g), C: 1, valid: true };
  const w = new Float64Array(q);
  for (const f of [0.02, 0.2, 2, 20, 200, 2000]) {
    const C = f * minC;
    solveL1Linear(cols, n, q, signs, 'log', { C, bias: 1, tol: 1e-8, maxIter: 1000, warmStart: true, zeroGradientMax: scale, path }, w);
    const cold = new Float64Array(q);
    solveL1Linear(cols, n, q, signs, 'log', { C, bias: 1, tol: 1e-8, maxIter: 1000, method: 'cd' }, cold);
    let big = 1;
    for (const v of cold) big = Math.max(big, Math.abs(v));
    for (let j = 0; j < q; j++) assert.ok(Math.abs(w[j]! - cold[j]!) <= 1e-6 * big, `C ${f} x min: w[${j}] ${w[j]} vs ${cold[j]}`);
    if (f < 1) assert.ok(w.every((v) => v === 0), 'below l1_min_c the model is empty');
    else {
      assert.ok(path.valid && path.C === C, `C ${f} x min: the path holds this C's gradient`);
      const g = lossGradient(cols, n, q, signs, C, w);
      let top = 0;
      for (const v of g) top = Math.max(top, Math.abs(v));
      for (let j = 0; j < q; j++) assert.ok(Math.abs(path.gradient[j]! - g[j]!) <= 1e-9 * top, `C ${f} x min: gradient[${j}]`);
    }
  }
});

test('solveL1Linear: with column norms the path certifies zero weights by a bound; weights are those without, gradients within their radius', () => {
  const { X, signs, labels } = wide(60, 900, 13);
  const { cols, nFeatures: q } = featureMajor(X, 1);
  const n = X.rows;
  const minC = l1MinC(X, labels, { loss: 'log' });
  const scale = zeroGradientMax(cols, n, q, signs);
  const norms = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let sq = 0;
    for (let i = 0; i < n; i++) sq += cols[j * n + i]! ** 2;
    norms[j] = Math.sqrt(sq);
  }
  const seed = () => labelCorrelations(cols, n, q, signs).map((g) => -0.5 * g);
  const plain: L1PathGradient = { gradient: seed(), C: 1, valid: true };
  const bounded: L1PathGradient = { gradient: seed(), C: 1, valid: true, columnNorms: norms };
  const wPlain = new Float64Array(q);
  const wBounded = new Float64Array(q);
  let estimated = 0;
  for (const f of [2, 20, 200, 2000]) {
    const C = f * minC;
    const opts = { C, bias: 1, tol: 1e-8, maxIter: 1000, warmStart: true, zeroGradientMax: scale };
    solveL1Linear(cols, n, q, signs, 'log', { ...opts, path: plain }, wPlain);
    solveL1Linear(cols, n, q, signs, 'log', { ...opts, path: bounded }, wBounded);
    // Both meet the stopping rule (1e-8 of the violation at zero, newGLMNET to a tenth of it);
    // their paths differ only in which zero weights stay active, so they agree to about that.
    const atZero = violation(cols, n, q, signs, 'log', C, new Float64Array(q));
    for (const w of [wPlain, wBounded]) assert.ok(violation(cols, n, q, signs, 'log', C, w) <= 1.001e-9 * atZero, `C ${f} x min: optimality`);
    let big = 1;
    for (const v of wPlain) big = Math.max(big, Math.abs(v));
    for (let j = 0; j < q; j++) assert.ok(Math.abs(wPlain[j]! - wBounded[j]!) <= 1e-7 * big, `C ${f} x min: w[${j}] ${wPlain[j]} vs ${wBounded[j]}`);
    assert.ok(bounded.valid && bounded.C === C);
    // every estimate lies within its radius of the gradient computed plainly; the rest are exact
    const g = lossGradient(cols, n, q, signs, C, wBounded);
    let top = 0;
    for (const v of g) top = Math.max(top, Math.abs(v));
    for (let j = 0; j < q; j++) {
      const r = bounded.radius?.[j] ?? 0;
      if (r > 0) {
        estimated++;
        assert.equal(wBounded[j], 0, `C ${f} x min: only zero weights are estimated`);
        assert.ok(Math.abs(bounded.gradient[j]! - g[j]!) <= r + 1e-9 * top, `C ${f} x min: estimate ${j} off by more than its radius`);
        assert.ok(Math.abs(bounded.gradient[j]!) + r <= 1, `C ${f} x min: an estimate certifies |g| <= 1`);
      } else assert.ok(Math.abs(bounded.gradient[j]! - g[j]!) <= 1e-9 * top, `C ${f} x min: gradient[${j}]`);
    }
  }
  assert.ok(estimated > q, `the bound certified zero weights without their pass (${estimated} estimates)`);
});
