// Eight categories on the haxby slice (KFold(4), radius 5.6 mm): the one-vs-rest fast paths give
// the scores of plain per-class fits through the generic path, and the generic path runs on
// every worker thread for built-in estimator instances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogisticRegression, RidgeClassifier } from '@neurodecode/estimators';
import { skipWithoutShared } from '@neurodecode/testkit';
import { searchlight } from '../src/index.js';
import { everyNth, haxbySlice, meanAbsDiff, pluginModule, sliceOptions } from './helpers.js';

const skip = skipWithoutShared();

async function eightClassOptions() {
  const d = await haxbySlice();
  const targets = [...new Set(d.y)].filter((c) => c !== 'rest');
  assert.equal(targets.length, 8);
  return { targets, returnFoldScores: true };
}

test('eight-class LinearSVC fast path (one-vs-rest) equals converged per-class fits in the generic path', { skip }, async () => {
  const extra = await eightClassOptions();
  const fast = await searchlight(await sliceOptions({ ...extra, estimator: 'svc' }));
  assert.equal(fast.kernel, 'linear-svc');
  const generic = await searchlight(await sliceOptions({ ...extra, estimator: { name: 'exact-svc', modules: [pluginModule] } }));
  assert.equal(generic.kernel, 'generic');
  const diff = meanAbsDiff(fast.foldScores!, generic.foldScores!);
  assert.ok(diff <= 1e-6, `mean abs difference ${diff}`);
  // Above chance (1/8) somewhere, so the comparison is not between two constant maps.
  assert.ok(Math.max(...fast.scores) > 0.2, `best sphere ${Math.max(...fast.scores)}`);
});

test('eight-class GaussianNB fast path equals GaussianNB fits in the generic path', { skip }, async () => {
  const extra = await eightClassOptions();
  for (const standardize of [false, true]) {
    const fast = await searchlight(await sliceOptions({ ...extra, standardize, estimator: 'gnb' }));
    assert.equal(fast.kernel, 'gnb');
    const generic = await searchlight(await sliceOptions({ ...extra, standardize, estimator: 'gnb', fastPath: false }));
    assert.equal(generic.kernel, 'generic');
    const diff = meanAbsDiff(fast.foldScores!, generic.foldScores!);
    assert.ok(diff <= 1e-6, `standardize=${standardize}: mean abs difference ${diff}`);
    assert.ok(Math.max(...fast.scores) > 0.2, `best sphere ${Math.max(...fast.scores)}`);
  }
});

test('eight-class one-vs-rest logistic fast path equals LogisticRegression fits; an instance runs on all threads', { skip }, async () => {
  const extra = { ...(await eightClassOptions()), processMask: await everyNth(20), chunkSize: 4, standardize: true };
  const fast = await searchlight(await sliceOptions({ ...extra, estimator: new LogisticRegression({ multiClass: 'ovr' }) }));
  assert.equal(fast.kernel, 'logistic');
  // Newton-CG to a tight tolerance: the fast path solves each problem to its optimum.
  const generic = await searchlight(await sliceOptions({ ...extra, estimator: new LogisticRegression({ multiClass: 'ovr', maxIter: 2000, tol: 1e-10 }), fastPath: false }));
  assert.equal(generic.kernel, 'generic');
  assert.equal(generic.threads, 2);
  const diff = meanAbsDiff(fast.foldScores!, generic.foldScores!);
  assert.ok(diff <= 1e-6, `mean abs difference ${diff}`);
});

test('RidgeClassifier fast path (all classes from one factored Gram) equals RidgeClassifier fits, eight classes and two', { skip }, async () => {
  const eight = await eightClassOptions();
  for (const extra of [eight, { targets: ['face', 'house'], returnFoldScores: true }]) {
    for (const estimator of ['ridge-classifier', new RidgeClassifier({ alpha: 10, fitIntercept: false })]) {
      const fast = await searchlight(await sliceOptions({ ...extra, estimator }));
      assert.equal(fast.kernel, 'ridge');
      const generic = await searchlight(await sliceOptions({ ...extra, estimator, fastPath: false }));
      assert.equal(generic.kernel, 'generic');
      const diff = meanAbsDiff(fast.foldScores!, generic.foldScores!);
      assert.ok(diff <= 1e-9, `${extra.targets.length} classes: mean abs difference ${diff}`);
      assert.ok(Math.max(...fast.scores) > 1.5 / extra.targets.length, `best sphere ${Math.max(...fast.scores)}`);
    }
  }
});
