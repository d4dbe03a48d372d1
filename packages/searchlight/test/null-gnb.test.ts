// PermutedGnb (one pass per column, fold totals minus the fold's part) against gnb.ts's two-pass
// gnbStatistics / gnbTable on the same permuted labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '@neurodecode/testkit';
import type { ComputePlan } from '../src/compute.js';
import { gnbStatistics, gnbStride, gnbTable } from '../src/gnb.js';
import { PermutedGnb } from '../src/null-gnb.js';

function plan(folds: ComputePlan['folds'], opts: { standardize?: boolean; constantColumn?: boolean } = {}): ComputePlan {
  const r = rng(3);
  const n = 24, V = 30;
  const X = new Float64Array(n * V);
  // A BOLD-like baseline (1000) with unit-scale noise: the one-pass sums must not lose precision to it.
  for (let i = 0; i < X.length; i++) X[i] = 1000 + 20 * (r() - 0.5) + (i % 7);
  if (opts.constantColumn) X.fill(1000, 5 * n, 6 * n);
  const codes = Int32Array.from({ length: n }, (_x, i) => i % 2);
  const shift = new Float64Array(opts.standardize ? folds.length * V : 0).fill(1000);
  const scale = new Float64Array(opts.standardize ? folds.length * V : 0).fill(0.1);
  return {
    kernel: 'gnb', params: {}, scoring: 'accuracy', X, nSamples: n, nColumns: V, sphereOffsets: new Int32Array(1), sphereIndices: new Int32Array(0),
    folds, codes, nClasses: 2, shift, scale, gnbStats: new Float64Array(0), gnbTable: new Float64Array(0), gnbTableOffsets: new Int32Array(0),
    foldScores: new Float64Array(0),
  };
}

const kfold = (n: number, k: number): ComputePlan['folds'] => Array.from({ length: k }, (_x, f) => {
  const test = Int32Array.from({ length: n }, (_y, i) => i).filter((i) => i % k === f);
  return { train: Int32Array.from({ length: n }, (_y, i) => i).filter((i) => i % k !== f), test };
});

function permuted(base: ComputePlan, seed: number): Int32Array {
  const r = rng(seed);
  const c = base.codes.slice();
  for (let i = c.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [c[i], c[j]] = [c[j]!, c[i]!]; }
  return c;
}

function close(a: Float64Array, b: Float64Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${x} vs ${b[i]}`));
}

test('PermutedGnb equals gnbStatistics and gnbTable on permuted labels (partitioning folds)', () => {
  const base = plan(kfold(24, 4));
  const gnb = new PermutedGnb(base);
  for (const seed of [1, 2, 3]) {
    const codes = permuted(base, seed);
    const got = gnb.build(codes);
    const stats = gnbStatistics({ ...base, codes });
    const { table, foldOffsets } = gnbTable({ ...base, codes }, stats);
    close(got.gnbStats, stats, 1e-9, 'stats');
    close(got.gnbTable, table, 1e-9, 'table');
    assert.deepEqual(Array.from(got.gnbTableOffsets), Array.from(foldOffsets));
  }
});

test('PermutedGnb: a constant column gives zero variances and no table; other folds and standardizing use gnb.ts', () => {
  const constant = plan(kfold(24, 4), { constantColumn: true });
  const got = new PermutedGnb(constant).build(permuted(constant, 4));
  const stats = gnbStatistics({ ...constant, codes: permuted(constant, 4) });
  // Without a table the bound slots (the last of each column's stride) are not used: compare the rest.
  const stride = gnbStride(2);
  const used = (s: Float64Array) => s.map((x, i) => (Number.isFinite(x) && i % (30 * stride + 2) % stride !== stride - 1 ? x : 0));
  close(used(got.gnbStats), used(stats), 1e-9, 'stats');
  assert.equal(got.gnbTable.length, 0);

  // Overlapping test folds (not a partition) and per-fold standardization: gnb.ts's own results.
  const overlapping = kfold(24, 4).map((f, k) => (k === 0 ? { train: f.train.subarray(2), test: Int32Array.from([...f.test, ...f.train.subarray(0, 2)]) } : f));
  for (const base of [plan(overlapping), plan(kfold(24, 4), { standardize: true })]) {
    const codes = permuted(base, 5);
    const stats = gnbStatistics({ ...base, codes });
    gnbTable({ ...base, codes }, stats);
    assert.deepEqual(Array.from(new PermutedGnb(base).build(codes).gnbStats), Array.from(stats));
  }
});
