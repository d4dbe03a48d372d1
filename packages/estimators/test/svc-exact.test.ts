// The exact squared-hinge solver (block principal pivoting on the dual) against liblinear-style
// coordinate descent run to a tight tolerance, against the primal optimality condition, and the
// fixed-design hook against plain fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import {
  FreeSetFactor, LinearSVC, Pipeline, SquaredHingeDual, StandardScaler, rowGram, resolveLinearSvcSolver, tiledRowGram,
  type FitOptions, type Targets,
} from '../src/index.js';

function gaussianData(n: number, p: number, k: number, seed: number, shift = 1): { X: Matrix; y: number[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * k);
    y.push(c);
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j % k === c ? shift : 0));
  }
  for (let c = 0; c < k; c++) y[c] = c; // every class present
  return { X, y };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Gradient of 0.5 |w~|^2 + sum C_i max(0, 1 - y w~.x~)^2 with x~ = (x, s), independent of the solver. */
function primalGradientNorm(X: Matrix, y: number[], svc: LinearSVC, C: number, s: number, positive: number, weights?: Float64Array): number {
  const w = svc.coef.row(0);
  const b = svc.intercept[0]!;
  const grad = Array.from(w);
  let gradBias = b / s;
  for (let i = 0; i < X.rows; i++) {
    const t = y[i] === positive ? 1 : -1;
    let m = b;
    for (let j = 0; j < X.cols; j++) m += w[j]! * X.get(i, j);
    const slack = Math.max(0, 1 - t * m);
    const Ci = C * (weights ? weights[i]! : 1);
    for (let j = 0; j < X.cols; j++) grad[j]! -= 2 * Ci * slack * t * X.get(i, j);
    gradBias -= 2 * Ci * slack * t * s;
  }
  return Math.max(...grad.map(Math.abs), Math.abs(gradBias));
}

test('exact solver equals coordinate descent at tight tolerance on random problems (coef to 1e-6)', () => {
  const cases = [
    { n: 30, p: 80, C: 1, s: 1, seed: 1 },
    { n: 40, p: 200, C: 100, s: 1, seed: 2 },
    { n: 60, p: 10, C: 0.5, s: 3, seed: 3 }, // more samples than features: many bound samples
    { n: 50, p: 50, C: 10, s: 0.5, seed: 4 },
  ];
  for (const { n, p, C, s, seed } of cases) {
    const { X, y } = gaussianData(n, p, 2, seed, 0.4);
    const exact = new LinearSVC({ C, interceptScaling: s, solver: 'exact' }).fit(X, y);
    const cd = new LinearSVC({ C, interceptScaling: s, solver: 'primal', tol: 1e-12, maxIter: 200000 }).fit(X, y);
    assert.ok(maxRelDiff(exact.coef.data, cd.coef.data) < 1e-6, `n=${n} p=${p} C=${C}: coef differ by ${maxRelDiff(exact.coef.data, cd.coef.data)}`);
    assert.ok(Math.abs(exact.intercept[0]! - cd.intercept[0]!) < 1e-6 * (1 + Math.abs(cd.intercept[0]!)), `intercepts ${exact.intercept[0]} vs ${cd.intercept[0]}`);
    assert.ok(primalGradientNorm(X, y, exact, C, s, 1) < 1e-8, `n=${n} p=${p}: primal gradient ${primalGradientNorm(X, y, exact, C, s, 1)}`);
  }
});

test('exact solver meets the primal optimality condition with sample weights and in one-vs-rest', () => {
  const { X, y } = gaussianData(45, 70, 3, 7, 0.6);
  const r = rng(9);
  const weights = Float64Array.from({ length: 45 }, () => 0.2 + 2 * r());
  const svc = new LinearSVC({ C: 2, solver: 'exact' }).fit(X, y, { sampleWeight: weights });
  assert.equal(svc.coef.rows, 3);
  for (let c = 0; c < 3; c++) {
    const one = new LinearSVC({ C: 2, solver: 'exact' }).fit(X, y.map((v) => (v === c ? 1 : 0)), { sampleWeight: weights });
    assert.ok(maxRelDiff(svc.coef.row(c), one.coef.row(0)) < 1e-12, `class ${c}: one-vs-rest row differs from the binary fit`);
    assert.ok(primalGradientNorm(X, y, one, 2, 1, c, weights) < 1e-8, `class ${c}: primal gradient ${primalGradientNorm(X, y, one, 2, 1, c, weights)}`);
  }
});

