import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { featureMajor, l1MinC, solveL1Linear } from '@neurodecode/estimators';
import { rng } from '@neurodecode/testkit';
import { LogisticRegressionCV, StratifiedKFold } from '../src/index.js';

/** Two classes, few samples, many correlated features. */
function wide(n: number, p: number, seed: number): { X: Matrix; labels: string[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c ? 'house' : 'face');
    const f = gauss();
    for (let j = 0; j < p; j++) X.set(i, j, 0.6 * f + 1.5 * gauss() + (j < 8 && c ? 0.7 : 0));
  }
  return { X, labels };
}

/** A cold L1 logistic fit by coordinate descent (the solver the warm-started path does not use), to a tight tolerance. */
function coldFit(X: Matrix, labels: string[], rows: Int32Array, C: number): Float64Array {
  const sub = X.selectRows(rows);
  const { cols, nFeatures: q } = featureMajor(sub, 1);
  const signs = Int8Array.from(rows, (i) => (labels[i] === 'house' ? 1 : -1));
  const w = new Float64Array(q);
  solveL1Linear(cols, rows.length, q, signs, 'log', { C, bias: 1, tol: 1e-10, maxIter: 100000, method: 'cd' }, w);
  return w;
}

test('LogisticRegressionCV l1: inner scores, chosen C and refit equal cold fits of every fold and C', () => {
  const { X, labels } = wide(72, 400, 21);
  const minC = l1MinC(X, labels, { loss: 'log' });
  const Cs = [0.5, 2, 8, 40, 400, 4000].map((f) => f * minC);
  const est = new LogisticRegressionCV({ penalty: 'l1', Cs, cv: 3 }).fit(X, labels);
  const folds = new StratifiedKFold({ nSplits: 3 }).split(X.rows, labels);
  const scores = Cs.map((C) => {
    let sum = 0;
    for (const f of folds) {
      const w = coldFit(X, labels, f.train, C);
      let hits = 0;
      for (const i of f.test) {
        let v = w[X.cols]!;
        for (let j = 0; j < X.cols; j++) v += X.get(i, j) * w[j]!;
        if ((v > 0 ? 'house' : 'face') === labels[i]) hits++;
      }
      sum += hits / f.test.length;
    }
    return sum / folds.length;
  });
  assert.deepEqual(Array.from(est.cvScoresPerC[0]!), scores);
  let best = 0;
  for (let k = 1; k < Cs.length; k++) if (scores[k]! > scores[best]! + 1e-12) best = k;
  assert.equal(est.C_[0], Cs[best]);
  const all = Int32Array.from({ length: X.rows }, (_, i) => i);
  const w = coldFit(X, labels, all, Cs[best]!);
  let big = 1;
  for (const v of w) big = Math.max(big, Math.abs(v));
  for (let j = 0; j < X.cols; j++) assert.ok(Math.abs(est.coef.data[j]! - w[j]!) <= 1e-6 * big, `coef[${j}] ${est.coef.data[j]} vs ${w[j]}`);
  assert.ok(Math.abs(est.intercept[0]! - w[X.cols]!) <= 1e-6 * big);
  assert.ok(est.coef.data.some((v) => v !== 0) && est.coef.data.some((v) => v === 0), 'a sparse, non-empty map');
});
