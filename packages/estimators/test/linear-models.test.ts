import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { LinearSVC, LogisticRegression, Ridge, RidgeClassifier, rowGram, selectGram } from '../src/index.js';

function gaussianData(n: number, p: number, k: number, seed: number, shift = 1.5): { X: Matrix; y: number[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y.push(c);
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j % k === c ? shift : 0));
  }
  return { X, y };
}

/** Solve A x = b by Gaussian elimination with partial pivoting (independent of the package). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

test('LinearSVC with hinge loss and large C finds the hard-margin separator', () => {
  const X = Matrix.from([[1, 0], [2, 1], [1, -1], [-1, 0], [-2, 1], [-1, -1]]);
  const y = ['b', 'b', 'b', 'a', 'a', 'a'];
  const svc = new LinearSVC({ loss: 'hinge', C: 1000, tol: 1e-10, maxIter: 100000 }).fit(X, y);
  // Symmetric data: the maximum-margin hyperplane is x0 = 0 with margin 1 at |x0| = 1.
  assert.ok(Math.abs(svc.coef.get(0, 0) - 1) < 1e-6, `w0 = ${svc.coef.get(0, 0)}`);
  assert.ok(Math.abs(svc.coef.get(0, 1)) < 1e-6, `w1 = ${svc.coef.get(0, 1)}`);
  assert.ok(Math.abs(svc.intercept[0]!) < 1e-6);
  assert.deepEqual(svc.predict(X), y);
  assert.equal(svc.score(X, y), 1);
});

test('LinearSVC (squared hinge) satisfies the primal optimality condition, in both solvers', () => {
  const { X, y } = gaussianData(60, 8, 2, 3, 0.8);
  const C = 0.7;
  for (const solver of ['primal', 'gram'] as const) {
    const svc = new LinearSVC({ C, tol: 1e-12, maxIter: 100000, solver, interceptScaling: 2 }).fit(X, y);
    // Augmented weights (w, b / s) against features (x, s); gradient of
    // 0.5 |w~|^2 + C sum max(0, 1 - y w~.x~)^2 must vanish.
    const s = 2;
    const wb = svc.intercept[0]! / s;
    const grad = Array.from(svc.coef.row(0));
    let gradBias = wb;
    for (let i = 0; i < X.rows; i++) {
      const t = y[i] === 1 ? 1 : -1;
      let m = svc.intercept[0]!;
      for (let j = 0; j < X.cols; j++) m += svc.coef.get(0, j) * X.get(i, j);
      const slack = Math.max(0, 1 - t * m);
      for (let j = 0; j < X.cols; j++) grad[j]! -= 2 * C * slack * t * X.get(i, j);
      gradBias -= 2 * C * slack * t * s;
    }
    for (const g of [...grad, gradBias]) assert.ok(Math.abs(g) < 1e-8, `${solver}: gradient ${g}`);
  }
});

test('LinearSVC multi-class is one-vs-rest with sorted classes and is seed-deterministic', () => {
  const { X, y } = gaussianData(90, 6, 3, 5);
  const labels = y.map((c) => ['zeta', 'alpha', 'mid'][c]!);
  const svc = new LinearSVC({ seed: 3 }).fit(X, labels);
  assert.deepEqual(svc.classes, ['alpha', 'mid', 'zeta']);
  assert.deepEqual([svc.coef.rows, svc.coef.cols], [3, 6]);
  assert.equal(svc.intercept.length, 3);
  const d = svc.decisionFunction(X);
  assert.deepEqual([d.rows, d.cols], [90, 3]);
  // Row c of coef is the binary problem "class c vs rest".
  const alphaVsRest = new LinearSVC({ seed: 3 }).fit(X, labels.map((l) => (l === 'alpha' ? 1 : 0)));
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(alphaVsRest.coef.get(0, j) - svc.coef.get(0, j)) < 1e-3);
  assert.ok(svc.score(X, labels) > 0.8);
  const again = new LinearSVC({ seed: 3 }).fit(X, labels);
  assert.deepEqual(Array.from(again.coef.data), Array.from(svc.coef.data));
});

test('Ridge equals the normal-equation solution with an unpenalised intercept (p < n and p > n)', () => {
  for (const [n, p] of [[30, 4], [8, 20]] as const) {
    const { X } = gaussianData(n, p, 2, 7);
    const r = rng(11);
    const y = Float64Array.from({ length: n }, (_, i) => X.get(i, 0) - 2 * X.get(i, p - 1) + r());
    const alpha = 0.5;
    const model = new Ridge({ alpha }).fit(X, y);
    // [X 1]^T [X 1] + diag(alpha, ..., alpha, 0) solved directly.
    const A: number[][] = [];
    const b: number[] = [];
    for (let a = 0; a <= p; a++) {
      A.push([]);
      let s = 0;
      for (let i = 0; i < n; i++) s += (a < p ? X.get(i, a) : 1) * y[i]!;
      b.push(s);
      for (let c = 0; c <= p; c++) {
        let t = 0;
        for (let i = 0; i < n; i++) t += (a < p ? X.get(i, a) : 1) * (c < p ? X.get(i, c) : 1);
        A[a]!.push(t + (a === c && a < p ? alpha : 0));
      }
    }
    const sol = solve(A, b);
    for (let j = 0; j < p; j++) assert.ok(Math.abs(model.coef.get(0, j) - sol[j]!) < 1e-9, `${n}x${p} coef[${j}]`);
    assert.ok(Math.abs(model.intercept[0]! - sol[p]!) < 1e-9, `${n}x${p} intercept`);
    const pred = model.predict(X);
    assert.equal(pred.length, n);
    assert.ok(model.score(X, y) <= 1);
  }
});

test('RidgeClassifier is Ridge on -1/+1 targets per class', () => {
  const { X, y } = gaussianData(40, 5, 2, 9);
  const rc = new RidgeClassifier({ alpha: 2 }).fit(X, y);
  const ridge = new Ridge({ alpha: 2 }).fit(X, y.map((c) => (c === 1 ? 1 : -1)));
  for (let j = 0; j < 5; j++) assert.ok(Math.abs(rc.coef.get(0, j) - ridge.coef.get(0, j)) < 1e-12);
  const multi = new RidgeClassifier().fit(...Object.values(gaussianData(45, 5, 3, 2)) as [Matrix, number[]]);
  assert.deepEqual([multi.coef.rows, multi.coef.cols], [3, 5]);
});

function logisticGradient(X: Matrix, y: number[], model: LogisticRegression, C: number, cls: number): { gw: number[]; gb: number } {
  const gw = Array.from(model.coef.row(cls));
  let gb = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = model.intercept[cls]!;
    for (let j = 0; j < X.cols; j++) z += X.get(i, j) * model.coef.get(cls, j);
    const t = y[i] === (model.coef.rows === 1 ? 1 : cls) ? 1 : -1;
    const r = (-C * t) / (1 + Math.exp(t * z));
    gb += r;
    for (let j = 0; j < X.cols; j++) gw[j]! += r * X.get(i, j);
  }
  return { gw, gb };
}

test('LogisticRegression L2 one-vs-rest is at the optimum of each binary problem', () => {
  const { X, y } = gaussianData(60, 5, 3, 4);
  const C = 0.3;
  const lr = new LogisticRegression({ C, multiClass: 'ovr' }).fit(X, y);
  assert.deepEqual([lr.coef.rows, lr.coef.cols], [3, 5]);
  for (let c = 0; c < 3; c++) {
    const { gw, gb } = logisticGradient(X, y, lr, C, c);
    for (const g of [...gw, gb]) assert.ok(Math.abs(g) < 1e-8, `class ${c}: gradient ${g}`);
  }
  const proba = lr.predictProba(X);
  for (let i = 0; i < X.rows; i++) assert.ok(Math.abs(proba.row(i).reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('LogisticRegression multinomial satisfies the softmax optimality condition', () => {
  const { X, y } = gaussianData(60, 4, 3, 8);
  const C = 2;
  const lr = new LogisticRegression({ C, multiClass: 'multinomial' }).fit(X, y);
  const k = 3;
  const gW = new Matrix(k, 4, Float64Array.from(lr.coef.data));
  const gb = new Float64Array(k);
  for (let i = 0; i < X.rows; i++) {
    const z = Array.from({ length: k }, (_, c) => lr.intercept[c]! + X.row(i).reduce((s, v, j) => s + v * lr.coef.get(c, j), 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) {
      const r = C * (e[c]! / sum - (y[i] === c ? 1 : 0));
      gb[c]! += r;
      for (let j = 0; j < 4; j++) gW.data[c * 4 + j]! += r * X.get(i, j);
    }
  }
  for (const g of [...gW.data, ...gb]) assert.ok(Math.abs(g) < 1e-8, `gradient ${g}`);
  // Default multiClass 'auto' picks multinomial for three classes with L2.
  const auto = new LogisticRegression({ C }).fit(X, y);
  assert.deepEqual(Array.from(auto.coef.data), Array.from(lr.coef.data));
  const p = lr.predictProba(X);
  assert.deepEqual([p.rows, p.cols], [60, 3]);
});

test('LogisticRegression L2 reaches the optimum on raw-scale features (BOLD-like means and unequal variances)', () => {
  // Means near 1,000 couple every weight to the intercept: plain Newton-CG used to stop short.
  const { X, y } = gaussianData(90, 8, 3, 12);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) X.set(i, j, 900 + 40 * j + X.get(i, j) * (0.3 + 2 * j));
  const C = 1;
  const ovr = new LogisticRegression({ C, multiClass: 'ovr' }).fit(X, y);
  for (let c = 0; c < 3; c++) {
    const { gw, gb } = logisticGradient(X, y, ovr, C, c);
    for (const g of [...gw, gb]) assert.ok(Math.abs(g) < 1e-6, `ovr class ${c}: gradient ${g}`);
  }
  // The multinomial fit on raw features equals the one on centred features (intercepts shifted).
  const multi = new LogisticRegression({ C, multiClass: 'multinomial' }).fit(X, y);
  const means = Array.from({ length: X.cols }, (_, j) => X.col(j).reduce((a, b) => a + b, 0) / X.rows);
  const centred = new Matrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) centred.set(i, j, X.get(i, j) - means[j]!);
  const ref = new LogisticRegression({ C, multiClass: 'multinomial', tol: 1e-8 }).fit(centred, y);
  for (let t = 0; t < multi.coef.data.length; t++) assert.ok(Math.abs(multi.coef.data[t]! - ref.coef.data[t]!) < 1e-6, `weight ${t}`);
  for (let c = 0; c < 3; c++) {
    const shift = means.reduce((s, m, j) => s + m * ref.coef.get(c, j), 0);
    assert.ok(Math.abs(multi.intercept[c]! - (ref.intercept[c]! - shift)) < 1e-5 * Math.max(1, Math.abs(shift)), `intercept ${c}`);
  }
});

test('LogisticRegression L1 gives sparse weights meeting the subgradient conditions', () => {
  const { X, y } = gaussianData(80, 12, 2, 6, 0.6);
  const C = 0.05;
  const lr = new LogisticRegression({ C, penalty: 'l1', tol: 1e-8, maxIter: 10000 }).fit(X, y);
  const { gw, gb } = logisticGradient(X, y, lr, C, 0);
  // Here gw includes the w term of the L2 gradient; remove it to get the loss gradient.
  const w = lr.coef.row(0);
  let zeros = 0;
  for (let j = 0; j < 12; j++) {
    const g = gw[j]! - w[j]!;
    if (w[j] === 0) {
      zeros++;
      assert.ok(Math.abs(g) <= 1 + 1e-6, `zero weight ${j}: |grad| ${Math.abs(g)} > 1`);
    } else {
      assert.ok(Math.abs(g + Math.sign(w[j]!)) < 1e-4, `weight ${j}: grad ${g} vs -sign ${-Math.sign(w[j]!)}`);
    }
  }
  assert.ok(zeros > 0, 'some weights are exactly zero');
  assert.ok(Math.abs(gb) < 1e-4, `intercept gradient ${gb}`);
});

test('LinearSVC accepts a precomputed Gram matrix (e.g. a fold taken from the full one)', () => {
  const { X, y } = gaussianData(50, 30, 2, 12, 0.7);
  const K = rowGram(X.data, X.rows, X.cols);
  const train = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 !== 0);
  const Xt = X.selectRows(train);
  const yt = train.map((i) => y[i]!);
  const direct = new LinearSVC({ seed: 2 }).fit(Xt, yt);
  const viaGram = new LinearSVC({ seed: 2 }).fit(Xt, yt, { gram: selectGram(K, 50, train) });
  for (let j = 0; j < 30; j++) assert.ok(Math.abs(direct.coef.get(0, j) - viaGram.coef.get(0, j)) < 1e-9);
  assert.ok(Math.abs(direct.intercept[0]! - viaGram.intercept[0]!) < 1e-9);
  assert.throws(() => new LinearSVC().fit(Xt, yt, { gram: K }), /gram: length 2500 does not match X rows 40/);
});

test('LogisticRegression with more features than samples (kernel Newton) is at the primal optimum', () => {
  const { X, y } = gaussianData(24, 60, 2, 21, 0.5);
  for (const fitIntercept of [true, false]) {
    const C = 0.8;
    const lr = new LogisticRegression({ C, fitIntercept }).fit(X, y);
    const { gw, gb } = logisticGradient(X, y, lr, C, 0);
    for (const g of gw) assert.ok(Math.abs(g) < 1e-8, `gradient ${g}`);
    if (fitIntercept) assert.ok(Math.abs(gb) < 1e-8, `intercept gradient ${gb}`);
    else assert.equal(lr.intercept[0], 0);
  }
});

test('solver "tfjs" without @neurodecode/spacenet loaded names the package to import', () => {
  const X = Matrix.from([[0, 1], [1, 0], [0, 2], [2, 0]]);
  const y = [0, 1, 0, 1];
  assert.throws(() => new LinearSVC({ solver: 'tfjs' }).fit(X, y), /solver "tfjs" needs @neurodecode\/spacenet/);
  assert.throws(() => new LogisticRegression({ solver: 'tfjs' }).fit(X, y), /solver "tfjs" needs @neurodecode\/spacenet/);
});
