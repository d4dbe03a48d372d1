// searchlightNullMaps: each null map must be exactly the searchlight of the same data with the
// permuted labels, the shuffles must stay within runs, and the observed map must be the plain one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@neurodecode/estimators';
import { skipWithoutShared } from '@neurodecode/testkit';
import { permuteWithinGroups, searchlight, searchlightNullMaps } from '../src/index.js';
import { haxbySlice, permutedLabels, sliceOptions } from './helpers.js';

test('permuteWithinGroups shuffles only inside each group, and is seeded', () => {
  const groups = [0, 0, 0, 1, 1, 1, 1, 2, 2];
  let a = 5;
  const next = () => ((a = (a * 16807) % 2147483647) / 2147483647);
  const perm = permuteWithinGroups(groups, groups.length, next);
  assert.deepEqual([...perm].sort((x, y) => x - y), groups.map((_g, i) => i));
  perm.forEach((j, i) => assert.equal(groups[j], groups[i], `sample ${i} took a label from another group`));
});

test('null maps equal plain searchlights on the within-run permuted labels (GaussianNB, standardized LinearSVC and logistic)', { skip: skipWithoutShared() }, async () => {
  const d = await haxbySlice();
  const rows = d.y.map((l, i) => (l === 'face' || l === 'house' ? i : -1)).filter((i) => i >= 0);
  // GaussianNB runs one label set at a time; LinearSVC and logistic score every set in one pass.
  for (const extra of [{ estimator: 'gnb' }, { estimator: 'svc', standardize: true }, { estimator: 'logistic', standardize: true }]) {
    const base = await sliceOptions({ ...extra, groups: d.chunks });
    const res = await searchlightNullMaps({ ...base, nPermutations: 3, seed: 7 });
    const plain = await searchlight(base);
    assert.deepEqual(Array.from(res.scores), Array.from(plain.scores));
    assert.deepEqual(res.nullImg.shape, [...plain.scoresImg.shape, 3]);
    // Replay the shuffles: the same generator and grouping as the engine.
    let seed = 7 >>> 0;
    const next = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const groups = rows.map((r) => d.chunks[r]!);
    const selected = rows.map((r) => d.y[r]!);
    for (let k = 0; k < 3; k++) {
      const perm = permuteWithinGroups(groups, rows.length, next);
      const y = d.y.slice();
      rows.forEach((r, i) => { y[r] = selected[perm[i]!]!; });
      const again = await searchlight({ ...base, y });
      assert.deepEqual(Array.from(res.nullScores.subarray(k * res.nSpheres, (k + 1) * res.nSpheres)), Array.from(again.scores), `${extra.estimator} null map ${k}`);
    }
    const nullMean = res.nullScores.reduce((s, x) => s + x, 0) / res.nullScores.length;
    assert.ok(Math.abs(nullMean - 0.5) < 0.05, `null maps sit near chance: ${nullMean}`);
  }
});

test('eight-class LinearSVC null map (one-vs-rest, all label sets in one pass) equals the plain searchlight on the permuted labels', { skip: skipWithoutShared() }, async () => {
  const d = await haxbySlice();
  const targets = [...new Set(d.y)].filter((c) => c !== 'rest');
  const base = await sliceOptions({ estimator: 'svc', targets, groups: d.chunks });
  const res = await searchlightNullMaps({ ...base, nPermutations: 1, seed: 3 });
  assert.equal(res.kernel, 'linear-svc');
  const plain = await searchlight(base);
  assert.deepEqual(Array.from(res.scores), Array.from(plain.scores));
  // The permutation, replayed from the engine's generator.
  const again = await searchlight({ ...base, y: await permutedLabels(targets, 3) });
  assert.deepEqual(Array.from(res.nullScores), Array.from(again.scores));
});
