// The multinomial logistic fast path ('logistic-multinomial'): the solver lands on
// LogisticRegression's multinomial optimum (decision values, intercepts summing to zero, a zero
// gradient computed here independently, also on raw-scale haxby spheres), and the searchlight's
// fold scores equal LogisticRegression fits through the generic path on simulated data and on the
// eight-class haxby slice, for accuracy and balanced accuracy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KFold } from '@neurodecode/cv';
import { LogisticRegression } from '@neurodecode/estimators';
import { Matrix } from '@neurodecode/matrix';
import { NiftiImage } from '@neurodecode/nifti-io';
import { rng, skipWithoutShared } from '@neurodecode/testkit';
import { searchlight, searchlightNullMaps, type SearchlightOptions } from '../src/index.js';
import { chooseEstimator } from '../src/core.js';
import { multinomialWork, solveMultinomialNewton } from '../src/multinomial.js';
import { everyNth, haxbySlice, permutedLabels, sliceOptions } from './helpers.js';

const skip = skipWithoutShared();

/** n samples of k classes in p features: class means apart on the first features, noise, an offset. */
function problem(seed: number, n: number, p: number, k: number, scale = 1, offset = 0) {
  const random = rng(seed);
  const A = new Float64Array(n * p);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    codes[i] = i % k;
    for (let j = 0; j < p; j++) {
      const signal = j < 2 * k ? (j % k === codes[i] ? 0.8 : 0) : 0;
      A[i * p + j] = offset + scale * (signal + (random() - 0.5) * 2);
    }
  }
  return { A, codes };
}

/** Decision values X W' + b (n x k). */
function decisions(A: Float64Array, n: number, p: number, k: number, W: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let z = b[c]!;
      for (let j = 0; j < p; j++) z += W[c * p + j]! * A[i * p + j]!;
      out[i * k + c] = z;
    }
  return out;
}

/** Largest entry of the objective's gradient, W + C X'(P - Y) and C 1'(P - Y), at (W, b). */
function gradientMax(A: Float64Array, n: number, p: number, k: number, codes: Int32Array, C: number, W: Float64Array, b: Float64Array, intercept: boolean) {
  const Z = decisions(A, n, p, k, W, b);
  const gW = Float64Array.from(W.subarray(0, k * p));
  const gb = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const max = Math.max(...Z.subarray(i * k, (i + 1) * k));
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(Z[i * k + c]! - max);
    for (let c = 0; c < k; c++) {
      const r = C * (Math.exp(Z[i * k + c]! - max) / s - (codes[i] === c ? 1 : 0));
      gb[c]! += r;
      for (let j = 0; j < p; j++) gW[c * p + j]! += r * A[i * p + j]!;
    }
  }
  return Math.max(...gW.map(Math.abs), ...(intercept ? gb.map(Math.abs) : [0]));
}

test('multinomial Newton lands on LogisticRegression\'s multinomial fit (decision values, intercepts summing to zero)', () => {
  for (const { k, intercept, C, offset } of [
    { k: 3, intercept: true, C: 1, offset: 0 },
    { k: 4, intercept: true, C: 0.1, offset: 5 },
    { k: 3, intercept: false, C: 2, offset: 0.5 },
    { k: 2, intercept: true, C: 1, offset: 0 },
  ]) {
    const n = 90,
      p = 8;
    const { A, codes } = problem(k * 7 + 1, n, p, k, 1, offset);
    const W = new Float64Array(k * p),
      b = new Float64Array(k);
    const iters = solveMultinomialNewton(A, n, p, codes, k, C, intercept, 1e-10, 100, W, b, multinomialWork(n, p, k));
    assert.ok(iters < 100, `k=${k}: ${iters} iterations`);
    const est = new LogisticRegression({ C, fitIntercept: intercept, multiClass: 'multinomial' }).fit(new Matrix(n, p, A), Array.from(codes));
    const ours = decisions(A, n, p, k, W, b);
    const theirs = est.decisionFunction(new Matrix(n, p, A));
    for (let i = 0; i < n; i++) {
      if (k === 2) {
        // LogisticRegression keeps one column for two classes: class 1's score minus class 0's.
        const z = ours[i * 2 + 1]! - ours[i * 2]!;
        assert.ok(Math.abs(z - theirs.data[i]!) < 1e-6, `k=2 sample ${i}: ${z} vs ${theirs.data[i]}`);
      } else {
        for (let c = 0; c < k; c++) assert.ok(Math.abs(ours[i * k + c]! - theirs.data[i * k + c]!) < 1e-6, `k=${k} sample ${i} class ${c}`);
      }
    }
    assert.ok(Math.abs(b.reduce((s, v) => s + v, 0)) < 1e-8, `k=${k}: intercepts sum to ${b.reduce((s, v) => s + v, 0)}`);
    assert.ok(gradientMax(A, n, p, k, codes, C, W, b, intercept) < 1e-8, `k=${k}: gradient`);
  }
});

