// The engine on the haxby slice (face vs house, KFold(4) without shuffling, radius 5.6 mm):
// GaussianNB against nilearn's reference, and each fast path against the generic per-sphere path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reference, skipWithoutShared } from '@neurodecode/testkit';
import { searchlight } from '../src/index.js';
import { haxbySlice, meanAbsDiff, pluginModule, sliceOptions } from './helpers.js';

const skip = skipWithoutShared();

test('GaussianNB fast path equals nilearn\'s searchlight scores to 1e-6', { skip }, async () => {
  const ref = (await reference())['searchlight_gnb_radius5.6_kfold4_face_vs_house'].scores_in_mask_c_order as number[];
  const r = await searchlight(await sliceOptions({ estimator: 'gnb' }));
  assert.equal(r.kernel, 'gnb');
  assert.equal(r.scores.length, ref.length);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(r.scores[i]! - ref[i]!) <= 1e-6, `sphere ${i}: ${r.scores[i]} vs ${ref[i]}`);
  // The image holds the scores at the mask voxels, C order.
  const img = r.scoresImg;
  assert.deepEqual(img.shape, [40, 20, 1]);
  assert.equal(img.dtype, 'float32');
});

for (const standardize of [false, true]) {
  test(`GaussianNB fast path equals the generic path (standardize=${standardize})`, { skip }, async () => {
    const fast = await searchlight(await sliceOptions({ estimator: 'gnb', standardize, returnFoldScores: true }));
    const slow = await searchlight(await sliceOptions({ estimator: 'gnb', standardize, fastPath: false, returnFoldScores: true }));
    assert.equal(slow.kernel, 'generic');
    assert.ok(meanAbsDiff(fast.foldScores!, slow.foldScores!) <= 1e-6);
  });
}

test('LinearSVC fast path equals the converged generic path (plugin estimator) on raw data', { skip }, async () => {
  const fast = await searchlight(await sliceOptions({ estimator: 'svc' }));
  assert.equal(fast.kernel, 'linear-svc');
  const generic = await searchlight(await sliceOptions({ estimator: { name: 'exact-svc', modules: [pluginModule] } }));
  assert.equal(generic.kernel, 'generic');
  const diff = meanAbsDiff(fast.scores, generic.scores);
  assert.ok(diff <= 1e-6, `mean abs difference ${diff}`);
  for (const s of fast.scores) assert.ok(s >= 0 && s <= 1);
});

test('LinearSVC fast path matches the built-in LinearSVC (generic path) on standardized spheres', { skip }, async () => {
  const fast = await searchlight(await sliceOptions({ estimator: 'svc', standardize: true }));
  const generic = await searchlight(await sliceOptions({ estimator: 'svc', standardize: true, fastPath: false }));
  const diff = meanAbsDiff(fast.scores, generic.scores);
  assert.ok(diff <= 0.01, `mean abs difference ${diff}`);
  assert.ok(diff <= 1e-3, `mean abs difference ${diff}`);
});

test('logistic fast path matches the built-in LogisticRegression on standardized spheres', { skip }, async () => {
  const fast = await searchlight(await sliceOptions({ estimator: 'logistic', standardize: true }));
  assert.equal(fast.kernel, 'logistic');
  const generic = await searchlight(await sliceOptions({ estimator: 'logistic', standardize: true, fastPath: false }));
  assert.ok(meanAbsDiff(fast.scores, generic.scores) <= 1e-3);
});

test('logistic fast path on raw data matches a tightly converged generic LogisticRegression', { skip }, async () => {
  // A quarter of the slice as centres keeps the slow, tightly converged generic run short.
  const { mask } = await haxbySlice();
  const part = new Uint8Array(mask.data.length);
  for (let v = 0; v < part.length; v++) part[v] = mask.data[v]! && v % 40 < 10 ? 1 : 0;
  const processMask = mask.withData(part);
  const fast = await searchlight(await sliceOptions({ estimator: 'logistic', processMask }));
  const generic = await searchlight(await sliceOptions({ estimator: { name: 'logistic', params: { maxIter: 2000, tol: 1e-10 } }, processMask, fastPath: false }));
  assert.ok(fast.nSpheres > 50 && fast.nSpheres < 300);
  const diff = meanAbsDiff(fast.scores, generic.scores);
  assert.ok(diff <= 0.01, `mean abs difference ${diff}`);
});

test('one thread and two threads give identical maps; balanced accuracy is supported', { skip }, async () => {
  const one = await searchlight(await sliceOptions({ estimator: 'svc', threads: 1 }));
  const two = await searchlight(await sliceOptions({ estimator: 'svc', threads: 2, chunkSize: 7 }));
  assert.deepEqual(Array.from(one.scores), Array.from(two.scores));
  const bal = await searchlight(await sliceOptions({ estimator: 'gnb', scoring: 'balanced_accuracy' }));
  const balGeneric = await searchlight(await sliceOptions({ estimator: 'gnb', scoring: 'balanced_accuracy', fastPath: false }));
  assert.equal(bal.kernel, 'gnb');
  assert.ok(meanAbsDiff(bal.scores, balGeneric.scores) <= 1e-9);
});

test('an estimator instance runs the generic path: a built-in one on every thread, any other in this thread', { skip }, async () => {
  const { GaussianNB } = await import('@neurodecode/estimators');
  // A subclass is not rebuilt from the registry (its constructor is not the registered one).
  class MyGaussianNB extends GaussianNB {}
  const viaName = await searchlight(await sliceOptions({ estimator: 'gnb' }));
  const viaBuiltin = await searchlight(await sliceOptions({ estimator: new GaussianNB(), fastPath: false }));
  assert.equal(viaBuiltin.kernel, 'generic');
  assert.equal(viaBuiltin.threads, 2);
  const viaOther = await searchlight(await sliceOptions({ estimator: new MyGaussianNB(), fastPath: false }));
  assert.equal(viaOther.threads, 1);
  assert.ok(meanAbsDiff(viaBuiltin.scores, viaName.scores) <= 1e-6);
  assert.ok(meanAbsDiff(viaOther.scores, viaName.scores) <= 1e-6);
});
