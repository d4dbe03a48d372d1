import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { DummyClassifier, GaussianNB, SelectPercentile, StandardScaler, fRegression, fClassif, percentileSupport } from '../src/index.js';

test('GaussianNB follows the Gaussian likelihood with smoothing = varSmoothing * max variance', () => {
  const X = Matrix.from([[0, 1], [2, 1], [4, 5], [6, 9]]);
  const y = ['a', 'a', 'b', 'b'];
  const gnb = new GaussianNB({ varSmoothing: 0.01 }).fit(X, y);
  // Population variances of the columns: 5 and 11 -> epsilon = 0.11.
  assert.ok(Math.abs(gnb.epsilon - 0.11) < 1e-15);
  assert.deepEqual(Array.from(gnb.theta.data), [1, 1, 5, 7]);
  assert.deepEqual(Array.from(gnb.variance.data).map((v) => +v.toFixed(12)), [1.11, 0.11, 1.11, 4.11]);
  const x = [3, 4];
  const logLik = (c: number) =>
    Math.log(0.5) + [0, 1].reduce((s, j) => {
      const v = gnb.variance.get(c, j);
      return s - 0.5 * Math.log(2 * Math.PI * v) - (x[j]! - gnb.theta.get(c, j)) ** 2 / (2 * v);
    }, 0);
  const proba = gnb.predictProba(Matrix.from([x]));
  const pb = 1 / (1 + Math.exp(logLik(0) - logLik(1)));
  assert.ok(Math.abs(proba.get(0, 1) - pb) < 1e-12);
  assert.deepEqual(gnb.predict(Matrix.from([x])), [pb > 0.5 ? 'b' : 'a']);
  const withPriors = new GaussianNB({ priors: [0.9, 0.1] }).fit(X, y);
  assert.deepEqual(Array.from(withPriors.classPrior), [0.9, 0.1]);
  assert.throws(() => new GaussianNB({ priors: [0.5] }).fit(X, y), /priors: expected 2 values/);
});

test('DummyClassifier strategies', () => {
  const X = Matrix.zeros(10, 2);
  const y = ['x', 'y', 'y', 'z', 'y', 'x', 'y', 'z', 'y', 'y'];
  const mf = new DummyClassifier({ strategy: 'most_frequent' }).fit(X, y);
  assert.deepEqual(mf.predict(X), new Array(10).fill('y'));
  assert.deepEqual(Array.from(mf.predictProba(X).row(0)), [0, 1, 0]);
  const prior = new DummyClassifier({ strategy: 'prior' }).fit(X, y);
  assert.deepEqual(Array.from(prior.predictProba(X).row(3)), [0.2, 0.6, 0.2]);
  assert.deepEqual(prior.predict(X), new Array(10).fill('y'));
  const big = Matrix.zeros(6000, 2);
  const strat = new DummyClassifier({ strategy: 'stratified', seed: 4 }).fit(X, y);
  const draws = strat.predict(big);
  assert.deepEqual(draws, strat.predict(big), 'same seed, same draws');
  const share = draws.filter((l) => l === 'y').length / draws.length;
  assert.ok(Math.abs(share - 0.6) < 0.03, `stratified share of y ${share}`);
  const uni = new DummyClassifier({ strategy: 'uniform', seed: 1 }).fit(X, y);
  const u = uni.predict(big);
  for (const c of ['x', 'y', 'z']) assert.ok(Math.abs(u.filter((l) => l === c).length / 6000 - 1 / 3) < 0.03);
  assert.deepEqual(Array.from(uni.predictProba(X).row(0)), [1 / 3, 1 / 3, 1 / 3]);
  assert.throws(() => new DummyClassifier({ strategy: 'mode' as never }).fit(X, y), /strategy must be one of/);
});

test('StandardScaler uses the population standard deviation and leaves constant columns unscaled', () => {
  const X = Matrix.from([[1, 5, 2], [3, 5, 4], [5, 5, 9]]);
  const sc = new StandardScaler().fit(X);
  assert.deepEqual(Array.from(sc.mean), [3, 5, 5]);
  assert.ok(Math.abs(sc.scale[0]! - Math.sqrt(8 / 3)) < 1e-15);
  assert.equal(sc.scale[1], 1);
  const Z = sc.transform(X);
  assert.deepEqual(Array.from(Z.col(1)), [0, 0, 0]);
  const back = sc.inverseTransform(Z);
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(back.data[i]! - X.data[i]!) < 1e-12);
  const centreOnly = new StandardScaler({ withStd: false }).fitTransform(X);
  assert.deepEqual(Array.from(centreOnly.row(0)), [-2, 0, -3]);
});

