import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { Lasso } from '@neurodecode/estimators';
import { KFold } from '../src/splitters.js';
import { LassoCV } from '../src/cv-estimators.js';

/** Few rows, many neighbour-correlated features (a random walk along each row), a sparse truth. */
function data(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const uniform = rng(seed);
  const rows = Array.from({ length: n }, () => {
    const row = new Float64Array(p);
    let level = uniform() - 0.5;
    for (let j = 0; j < p; j++) row[j] = level = 0.7 * level + (uniform() - 0.5) * 2;
    return row;
  });
  const y = Float64Array.from(rows, (row) => 2 * row[5]! - row[30]! + (uniform() - 0.5));
  return { X: new Matrix(n, p, Float64Array.from(rows.flatMap((row) => Array.from(row)))), y };
}

/** Each fold's held-out mean squared error at each alpha, from Lasso fits of the same kind. */
function foldErrors(X: Matrix, y: Float64Array, alphas: Float64Array, solver: 'exact' | 'coordinate-descent'): Float64Array {
  const folds = new KFold({ nSplits: 5 }).split(X.rows);
  const mse = new Float64Array(alphas.length);
  for (const f of folds) {
    const ytr = Float64Array.from(f.train, (i) => y[i]!);
    alphas.forEach((alpha, a) => {
      const model = new Lasso({ alpha, solver, tol: 1e-12, maxIter: 100000 }).fit(X.selectRows(f.train), ytr);
      const pred = model.predict(X.selectRows(f.test));
      let err = 0;
      f.test.forEach((i, k) => (err += (pred[k]! - y[i]!) ** 2));
      mse[a]! += err / f.test.length / folds.length;
    });
  }
  return mse;
}

test('LassoCV exact: each fold path and the refit equal independent exact Lasso fits, and agree with converged coordinate descent', () => {
  const { X, y } = data(50, 60, 1);
  const exact = new LassoCV({ nAlphas: 8, eps: 0.02 }).fit(X, y);
  assert.equal(exact.getParams().solver, 'exact');
  // The errors along the path: the same as fitting each alpha on its own, exactly or by a tight coordinate descent.
  const own = foldErrors(X, y, exact.alphas_, 'exact');
  const cd = foldErrors(X, y, exact.alphas_, 'coordinate-descent');
  for (let a = 0; a < own.length; a++) {
    assert.ok(Math.abs(exact.mse[a]! - own[a]!) <= 1e-10 * own[a]!, `alpha ${exact.alphas_[a]}: path ${exact.mse[a]} vs own fits ${own[a]}`);
    assert.ok(Math.abs(exact.mse[a]! - cd[a]!) <= 1e-7 * cd[a]!, `alpha ${exact.alphas_[a]}: exact ${exact.mse[a]} vs tight coordinate descent ${cd[a]}`);
  }
  const refit = new Lasso({ alpha: exact.alpha_ }).fit(X, y);
  for (let j = 0; j < X.cols; j++) assert.ok(Math.abs(exact.coef.data[j]! - refit.coef.data[j]!) <= 1e-10, `coef[${j}]`);
  assert.ok(Math.abs(exact.intercept[0]! - refit.intercept[0]!) <= 1e-10);
});

test('LassoCV coordinate-descent keeps the replay; the two solvers differ only by the replay\'s early stop', () => {
  const { X, y } = data(30, 200, 2);
  const replay = new LassoCV({ nAlphas: 12, solver: 'coordinate-descent' }).fit(X, y);
  const exact = new LassoCV({ nAlphas: 12 }).fit(X, y);
  assert.deepEqual(Array.from(replay.alphas_), Array.from(exact.alphas_));
  // The largest alphas converge under scikit-learn's tolerance: the errors agree closely there.
  for (let a = 0; a < 3; a++) assert.ok(Math.abs(replay.mse[a]! - exact.mse[a]!) <= 1e-3 * exact.mse[a]!, `alpha ${exact.alphas_[a]}: ${replay.mse[a]} vs ${exact.mse[a]}`);
  assert.throws(() => new LassoCV({ alphas: [0.1, 0], nAlphas: 2 }).fit(X, y), /^RangeError: LassoCV: solver "exact" needs alphas > 0 \(use solver "coordinate-descent" for alpha 0\)$/);
  assert.throws(() => new LassoCV({ solver: 'cd' as 'exact' }).fit(X, y), /^RangeError: LassoCV: solver must be "exact" or "coordinate-descent", got "cd"$/);
  // Repeated alphas share one solution.
  const twice = new LassoCV({ alphas: [0.5, 0.5, 0.1] }).fit(X, y);
  assert.equal(twice.mse[0], twice.mse[1]);
});
