import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '@neurodecode/testkit';
import { largestGamma0, majorityNullP, maskGraph, prevalence, prevalenceDraws, stelzer, stelzerDraws, benjaminiHochberg } from '../src/index.js';
import { bruteComponents } from './brute.js';

function subjects(seed: number, S: number, V: number, counts: number[], effect: (v: number) => number) {
  const r = rng(seed);
  const observed = new Float64Array(S * V);
  const nulls = counts.map((K) => Float32Array.from({ length: K * V }, () => Math.round(r() * 8) / 16 + 0.25));
  for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) observed[s * V + v] = Math.fround(Math.round(r() * 8) / 16 + 0.25 + effect(v));
  return { observed, nulls };
}

test('Stelzer: voxel p, thresholds, null cluster sizes and cluster p equal a brute force over stored null maps', async () => {
  const shape: [number, number, number] = [5, 4, 3];
  const graph = maskGraph(new Array(60).fill(1), shape);
  const V = graph.nVoxels, S = 4, counts = [6, 5, 7, 6];
  const { observed, nulls } = subjects(1, S, V, counts, (v) => (v % 5 < 2 ? 0.2 : 0));
  const nDraws = 400, threshold = 0.05;
  const res = await stelzer({ observed, nulls, counts, graph }, { nDraws, seed: 9, threshold });
  // Brute force: every group null map stored, sorted per voxel.
  const draws = stelzerDraws(counts, nDraws, 9);
  const maps = Array.from({ length: nDraws }, (_x, b) => Float64Array.from({ length: V }, (_y, v) => {
    let sum = 0;
    for (let s = 0; s < S; s++) sum += nulls[s]![draws[b * S + s]! * V + v]!;
    return sum / S;
  }));
  const mean = Float64Array.from({ length: V }, (_x, v) => Array.from({ length: S }, (_y, s) => observed[s * V + v]!).reduce((a, b) => a + b) / S);
  const K = Math.ceil(threshold * nDraws);
  const thr = Float64Array.from({ length: V }, (_x, v) => maps.map((m) => m[v]!).sort((a, b) => b - a)[K - 1]!);
  for (let v = 0; v < V; v++) {
    assert.ok(Math.abs(res.mean[v]! - mean[v]!) < 1e-12);
    assert.equal(res.voxelThreshold[v], thr[v]);
    const count = maps.filter((m) => m[v]! >= res.mean[v]!).length;
    assert.equal(res.pVoxel[v], (1 + count) / (1 + nDraws));
  }
  const nullSizes: number[] = [];
  for (const m of maps) for (const size of bruteComponents(Array.from(m, (x, v) => x > thr[v]!), graph).sizes.values()) nullSizes.push(size);
  nullSizes.forEach((size) => assert.ok(res.nullSizeCounts[size]! > 0));
  assert.equal(res.nullSizeCounts.reduce((a, b) => a + b, 0), nullSizes.length);
  const observedSizes = [...bruteComponents(Array.from(res.mean, (x, v) => x > thr[v]!), graph).sizes.values()].sort((a, b) => a - b);
  assert.deepEqual([...res.clusterSizes].sort((a, b) => a - b), observedSizes);
  res.clusterSizes.forEach((size, c) => {
    assert.equal(res.clusterP[c], (1 + nullSizes.filter((x) => x >= size).length) / (1 + nullSizes.length));
  });
  assert.deepEqual(res.significant, benjaminiHochberg(res.clusterP, 0.05));
});

test('Benjamini-Hochberg rejects the largest k with p(k) <= k q / m', () => {
  assert.deepEqual(benjaminiHochberg([0.01, 0.04, 0.03, 0.2], 0.05), [true, false, false, false]);
  assert.deepEqual(benjaminiHochberg([0.01, 0.02, 0.03, 0.04], 0.05), [true, true, true, true]);
  assert.deepEqual(benjaminiHochberg([0.3, 0.6], 0.05), [false, false]);
});

