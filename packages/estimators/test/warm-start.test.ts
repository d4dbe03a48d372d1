// Warm starts shared across folds, C values and one-vs-rest problems (issue 15): every fit that
// starts from a related fit's support set ends at the same optimum as a plain cold fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { LinearSVC, WarmStartStore, resolveLinearSvcSolver, tiledRowGram } from '../src/index.js';

/** k classes, each shifting its own block of features; n < 2p so 'auto' picks the exact solver. */
function multiClassData(n: number, p: number, k: number, seed: number): { X: Matrix; y: string[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y.push(`class${c}`);
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j % k === c ? 0.4 : 0));
  }
  return { X, y };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('LinearSVC: warm-started one-vs-rest fits over folds and a C grid equal plain fits', () => {
  const { X, y } = multiClassData(160, 90, 5, 3);
  assert.equal(resolveLinearSvcSolver({ solver: 'auto', loss: 'squared_hinge' }, 160, 90, false), 'exact');
  const store = new WarmStartStore(X.rows);
  const gram = tiledRowGram(X.data, X.rows, X.cols);
  let scale = 0;
  for (const v of X.data) scale = Math.max(scale, Math.abs(v));
  // Four folds of 40 held-out rows, C from small to large and back: every start is another
  // problem's end point (other rows, other C).
  for (const C of [0.01, 1, 100, 0.1]) {
    for (let f = 0; f < 4; f++) {
      const rows = Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => i % 4 !== f);
      const Xf = X.selectRows(rows);
      const yf = Array.from(rows, (i) => y[i]!);
      const block = new Float64Array(rows.length * rows.length);
      rows.forEach((a, ia) => rows.forEach((b, ib) => (block[ia * rows.length + ib] = gram[a * X.rows + b]!)));
      const warm = new LinearSVC({ C }).fit(Xf, yf, { gram: block, warmStart: store, rowIds: rows });
      const plain = new LinearSVC({ C }).fit(Xf, yf);
      const d = maxAbsDiff(warm.coef.data, plain.coef.data) + maxAbsDiff(warm.intercept, plain.intercept);
      assert.ok(d <= 1e-8 * (1 + maxAbsDiff(plain.coef.data, new Float64Array(plain.coef.data.length))), `C=${C} fold ${f}: coefficients differ by ${d}`);
      const Xt = X.selectRows(Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => i % 4 === f));
      assert.deepEqual(warm.predict(Xt), plain.predict(Xt));
    }
  }
});

test('WarmStartStore: rowIds must match X and lie inside the store', () => {
  const { X, y } = multiClassData(30, 20, 3, 1);
  const store = new WarmStartStore(30);
  assert.throws(() => new LinearSVC().fit(X, y, { warmStart: store, rowIds: new Int32Array(29) }), /^RangeError: rowIds: length 29 does not match the 30 rows of X/);
  assert.throws(() => new LinearSVC().fit(X, y, { warmStart: new WarmStartStore(10), rowIds: Int32Array.from({ length: 30 }, (_, i) => i) }), /^RangeError: rowIds: entry 10 is 10, outside the warm-start store's 10 rows/);
  assert.throws(() => new WarmStartStore(0), /nRows must be a positive integer/);
});