test('SquaredHingeDual meets the KKT conditions, also on degenerate data (duplicates with opposite labels)', () => {
  const { X } = gaussianData(40, 25, 2, 11);
  // Rows 20..39 repeat rows 0..19; half of the repeats carry the opposite label.
  for (let i = 20; i < 40; i++) X.row(i).set(X.row(i - 20));
  const K = rowGram(X.data, 40, 25);
  for (const withInverse of [false, true]) {
    for (const C of [0.01, 1, 1000]) {
      const dual = new SquaredHingeDual(K, 40, { C, bias: 1 });
      if (withInverse) dual.prepareInverse();
      const r = rng(Math.round(C * 100));
      const signs = Int8Array.from({ length: 40 }, () => (r() < 0.5 ? 1 : -1));
      const beta = new Float64Array(40);
      const info = dual.solve(signs, beta);
      assert.ok(dual.satisfiesKkt(signs, beta, 1e-8), `C=${C} inverse=${withInverse}: KKT violated (fallback ${info.fallback})`);
      // Independently: alpha = y b >= 0, and (M b - y)_i = 0 where alpha > 0, y_i (M b - y)_i >= 0 elsewhere.
      for (let i = 0; i < 40; i++) {
        let g = -signs[i]!;
        for (let j = 0; j < 40; j++) g += (K[i * 40 + j]! + 1 + (i === j ? 0.5 / C : 0)) * beta[j]!;
        const alpha = signs[i]! * beta[i]!;
        assert.ok(alpha >= 0);
        if (alpha > 0) assert.ok(Math.abs(g) < 1e-6, `free ${i}: gradient ${g}`);
        else assert.ok(signs[i]! * g > -1e-6, `bound ${i}: gradient ${signs[i]! * g}`);
      }
    }
  }
});

test('prepareFixedDesign gives the model a plain fit gives, for several label vectors', () => {
  const { X, y } = gaussianData(36, 90, 3, 5, 0.5);
  const est = new LinearSVC({ C: 10 });
  const fitFor = est.prepareFixedDesign(X);
  assert.ok(fitFor, 'LinearSVC offers the hook for n < p');
  const r = rng(3);
  const labelSets: Targets[] = [
    y, y.map((v) => (v === 2 ? 'b' : 'a')), y.map(() => (r() < 0.5 ? 'x' : 'y')), y.map((v) => v * 10),
  ];
  for (const labels of labelSets) {
    const viaHook = fitFor!(labels) as LinearSVC;
    const plain = new LinearSVC({ C: 10 }).fit(X, labels);
    assert.deepEqual(viaHook.classes, plain.classes);
    assert.ok(maxRelDiff(viaHook.coef.data, plain.coef.data) < 1e-9, `coef differ by ${maxRelDiff(viaHook.coef.data, plain.coef.data)}`);
    assert.ok(maxRelDiff(viaHook.intercept, plain.intercept) < 1e-9);
    assert.deepEqual(viaHook.predict(X), plain.predict(X));
    assert.deepEqual(viaHook.getParams(), est.getParams());
  }
  assert.equal(est.fitted, false, 'the prepared estimator itself stays unfitted');
  assert.equal(new LinearSVC({ loss: 'hinge' }).prepareFixedDesign(X), undefined);
  assert.equal(new LinearSVC({ solver: 'primal' }).prepareFixedDesign(X), undefined);
});

test('solver "auto" picks the exact solver for few samples and many features, squared hinge only', () => {
  const sq = { solver: 'auto', loss: 'squared_hinge' } as const;
  assert.equal(resolveLinearSvcSolver(sq, 200, 40000, false), 'exact');
  assert.equal(resolveLinearSvcSolver(sq, 500, 100, false), 'primal');
  assert.equal(resolveLinearSvcSolver(sq, 500, 100, true), 'gram');
  assert.equal(resolveLinearSvcSolver(sq, 3000, 40000, false), 'primal');
  assert.equal(resolveLinearSvcSolver({ solver: 'auto', loss: 'hinge' }, 200, 40000, false), 'primal');
  assert.throws(() => new LinearSVC({ solver: 'exact', loss: 'hinge' }).fit(Matrix.from([[0], [1]]), [0, 1]), /solver "exact" needs loss "squared_hinge"/);
  assert.equal(new LinearSVC().acceptsGram(200, 40000), true);
  assert.equal(new LinearSVC().acceptsGram(500, 100), false);
});

class GramSpy extends LinearSVC {
  seen: (Float64Array | undefined)[] = [];
  override fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    this.seen.push(opts?.gram);
    return super.fit(X, y, opts);
  }
}

test('Pipeline hands the Gram matrix on only when no step transforms X first', () => {
  const { X, y } = gaussianData(20, 40, 2, 8);
  const gram = rowGram(X.data, 20, 40);
  const spy = new GramSpy();
  const scaled = new Pipeline([['scale', new StandardScaler()], ['svc', spy]]);
  scaled.fit(X, y, { gram });
  assert.deepEqual(spy.seen, [undefined]);
  assert.equal(scaled.acceptsGram(20, 40), false);
  const alone = new GramSpy();
  const single = new Pipeline([['svc', alone]]);
  single.fit(X, y, { gram });
  assert.equal(alone.seen[0], gram);
  assert.equal(single.acceptsGram(20, 40), true);
  // The scaled pipeline's model is the one fitted on scaled data, not one confused by the raw Gram.
  const Xs = new StandardScaler().fitTransform(X);
  const direct = new LinearSVC().fit(Xs, y);
  assert.ok(maxRelDiff(spy.coef.data, direct.coef.data) < 1e-9);
});

