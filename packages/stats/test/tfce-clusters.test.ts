import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '@neurodecode/testkit';
import { ClusterMeasurer, maskGraph, TfceComputer } from '../src/index.js';
import { bruteComponents, bruteTfce } from './brute.js';

function randomCase(seed: number, shape: [number, number, number]) {
  const r = rng(seed);
  const n = shape[0] * shape[1] * shape[2];
  const mask = Array.from({ length: n }, () => (r() < 0.85 ? 1 : 0));
  const graph = maskGraph(mask, shape);
  // Smooth-ish values with plateaus (rounded), so heights land on ties.
  const values = Float64Array.from({ length: graph.nVoxels }, () => Math.round((r() * 2 - 0.7) * 8) / 2);
  return { graph, values };
}

test('TFCE by incremental union-find equals labelling at every height (one- and two-sided, with ties)', () => {
  for (const seed of [1, 2, 3]) {
    const { graph, values } = randomCase(seed, [9, 8, 7]);
    const tfce = new TfceComputer(graph);
    for (const twoSided of [false, true]) {
      const expected = bruteTfce(values, graph, twoSided);
      let top = 0;
      for (const x of values) top = Math.max(top, twoSided ? Math.abs(x) : x);
      const got = new Float64Array(values.length);
      const best1 = tfce.compute(values, 1, top, got);
      const best2 = twoSided ? tfce.compute(values, -1, top, got) : 0;
      for (let v = 0; v < values.length; v++) {
        assert.ok(Math.abs(got[v]! - expected[v]!) <= 1e-9 * Math.max(1, Math.abs(expected[v]!)), `seed ${seed} voxel ${v}: ${got[v]} vs ${expected[v]}`);
      }
      const maxAbs = Math.max(...Array.from(expected, Math.abs));
      assert.ok(Math.abs(Math.max(best1, best2) - maxAbs) <= 1e-9 * maxAbs, 'max TFCE');
    }
  }
});

test('cluster sizes and masses above a threshold equal a brute-force labelling', () => {
  const { graph, values } = randomCase(9, [10, 9, 8]);
  const measurer = new ClusterMeasurer(graph);
  for (const twoSided of [false, true]) {
    const thr = 0.9;
    const maps = measurer.label(values, thr, twoSided);
    const expected: string[] = [];
    let maxSize = 0, maxMass = 0;
    for (const sign of twoSided ? [1, -1] : [1]) {
      const keep = Array.from(values, (x) => sign * x > thr);
      const { labels, sizes } = bruteComponents(keep, graph);
      for (const [label, size] of sizes) {
        let mass = 0;
        labels.forEach((l, v) => { if (l === label) mass += sign * values[v]! - thr; });
        expected.push(`${sign}:${size}:${mass.toFixed(9)}`);
        maxSize = Math.max(maxSize, size);
        maxMass = Math.max(maxMass, mass);
      }
    }
    const got = maps.sizes.map((s, c) => `${maps.signs[c]}:${s}:${maps.masses[c]!.toFixed(9)}`);
    assert.deepEqual(got.sort(), expected.sort());
    const m = measurer.maxima(values, thr, twoSided);
    assert.equal(m.size, maxSize);
    assert.ok(Math.abs(m.mass - maxMass) < 1e-9);
  }
});