test('multinomial Newton reaches a zero gradient on raw-scale data (offset 1000, spread 40)', () => {
  const n = 150,
    p = 9,
    k = 5;
  const { A, codes } = problem(3, n, p, k, 40, 1000);
  const W = new Float64Array(k * p),
    b = new Float64Array(k);
  solveMultinomialNewton(A, n, p, codes, k, 1, true, 1e-10, 100, W, b, multinomialWork(n, p, k));
  // The gradient's scale at zero is about C n |x| / k, here ~3e4.
  const g = gradientMax(A, n, p, k, codes, 1, W, b, true);
  assert.ok(g < 1e-6, `gradient ${g}`);
  assert.throws(() => solveMultinomialNewton(A, n, p, codes, 4, 1, true, 1e-10, 100, W, b, multinomialWork(n, p, k)), /exceeds the work arrays/);
});

test('kernel choice: multinomial for L2 logistic with several classes (or multiClass "multinomial"), one-vs-rest when asked', async () => {
  assert.equal((await chooseEstimator('logistic', 'accuracy', 8, true)).kernel, 'logistic-multinomial');
  assert.equal((await chooseEstimator(new LogisticRegression(), 'balanced_accuracy', 3, true)).kernel, 'logistic-multinomial');
  assert.equal((await chooseEstimator(new LogisticRegression({ multiClass: 'multinomial' }), 'accuracy', 2, true)).kernel, 'logistic-multinomial');
  assert.equal((await chooseEstimator(new LogisticRegression(), 'accuracy', 2, true)).kernel, 'logistic');
  assert.equal((await chooseEstimator(new LogisticRegression({ multiClass: 'ovr' }), 'accuracy', 8, true)).kernel, 'logistic');
  // lbfgs stops early where scikit-learn does, which is not the optimum: fit() per sphere.
  assert.equal((await chooseEstimator(new LogisticRegression({ solver: 'lbfgs' }), 'accuracy', 8, true)).kernel, 'generic');
  assert.equal((await chooseEstimator(new LogisticRegression(), 'roc_auc_ovr', 8, true)).kernel, 'generic');
  assert.equal((await chooseEstimator(new LogisticRegression(), 'accuracy', 8, false)).kernel, 'generic');
});

/** A 5 x 4 x 2 volume of 90 samples, k classes: a class signal in half the voxels, noise and an offset. */
function simulated(k: number): Pick<SearchlightOptions, 'func' | 'mask' | 'y'> {
  const shape = [5, 4, 2];
  const V = 40,
    n = 90;
  const random = rng(11);
  const data = new Float32Array(V * n);
  const y: string[] = [];
  for (let t = 0; t < n; t++) {
    const c = t % k;
    y.push(`c${c}`);
    for (let v = 0; v < V; v++) data[t * V + v] = 100 + (v % 2 === 0 && (v >> 1) % k === c ? 0.7 : 0) + (random() - 0.5) * 2;
  }
  const affine = [
    [3, 0, 0, 0],
    [0, 3, 0, 0],
    [0, 0, 3, 0],
    [0, 0, 0, 1],
  ];
  return {
    func: new NiftiImage({ data, shape: [...shape, n], affine }),
    mask: new NiftiImage({ data: new Uint8Array(V).fill(1), shape, affine }),
    y,
  };
}

function assertSameFoldScores(fast: Float64Array, generic: Float64Array, what: string) {
  assert.equal(fast.length, generic.length);
  for (let i = 0; i < fast.length; i++) assert.equal(fast[i], generic[i], `${what}: fold score ${i}`);
}

