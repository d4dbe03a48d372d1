import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '@neurodecode/testkit';
import type { Matrix } from '@neurodecode/matrix';
import type { Targets } from '@neurodecode/estimators';
import { permutationTestScore, crossValScore, KFold, LeaveOneGroupOut } from '../src/index.js';
import { labelPermutation } from '../src/permutation.js';
import { createRandom } from '../src/random.js';
import { NearestCentroid, blobs } from './fixtures.js';

test('permutationTestScore: score is the plain CV mean, p-value follows (C + 1) / (n + 1)', () => {
  const { X, y } = blobs(20, 3, 0, 1, rng(3));
  const cv = new KFold({ nSplits: 4, shuffle: true, seed: 1 });
  const r = permutationTestScore(new NearestCentroid(), X, y, { cv, nPermutations: 30, scoring: 'accuracy', seed: 4 });
  const plain = crossValScore(new NearestCentroid(), X, y, { cv, scoring: 'accuracy' });
  assert.deepEqual(Array.from(r.foldScores), Array.from(plain));
  assert.equal(r.score, plain.reduce((a, b) => a + b, 0) / plain.length);
  assert.equal(r.nullScores.length, 30);
  const atLeast = Array.from(r.nullScores).filter((s) => s >= r.score).length;
  assert.equal(r.pvalue, (atLeast + 1) / 31);
  assert.ok(new Set(r.nullScores).size > 1, 'null scores vary across permutations');
});

test('permutationTestScore: a strong effect gets the smallest possible p-value', () => {
  const { X, y } = blobs(20, 2, 1, 8, rng(5));
  const r = permutationTestScore(new NearestCentroid(), X, y, { cv: 4, nPermutations: 19 });
  assert.equal(r.score, 1);
  assert.ok(Array.from(r.nullScores).every((s) => s < 1));
  assert.equal(r.pvalue, 1 / 20);
});

test('permutationTestScore: deterministic per seed, different across seeds, progress reported', () => {
  const { X, y } = blobs(15, 3, 0, 0.5, rng(6));
  const run = (seed: number) => permutationTestScore(new NearestCentroid(), X, y, { cv: 3, nPermutations: 15, seed });
  assert.deepEqual(run(1).nullScores, run(1).nullScores);
  assert.notDeepEqual(run(1).nullScores, run(2).nullScores);
  let last: [number, number] = [0, 0];
  permutationTestScore(new NearestCentroid(), X, y, { cv: 3, nPermutations: 5, onProgress: (d, t) => (last = [d, t]) });
  assert.deepEqual(last, [18, 18]);
});

test('labelPermutation within groups keeps every group\'s label multiset', () => {
  const groups = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2];
  const y = ['a', 'b', 'b', 'a', 'a', 'b', 'c', 'c', 'c', 'a', 'b', 'b'];
  const random = createRandom(9);
  let moved = false;
  for (let t = 0; t < 20; t++) {
    const perm = labelPermutation(12, random, Int32Array.from(groups), 3);
    for (let i = 0; i < 12; i++) assert.equal(groups[perm[i]!], groups[i], 'a sample only takes labels from its own group');
    assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    for (let g = 0; g < 3; g++) {
      const before = y.filter((_, i) => groups[i] === g).sort();
      const after = y.map((_, i) => y[perm[i]!]!).filter((_, i) => groups[i] === g).sort();
      assert.deepEqual(after, before);
    }
    moved ||= perm.some((p, i) => p !== i);
  }
  assert.ok(moved);
});

test('permutationTestScore: within-group permutation via options; errors', () => {
  const { X, y } = blobs(12, 2, 0, 2, rng(7));
  const groups = y.map((_, i) => i % 4);
  const r = permutationTestScore(new NearestCentroid(), X, y, {
    cv: new LeaveOneGroupOut(), groups, nPermutations: 10, permuteWithinGroups: true,
  });
  assert.equal(r.foldScores.length, 4);
  assert.equal(r.nullScores.length, 10);
  assert.throws(() => permutationTestScore(new NearestCentroid(), X, y, { permuteWithinGroups: true }), /permuteWithinGroups: needs groups/);
  // scikit-learn's semantics: with groups, labels are shuffled within groups unless told otherwise.
  const base = { cv: new LeaveOneGroupOut(), groups, nPermutations: 10, seed: 5 };
  const byDefault = permutationTestScore(new NearestCentroid(), X, y, base);
  assert.deepEqual(byDefault.nullScores, permutationTestScore(new NearestCentroid(), X, y, { ...base, permuteWithinGroups: true }).nullScores);
  assert.notDeepEqual(byDefault.nullScores, permutationTestScore(new NearestCentroid(), X, y, { ...base, permuteWithinGroups: false }).nullScores);
  assert.throws(() => permutationTestScore(new NearestCentroid(), X, y, { nPermutations: 0 }), /nPermutations: expected an integer >= 1, got 0/);
});

test('permutationTestScore uses prepareFixedDesign once per fold when the estimator offers it', () => {
  const { X, y } = blobs(12, 3, 0, 1, rng(12));
  let prepared = 0;
  let fits = 0;
  class Prepared extends NearestCentroid {
    prepareFixedDesign(XTrain: Matrix) {
      prepared++;
      return (labels: Targets) => {
        fits++;
        return new NearestCentroid().fit(XTrain, labels);
      };
    }
    override clone(): Prepared {
      return new Prepared(this.getParams());
    }
  }
  const opts = { cv: 4, nPermutations: 7, seed: 3 };
  const fast = permutationTestScore(new Prepared(), X, y, opts);
  const generic = permutationTestScore(new NearestCentroid(), X, y, opts);
  assert.equal(prepared, 4);
  assert.equal(fits, 4 * 8);
  assert.deepEqual(fast, generic);
});
