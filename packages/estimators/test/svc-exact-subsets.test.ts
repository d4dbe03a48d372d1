// Exact LinearSVC fits on row subsets of one data set (the Decoder's nested cross-validation):
// whatever the start (a superset's factor, another C's support set, a rough guess), the result
// is the fit LinearSVC makes on those rows alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { LinearSVC, SubsetSvcSolver, linearSvcFromSubset, tiledRowGram } from '../src/index.js';

function data(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3 === 0 ? 1 : 0;
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j < 5 && y[i] === 1 ? 0.8 : 0));
  }
  return { X, y };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

test('SubsetSvcSolver: fits on subsets equal LinearSVC on those rows, from every kind of start', () => {
  const { X, y } = data(90, 120, 3);
  const K = tiledRowGram(X.data, X.rows, X.cols);
  const signs = Int8Array.from(y, (v) => (v === 1 ? 1 : -1));
  const all = Int32Array.from({ length: 90 }, (_, i) => i);
  const without = (lo: number, hi: number) => all.filter((i) => i < lo || i >= hi);
  for (const C of [0.1, 1, 10]) {
    const solver = new SubsetSvcSolver(K, X.rows, { C, bias: 1 });
    const outer = solver.solve(signs, without(0, 15), solver.roughGuess(signs, without(0, 15)));
    const starts = {
      cold: undefined,
      superset: outer,
      neighbour: solver.solve(signs, without(15, 30)),
    };
    for (const [name, start] of Object.entries(starts)) {
      const rows = without(0, 30);
      const sol = solver.solve(signs, rows, start);
      assert.ok(sol.iterations > 0, `C ${C}, ${name}: pivoting settled (no fallback)`);
      const plain = new LinearSVC({ C, solver: 'exact' }).fit(X.selectRows(rows), Array.from(rows, (i) => y[i]!));
      const fast = linearSvcFromSubset({ C, solver: 'exact' }, X, sol, [0, 1], 1);
      const scale = Math.max(...Array.from(plain.coef.data, Math.abs));
      assert.ok(maxDiff(fast.coef.data, plain.coef.data) <= 1e-9 * scale, `C ${C}, ${name}: weights differ`);
      assert.ok(Math.abs(fast.intercept[0]! - plain.intercept[0]!) <= 1e-9 * Math.max(1, Math.abs(plain.intercept[0]!)), `C ${C}, ${name}: intercept`);
      assert.deepEqual(fast.classes, plain.classes);
      const Xt = X.selectRows(Int32Array.from({ length: 30 }, (_, i) => i));
      assert.ok(maxDiff(fast.decisionFunction(Xt).data, plain.decisionFunction(Xt).data) <= 1e-8 * Math.max(1, scale));
      // Decisions on the held-out rows straight from M equal the model's own.
      const held = Int32Array.from({ length: 30 }, (_, i) => i);
      const fromM = solver.decisions(sol, held, new Float64Array(30));
      const own = plain.decisionFunction(Xt).data;
      assert.ok(maxDiff(fromM, own) <= 1e-9 * Math.max(1, ...Array.from(own, Math.abs)), `C ${C}, ${name}: decisions from M`);
    }
    // Starting from another C's support set (as a guess of signed duals over all rows).
    const other = new SubsetSvcSolver(K, X.rows, { C: C * 10, bias: 1 }).solve(signs, without(0, 15));
    const guess = new Float64Array(90);
    other.rows.forEach((i, r) => (guess[i] = other.beta[r]!));
    assert.ok(maxDiff(solver.solve(signs, without(0, 15), guess).beta, outer.beta) <= 1e-9 * Math.max(...Array.from(outer.beta, Math.abs)));
  }
});

test('SubsetSvcSolver: bad arguments are named', () => {
  assert.throws(() => new SubsetSvcSolver(new Float64Array(5), 2, { C: 1, bias: 1 }), /gram: length 5/);
  assert.throws(() => new SubsetSvcSolver(new Float64Array(4), 2, { C: 0, bias: 1 }), /C: must be > 0/);
  // Decisions from M are only for rows the model did not see (M's diagonal carries 1 / 2C).
  const { X, y } = data(20, 8, 5);
  const solver = new SubsetSvcSolver(tiledRowGram(X.data, X.rows, X.cols), X.rows, { C: 1, bias: 1 });
  const rows = Int32Array.from({ length: 15 }, (_, i) => i);
  const sol = solver.solve(Int8Array.from(y, (v) => (v === 1 ? 1 : -1)), rows);
  assert.throws(() => solver.decisions(sol, Int32Array.of(16, 3), new Float64Array(2)), /test: row 3 is one the model was fitted on/);
});