test('tiledRowGram equals the plain dot products for every size (odd rows, tails, blocks)', () => {
  for (const [n, p] of [[1, 3], [2, 5], [5, 1], [7, 13], [9, 2100]] as const) {
    const r = rng(n * 100 + p);
    const X = Float64Array.from({ length: n * p }, () => r() - 0.5);
    const K = tiledRowGram(X, n, p);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += X[a * p + j]! * X[b * p + j]!;
        assert.ok(Math.abs(K[a * n + b]! - s) < 1e-12 * (1 + Math.abs(s)) * p, `n=${n} p=${p} (${a}, ${b}): ${K[a * n + b]} vs ${s}`);
        assert.equal(K[a * n + b], K[b * n + a]);
      }
    }
  }
});

test('a fit handed a Gram still refuses non-finite X, found through the Gram diagonal', () => {
  const X = Matrix.from([[0, 1], [1, 0], [0, 2], [2, 0]]);
  const y = [0, 1, 0, 1];
  const bad = X.clone();
  bad.set(2, 1, NaN);
  assert.throws(() => new LinearSVC().fit(bad, y, { gram: rowGram(bad.data, 4, 2) }), /X: row 2 holds a NaN or infinite value/);
  bad.set(2, 1, Infinity);
  assert.throws(() => new LinearSVC().fit(bad, y, { gram: rowGram(bad.data, 4, 2) }), /X: row 2/);
  // And the same fit without the Gram scans X itself.
  assert.throws(() => new LinearSVC().fit(bad, y), /NaN and infinite values are not allowed/);
});

test('FreeSetFactor: removing several rows at once, cutting and re-appending by priority give the fresh factor', () => {
  const { X } = gaussianData(40, 60, 2, 11);
  const n = 40;
  const M = tiledRowGram(X.data, n, X.cols);
  for (let i = 0; i < n; i++) M[i * n + i]! += 0.5;
  const signs = Int8Array.from({ length: n }, (_, i) => (i % 3 ? 1 : -1));
  const solveOf = (f: FreeSetFactor): Map<number, number> => {
    const out = new Float64Array(n);
    f.solve(signs, out);
    return new Map(Array.from(f.order.subarray(0, f.m), (i, a) => [i, out[a]!]));
  };
  const fresh = (rows: number[]): Map<number, number> => {
    const f = new FreeSetFactor(M, n);
    assert.ok(f.appendAll(Int32Array.from(rows)));
    return solveOf(f);
  };
  const same = (a: Map<number, number>, b: Map<number, number>, what: string): void => {
    assert.deepEqual([...a.keys()].sort((x, y) => x - y), [...b.keys()].sort((x, y) => x - y), what);
    const scale = Math.max(...[...b.values()].map(Math.abs));
    for (const [i, v] of b) assert.ok(Math.abs(a.get(i)! - v) <= 1e-9 * scale, `${what}: row ${i}`);
  };
  const first = Array.from({ length: 30 }, (_, i) => i);
  const drop = new Set([0, 3, 7, 8, 20, 29]);
  const f = new FreeSetFactor(M, n);
  assert.ok(f.appendAll(Int32Array.from(first)));
  f.removeWhere((i) => drop.has(i));
  same(solveOf(f), fresh(first.filter((i) => !drop.has(i))), 'removeWhere');
  // syncTo to a new free set (rows leave, rows join) with a priority order, by either route.
  const free = new Uint8Array(n);
  for (let i = 0; i < n; i++) free[i] = (i % 4 !== 1 && i < 36) || i === 39 ? 1 : 0;
  const priority = Float64Array.from({ length: n }, (_, i) => (i * 7) % 11);
  const target = Array.from({ length: n }, (_, i) => i).filter((i) => free[i]);
  assert.ok(f.syncTo(free, undefined, n, new Int32Array(n), priority));
  same(solveOf(f), fresh(target), 'syncTo');
  const g = new FreeSetFactor(M, n);
  assert.ok(g.appendAll(Int32Array.from(first)));
  for (let i = 0; i < 28; i++) free[i] = 1; // only the last rows leave: a cut near the end
  free[28] = 0;
  free[29] = 0;
  assert.ok(g.syncTo(free, undefined, n, new Int32Array(n), priority));
  same(solveOf(g), fresh(Array.from({ length: n }, (_, i) => i).filter((i) => free[i])), 'syncTo after a cut');
});