test('prevalence: p maps equal a brute-force count over the same second-level permutations', async () => {
  const S = 5, V = 30, counts = [4, 6, 5, 4, 7];
  const { observed, nulls } = subjects(2, S, V, counts, (v) => (v < 10 ? 0.15 : 0));
  const nPerm = 300;
  const res = await prevalence({ observed, nulls, counts, V }, { nPerm, seed: 4, gamma0: 0.4 });
  const draws = prevalenceDraws(counts, nPerm, 4);
  const value = (s: number, pick: number, v: number) => (pick === 0 ? observed[s * V + v]! : nulls[s]![(pick - 1) * V + v]!);
  const mins = Array.from({ length: nPerm }, (_x, j) => Array.from({ length: V }, (_y, v) => Math.min(...Array.from({ length: S }, (_z, s) => value(s, draws[j * S + s]!, v)))));
  const maxes = mins.map((m) => Math.max(...m));
  for (let v = 0; v < V; v++) {
    const obs = Math.min(...Array.from({ length: S }, (_x, s) => observed[s * V + v]!));
    assert.equal(res.minStat[v], obs);
    assert.equal(res.pGlobalUncorrected[v], mins.filter((m) => m[v]! >= obs).length / nPerm);
    assert.equal(res.pGlobal[v], maxes.filter((x) => x >= obs).length / nPerm);
    assert.ok(Math.abs(res.pMajority[v]! - majorityNullP(res.pGlobal[v]!, S, 0.4)) < 1e-15);
  }
  assert.ok(draws.subarray(0, S).every((x) => x === 0), 'the first second-level permutation is the neutral one');
});

test('prevalence closed forms: all subjects significant everywhere, and all at chance', async () => {
  const S = 6, V = 12, counts = [9, 9, 9, 9, 9, 9];
  const nPerm = 2000, alpha = 0.05;
  // All significant: every observed value above every null value, so only the permutations that
  // pick every subject's observed map reach the observed minimum.
  const observed = Float64Array.from({ length: S * V }, (_x, i) => 0.9 + (i % 7) * 0.001);
  const nulls = counts.map((K) => Float32Array.from({ length: K * V }, (_x, i) => 0.4 + (i % 5) * 0.02));
  const res = await prevalence({ observed, nulls, counts, V }, { nPerm, seed: 5, alpha });
  const draws = prevalenceDraws(counts, nPerm, 5);
  let neutral = 0;
  for (let j = 0; j < nPerm; j++) if (draws.subarray(j * S, j * S + S).every((x) => x === 0)) neutral++;
  const p = neutral / nPerm;
  const gamma = (alpha ** (1 / S) - p ** (1 / S)) / (1 - p ** (1 / S));
  for (let v = 0; v < V; v++) {
    assert.equal(res.pGlobalUncorrected[v], p);
    assert.ok(Math.abs(res.gamma0MaxUncorrected[v]! - gamma) < 1e-12);
    assert.ok(Math.abs(res.pMajorityUncorrected[v]! - ((1 - 0.5) * p ** (1 / S) + 0.5) ** S) < 1e-12);
  }
  // 10^6 combinations, 2,000 draws: here only the neutral one picks every observed map, so p = 1 / 2000
  // and gamma0 max = (alpha^(1/6) - 2000^(-1/6)) / (1 - 2000^(-1/6)) = 0.4528 (6 subjects cannot reach 0.5).
  assert.equal(neutral, 1);
  assert.ok(Math.abs(gamma - 0.45280176) < 1e-8);
  // The same function, checked at the documented values: p = alpha gives gamma0 = 0; p = 0 gives alpha^(1/n).
  assert.equal(largestGamma0(alpha, S, alpha), 0);
  assert.ok(Math.abs(largestGamma0(0, S, alpha) - alpha ** (1 / S)) < 1e-15);
  // All at chance: every observed value below every null value: p = 1, nothing rejected, gamma0 max 0.
  const low = observed.map((x) => x - 0.8);
  const none = await prevalence({ observed: low, nulls, counts, V }, { nPerm, seed: 5, alpha });
  for (let v = 0; v < V; v++) {
    assert.equal(none.pGlobal[v], 1);
    assert.equal(none.pMajority[v], 1);
    assert.equal(none.gamma0Max[v], 0);
  }
});