test('simulated data: multinomial fast path scores equal LogisticRegression fits (accuracy, balanced accuracy, with and without intercept, two classes)', async () => {
  const cases: { k: number; params: ConstructorParameters<typeof LogisticRegression>[0]; standardize: boolean }[] = [
    { k: 3, params: {}, standardize: false },
    { k: 3, params: { C: 0.05, fitIntercept: false }, standardize: true },
    { k: 2, params: { multiClass: 'multinomial' }, standardize: false },
  ];
  for (const { k, params, standardize } of cases) {
    for (const scoring of ['accuracy', 'balanced_accuracy']) {
      const base: SearchlightOptions = {
        ...simulated(k),
        cv: new KFold({ nSplits: 3, shuffle: true, seed: 1 }),
        radius: 5.6,
        threads: 1,
        scoring,
        standardize,
        returnFoldScores: true,
      };
      const fast = await searchlight({ ...base, estimator: new LogisticRegression(params) });
      assert.equal(fast.kernel, 'logistic-multinomial');
      const generic = await searchlight({ ...base, estimator: new LogisticRegression(params), fastPath: false });
      assert.equal(generic.kernel, 'generic');
      assertSameFoldScores(fast.foldScores!, generic.foldScores!, `${k} classes ${JSON.stringify(params)} ${scoring}`);
      assert.ok(Math.max(...fast.scores) > 1.5 / k, `best sphere ${Math.max(...fast.scores)}`);
    }
  }
});

test('eight-class haxby slice: multinomial fast path scores equal LogisticRegression fits in the generic path', { skip }, async () => {
  const d = await haxbySlice();
  const targets = [...new Set(d.y)].filter((c) => c !== 'rest');
  assert.equal(targets.length, 8);
  // Standardized: LogisticRegression's Newton-CG then converges within its default 100 iterations
  // (on raw BOLD values it stops at maxIter, short of the optimum the fast path reaches).
  const extra = { targets, processMask: await everyNth(60), chunkSize: 2, standardize: true, returnFoldScores: true };
  for (const scoring of ['accuracy', 'balanced_accuracy']) {
    const fast = await searchlight(await sliceOptions({ ...extra, scoring, estimator: 'logistic' }));
    assert.equal(fast.kernel, 'logistic-multinomial');
    const generic = await searchlight(await sliceOptions({ ...extra, scoring, estimator: new LogisticRegression(), fastPath: false }));
    assert.equal(generic.kernel, 'generic');
    assertSameFoldScores(fast.foldScores!, generic.foldScores!, scoring);
    assert.ok(Math.max(...fast.scores) > 0.2, `best sphere ${Math.max(...fast.scores)}`);
  }
});

test('eight-class haxby spheres on raw BOLD values: the multinomial solver reaches a zero gradient', { skip }, async () => {
  const d = await haxbySlice();
  const targets = [...new Set(d.y)].filter((c) => c !== 'rest').sort();
  const keep = d.y.map((l, i) => (l === 'rest' ? -1 : i)).filter((i) => i >= 0);
  const { func } = d;
  const volume = func.shape[0]! * func.shape[1]! * func.shape[2]!;
  // Three 9-voxel neighbourhoods (in-plane 3 x 3 blocks) of the slice, all samples.
  const n = keep.length,
    p = 9,
    k = 8;
  const codes = Int32Array.from(keep, (i) => targets.indexOf(d.y[i]!));
  const work = multinomialWork(n, p, k);
  for (const [x0, y0] of [[14, 6], [20, 9], [25, 12]] as const) {
    const A = new Float64Array(n * p);
    keep.forEach((t, i) => {
      for (let j = 0; j < p; j++) A[i * p + j] = Number(func.data[t * volume + (x0 + (j % 3)) + func.shape[0]! * (y0 + Math.floor(j / 3))]);
    });
    const W = new Float64Array(k * p),
      b = new Float64Array(k);
    solveMultinomialNewton(A, n, p, codes, k, 1, true, 1e-10, 100, W, b, work);
    const g = gradientMax(A, n, p, k, codes, 1, W, b, true);
    assert.ok(g < 1e-4, `block at ${x0},${y0}: gradient ${g}`);
  }
});

test('eight-class multinomial null map (all label sets in one pass) equals the plain searchlight on the permuted labels', { skip }, async () => {
  const d = await haxbySlice();
  const targets = [...new Set(d.y)].filter((c) => c !== 'rest');
  const base = await sliceOptions({ estimator: 'logistic', targets, groups: d.chunks, processMask: await everyNth(50), chunkSize: 2 });
  const res = await searchlightNullMaps({ ...base, nPermutations: 1, seed: 5 });
  assert.equal(res.kernel, 'logistic-multinomial');
  const plain = await searchlight(base);
  assert.deepEqual(Array.from(res.scores), Array.from(plain.scores));
  const again = await searchlight({ ...base, y: await permutedLabels(targets, 5) });
  assert.deepEqual(Array.from(res.nullScores), Array.from(again.scores));
});
