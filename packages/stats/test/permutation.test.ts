import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '@neurodecode/testkit';
import { buildDesign, ClusterMeasurer, drawPermutations, maskGraph, PermutationKernel, permutedOls, prepareTargets, tIsf } from '../src/index.js';
import { bruteTfce } from './brute.js';

function dataset(seed: number, n: number, shape: [number, number, number], effect = 0.6) {
  const r = rng(seed);
  const nVox = shape[0] * shape[1] * shape[2];
  const graph = maskGraph(new Array(nVox).fill(1), shape);
  const V = graph.nVoxels;
  const Y = new Float64Array(n * V);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  for (let i = 0; i < n; i++) for (let v = 0; v < V; v++) Y[i * V + v] = gauss() + (v % 7 < 3 ? effect : 0);
  return { Y, graph, V };
}

/** OLS t of the tested column by the normal equations on [tested, confounds...]. */
function olsT(y: number[], cols: number[][]): number {
  const n = y.length, p = cols.length;
  const XtX = cols.map((a) => cols.map((b) => a.reduce((s, _x, i) => s + a[i]! * b[i]!, 0)));
  const Xty = cols.map((a) => a.reduce((s, _x, i) => s + a[i]! * y[i]!, 0));
  // Gauss-Jordan inverse of XtX.
  const A = XtX.map((row, i) => [...row, ...cols.map((_c, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    const d = A[c]![c]!;
    A[c] = A[c]!.map((x) => x / d);
    for (let r = 0; r < p; r++) if (r !== c) { const f = A[r]![c]!; A[r] = A[r]!.map((x, k) => x - f * A[c]![k]!); }
  }
  const inv = A.map((row) => row.slice(p));
  const beta = inv.map((row) => row.reduce((s, x, k) => s + x * Xty[k]!, 0));
  const resid = y.map((yi, i) => yi - cols.reduce((s, c, k) => s + c[i]! * beta[k]!, 0));
  const sigma2 = resid.reduce((s, e) => s + e * e, 0) / (n - p);
  return beta[0]! / Math.sqrt(sigma2 * inv[0]![0]!);
}

test('t maps equal textbook OLS t: one-sample, intercept with a covariate, and a tested covariate', async () => {
  const n = 9;
  const { Y, graph, V } = dataset(4, n, [4, 3, 3]);
  const age = Array.from({ length: n }, (_x, i) => 20 + 3 * i + (i % 2));
  const ones = new Array(n).fill(1);
  const column = (v: number) => Array.from({ length: n }, (_x, i) => Y[i * V + v]!);
  const cases = [
    { opts: {}, cols: [ones], dof: n - 1 },
    { opts: { confounds: [age] }, cols: [ones, age], dof: n - 2 },
    { opts: { tested: age }, cols: [age, ones], dof: n - 2 },
  ];
  for (const { opts, cols, dof } of cases) {
    const res = await permutedOls(Y, n, graph, { ...opts, nPerm: 0 });
    assert.equal(res.dof, dof);
    for (let v = 0; v < V; v++) {
      const expected = olsT(column(v), cols);
      assert.ok(Math.abs(res.t[v]! - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `voxel ${v}: ${res.t[v]} vs ${expected}`);
    }
  }
  assert.equal(buildDesign({ n, tested: age }).interceptTest, false);
  assert.equal(buildDesign({ n, confounds: [age] }).interceptTest, true);
});

test('permutation nulls equal a brute-force recomputation of every draw (sign flips, max t, clusters, TFCE)', async () => {
  const n = 8;
  const { Y, graph, V } = dataset(5, n, [6, 5, 4]);
  for (const twoSided of [false, true]) {
    const nPerm = 60;
    const res = await permutedOls(Y, n, graph, { nPerm, seed: 3, twoSided, threshold: 0.01, tfce: true, threads: 1 });
    const { items, itemOfPerm } = drawPermutations(n, true, nPerm, 3, twoSided, true);
    const thr = tIsf(twoSided ? 0.005 : 0.01, n - 1);
    const measurer = new ClusterMeasurer(graph);
    const design = buildDesign({ n });
    const kernel = new PermutationKernel(prepareTargets(Y, n, design), design, graph, { tfce: false, twoSided });
    for (let p = 0; p < nPerm; p++) {
      const flips = items.subarray(itemOfPerm[p]! * n, itemOfPerm[p]! * n + n);
      const t = new Float64Array(V);
      for (let v = 0; v < V; v++) {
        const y = Array.from({ length: n }, (_x, i) => (flips[i] ? -1 : 1) * Y[i * V + v]!);
        const mean = y.reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
        t[v] = (mean / sd) * Math.sqrt(n);
      }
      const maxT = Math.max(...Array.from(t, (x) => (twoSided ? Math.abs(x) : x)));
      assert.ok(Math.abs(res.h0MaxT[p]! - maxT) < 1e-9 * maxT, `draw ${p}: max t ${res.h0MaxT[p]} vs ${maxT}`);
      // TFCE heights are within an ulp of the maximum, so TFCE is compared on the kernel's own t map
      // (equal to the textbook t to 1e-12, checked here).
      const kt = kernel.tForFlips(flips);
      kt.forEach((x, v) => assert.ok(Math.abs(x - t[v]!) < 1e-12 * Math.max(1, Math.abs(x))));
      const tf = bruteTfce(kt, graph, twoSided);
      const maxTfce = Math.max(...Array.from(tf, Math.abs));
      assert.ok(Math.abs(res.h0MaxTfce![p]! - maxTfce) <= 1e-6 * Math.max(1, maxTfce), `draw ${p}: TFCE ${res.h0MaxTfce![p]} vs ${maxTfce}`);
      const m = measurer.maxima(t, thr, twoSided);
      assert.equal(res.h0MaxSize![p], m.size);
      assert.ok(Math.abs(res.h0MaxMass![p]! - m.mass) < 1e-9 * Math.max(1, m.mass));
    }
    // Voxel p-values: (1 + #{null >= observed}) / (nPerm + 1).
    for (let v = 0; v < V; v += 7) {
      const obs = twoSided ? Math.abs(res.t[v]!) : res.t[v]!;
      const count = Array.from(res.h0MaxT).filter((h) => h >= obs).length;
      assert.ok(Math.abs(res.logpMaxT[v]! + Math.log10((1 + count) / (nPerm + 1))) < 1e-12);
    }
  }
});

test('the same seed gives the same nulls with 1 or 2 threads, repeated sign patterns merged or not', async () => {
  const n = 10;
  const { Y, graph } = dataset(6, n, [7, 6, 5]);
  const base = await permutedOls(Y, n, graph, { nPerm: 300, seed: 11, threshold: 0.01, tfce: true, threads: 1 });
  const twoThreads = await permutedOls(Y, n, graph, { nPerm: 300, seed: 11, threshold: 0.01, tfce: true, threads: 2, reuseRepeats: false });
  assert.ok(base.computed < 300, 'repeated sign patterns are merged');
  assert.equal(twoThreads.computed, 300);
  for (const key of ['h0MaxT', 'h0MaxSize', 'h0MaxMass', 'h0MaxTfce'] as const) {
    base[key]!.forEach((x, p) => assert.ok(Math.abs(x - twoThreads[key]![p]!) <= 1e-9 * Math.max(1, Math.abs(x)), `${key}[${p}]`));
  }
  const other = await permutedOls(Y, n, graph, { nPerm: 300, seed: 12, threads: 1 });
  assert.notDeepEqual(Array.from(other.h0MaxT), Array.from(base.h0MaxT));
});

test('row permutations for a tested covariate: null max t equals recomputation with permuted design rows', async () => {
  const n = 8;
  const { Y, graph, V } = dataset(7, n, [3, 3, 3]);
  const dose = [0.1, 0.5, 0.3, 0.9, 0.7, 0.2, 0.8, 0.4];
  const nPerm = 25;
  const res = await permutedOls(Y, n, graph, { tested: dose, nPerm, seed: 2, threads: 1 });
  assert.equal(res.scheme, 'row-permutation');
  const { items } = drawPermutations(n, false, nPerm, 2, false, true);
  const ones = new Array(n).fill(1);
  for (let p = 0; p < nPerm; p++) {
    const perm = items.subarray(p * n, p * n + n);
    const permuted = Array.from(perm, (k) => dose[k]!);
    let maxT = -Infinity;
    for (let v = 0; v < V; v++) maxT = Math.max(maxT, olsT(Array.from({ length: n }, (_x, i) => Y[i * V + v]!), [permuted, ones]));
    assert.ok(Math.abs(res.h0MaxT[p]! - maxT) < 1e-8 * Math.max(1, Math.abs(maxT)), `draw ${p}: ${res.h0MaxT[p]} vs ${maxT}`);
  }
});

test('bad inputs: one subject, non-finite values, threshold outside (0, 1)', async () => {
  const { Y, graph } = dataset(8, 4, [3, 3, 2]);
  await assert.rejects(permutedOls(Y.subarray(0, 18), 1, graph), /need at least 2 maps/);
  const bad = Y.slice(); bad[5] = NaN;
  await assert.rejects(permutedOls(bad, 4, graph), /map 1 has a non-finite value/);
  await assert.rejects(permutedOls(Y, 4, graph, { threshold: 1.5 }), /threshold: expected a p value in \(0, 1\)/);
});