test('percentileSupport keeps scores above the percentile and breaks ties by column order', () => {
  // threshold = 60th percentile of [1,2,2,2,3] = 2; 3 is above; floor(5 * 0.4) = 2 features kept.
  assert.deepEqual(Array.from(percentileSupport(Float64Array.from([1, 2, 2, 2, 3]), 40)), [0, 1, 0, 0, 1]);
  assert.deepEqual(Array.from(percentileSupport(Float64Array.from([5, 1, 4, 2, 3, 0, 9, 8, 7, 6]), 30)), [0, 0, 0, 0, 0, 0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(percentileSupport(Float64Array.from([NaN, 1, 2]), 50)), [0, 0, 1]);
  assert.deepEqual(Array.from(percentileSupport(Float64Array.from([1, 2]), 100)), [1, 1]);
  assert.deepEqual(Array.from(percentileSupport(Float64Array.from([1, 2]), 0)), [0, 0]);
});

test('SelectPercentile keeps the highest-F columns; fRegression matches the correlation formula', () => {
  const X = Matrix.from([[1, 0.3, 10], [2, 0.1, 20], [3, 0.2, 10], [4, 0.4, 20], [5, 0.0, 10], [6, 0.5, 20]]);
  const y = [0, 0, 0, 1, 1, 1];
  const sel = new SelectPercentile({ percentile: 34 }).fit(X, y);
  const F = fClassif(X, y).F;
  const best = Array.from(F).indexOf(Math.max(...F));
  assert.deepEqual(Array.from(sel.support), [best]);
  assert.deepEqual(Array.from(sel.transform(X).col(0)), Array.from(X.col(best)));
  const t = [1.2, 1.9, 3.4, 3.9, 5.3, 5.8];
  const { F: Fr, p } = fRegression(X, t);
  const x0 = X.col(0);
  const mx = 3.5;
  const my = t.reduce((a, b) => a + b, 0) / 6;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < 6; i++) {
    sxy += (x0[i]! - mx) * (t[i]! - my);
    sxx += (x0[i]! - mx) ** 2;
    syy += (t[i]! - my) ** 2;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  assert.ok(Math.abs(Fr[0]! - (r * r) / (1 - r * r) * 4) < 1e-9);
  assert.ok(p[0]! > 0 && p[0]! < 1e-3);
  const reg = new SelectPercentile({ scoreFunc: 'f_regression', percentile: 34 }).fit(X, t);
  assert.deepEqual(Array.from(reg.support), [0]);
});

test('fRegression in one pass equals the two-pass correlation on BOLD-scale values; a constant column scores NaN', () => {
  // 23 rows: five blocks of four rows and a tail of three; column 3 is constant at a large value.
  const rows: number[][] = [];
  const t: number[] = [];
  for (let i = 0; i < 23; i++) {
    const a = Math.sin(i * 1.7) * 12;
    const b = Math.cos(i * 0.9) * 3;
    rows.push([10000 + a, 850 + b + 0.1 * a, -40 + 0.5 * i, 12345.678, 1e-3 * a]);
    t.push(0.3 * a - b + Math.sin(i * 3.1));
  }
  const X = Matrix.from(rows);
  const { F, p } = fRegression(X, t);
  const n = rows.length;
  const my = t.reduce((s, v) => s + v, 0) / n;
  for (let j = 0; j < 5; j++) {
    const col = rows.map((r) => r[j]!);
    const mx = col.reduce((s, v) => s + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (col[i]! - mx) * (t[i]! - my);
      sxx += (col[i]! - mx) ** 2;
      syy += (t[i]! - my) ** 2;
    }
    if (j === 3) {
      assert.ok(Number.isNaN(F[j]!), `constant column: F ${F[j]}`);
      continue;
    }
    const r = sxy / Math.sqrt(sxx * syy);
    const expected = ((r * r) / (1 - r * r)) * (n - 2);
    assert.ok(Math.abs(F[j]! - expected) <= 1e-9 * Math.max(1, expected), `column ${j}: F ${F[j]} vs ${expected}`);
    assert.ok(p[j]! >= 0 && p[j]! <= 1);
  }
});
