import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { dataPath, skipWithoutShared, tempDir, rng } from '@neurodecode/testkit';
import { atlasRegionsAt, clustersTable, findClusters } from '../src/index.js';
import { makeImg } from './helpers.js';

const AFFINE = [[2, 0, 0, -10], [0, 2, 0, -20], [0, 0, 2, -30], [0, 0, 0, 1]];

test('clustersTable: sizes, signed peaks, mm and voxel coordinates, ordering by |peak|, minSize, two-sided', async () => {
  const map = makeImg([10, 10, 10], (i, j, k) => {
    if (i >= 1 && i <= 3 && j >= 1 && j <= 2 && k === 1) return 2 + i + j; // 6 voxels, peak 7 at (3,2,1)
    if (i === 7 && j === 7 && k >= 5 && k <= 8) return -10 - k; // 4 voxels, peak -18 at (7,7,8)
    if (i === 8 && j === 1 && k === 8) return 4; // 1 voxel
    if (i === 8 && j === 2 && k === 9) return 5; // diagonal to the one above: separate under 6-connectivity
    return 0.5;
  }, AFFINE);
  const pos = await clustersTable(map, { threshold: 1 });
  assert.deepEqual(pos.map((r) => [r.id, r.size, r.peakValue, r.sign]), [[1, 6, 7, 1], [2, 1, 5, 1], [3, 1, 4, 1]]);
  assert.deepEqual(pos[0]!.peakVoxel, [3, 2, 1]);
  assert.deepEqual(pos[0]!.peakMm, [-4, -16, -28]);
  const both = await clustersTable(map, { threshold: 1, twoSided: true, minSize: 2 });
  assert.deepEqual(both.map((r) => [r.id, r.size, r.peakValue, r.sign]), [[1, 4, -18, -1], [2, 6, 7, 1]]);
  assert.deepEqual(both[0]!.peakVoxel, [7, 7, 8]);
  const corners = await clustersTable(map, { threshold: 1, connectivity: 26 });
  assert.deepEqual(corners.map((r) => r.size), [6, 2]);
  const masked = findClusters(map.data, [10, 10, 10], AFFINE, { threshold: 1, mask: map.data.map((v) => (v === 7 ? 0 : 1)) });
  assert.equal(masked[0]!.peakValue, 6);
  await assert.rejects(clustersTable(map, { threshold: Number.NaN }), /threshold: expected a finite number/);
  await assert.rejects(clustersTable(map, { threshold: 1, minSize: 0 }), /minSize: expected a positive integer/);
});

test('clustersTable agrees with a brute-force grouping on a random map', async () => {
  const r = rng(3);
  const map = makeImg([12, 9, 7], () => r() * 2 - 1, AFFINE);
  const rows = await clustersTable(map, { threshold: 0.4, twoSided: true });
  // Brute force: repeated relaxation of labels to the minimum index among face neighbours.
  const [nx, ny, nz] = [12, 9, 7];
  const v = map.data;
  for (const sign of [1, -1]) {
    const lab = Array.from(v, (x, idx) => (sign * x > 0.4 ? idx : -1));
    for (let changed = true; changed;) {
      changed = false;
      for (let idx = 0; idx < lab.length; idx++) {
        if (lab[idx]! < 0) continue;
        const i = idx % nx, j = Math.floor(idx / nx) % ny, k = Math.floor(idx / (nx * ny));
        for (const [a, b, c] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
          const ii = i + a!, jj = j + b!, kk = k + c!;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
          const w = ii + nx * (jj + ny * kk);
          if (lab[w]! >= 0 && lab[w]! < lab[idx]!) { lab[idx] = lab[w]!; changed = true; }
        }
      }
    }
    const sizes = new Map<number, number>(), peaks = new Map<number, number>();
    lab.forEach((l, idx) => {
      if (l < 0) return;
      sizes.set(l, (sizes.get(l) ?? 0) + 1);
      peaks.set(l, Math.max(peaks.get(l) ?? -Infinity, sign * v[idx]!));
    });
    const expected = [...sizes.keys()].map((l) => `${sizes.get(l)}:${(sign * peaks.get(l)!).toFixed(9)}`).sort();
    const got = rows.filter((row) => row.sign === sign).map((row) => `${row.size}:${row.peakValue.toFixed(9)}`).sort();
    assert.deepEqual(got, expected);
  }
});

test('atlasRegionsAt: most probable volume of a 4-D atlas, streamed from a file or in memory; 3-D label atlases', async () => {
  // 4-D atlas on a 1 mm grid with a flipped x axis (as FSL's atlases): 3 regions.
  const affine = [[-1, 0, 0, 5], [0, 1, 0, -5], [0, 0, 1, -5], [0, 0, 0, 1]];
  const shape = [11, 11, 11, 3];
  const data = new Uint8Array(11 * 11 * 11 * 3);
  const r = rng(11);
  for (let n = 0; n < data.length; n++) data[n] = Math.floor(r() * 100);
  const atlas = new NiftiImage({ data, shape, affine });
  const points = [[0, 0, 0], [4, -3, 2], [-5, 5, 5], [40, 0, 0], [2.4, 1.6, -0.4]];
  const expected = points.map((p) => {
    const i = Math.round(5 - p[0]!), j = Math.round(p[1]! + 5), k = Math.round(p[2]! + 5);
    if (i < 0 || i > 10) return undefined;
    const vals = [0, 1, 2].map((t) => data[i + 11 * (j + 11 * (k + 11 * t))]!);
    const best = vals.indexOf(Math.max(...vals));
    return { region: ['A', 'B', 'C'][best], probability: vals[best] };
  });
  assert.deepEqual(await atlasRegionsAt(points, { img: atlas, labels: ['A', 'B', 'C'] }), expected);
  const { dir, cleanup } = tempDir();
  try {
    await writeNifti(atlas, join(dir, 'atlas.nii.gz'));
    writeFileSync(join(dir, 'labels.csv'), 'index,name\n0,A\n1,B\n2,C\n');
    assert.deepEqual(await atlasRegionsAt(points, { img: join(dir, 'atlas.nii.gz'), labels: join(dir, 'labels.csv') }), expected);
    await assert.rejects(atlasRegionsAt(points, { img: join(dir, 'missing.nii.gz'), labels: ['A'] }), /atlas.img: cannot read/);
  } finally {
    cleanup();
  }
  const labelImg = makeImg([3, 3, 3], (i) => i, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  assert.deepEqual(await atlasRegionsAt([[0, 1, 1], [2, 0, 0]], { img: labelImg, labels: ['bg', 'one', 'two'] }), [undefined, { region: 'two', probability: 1 }]);
});

test('clustersTable names the Harvard-Oxford region at the peak (left lateral occipital at (-40, -70, 0) mm)', { skip: skipWithoutShared() }, async () => {
  // A 4 mm MNI map with one blob centred on (-40, -70, 0) mm.
  const affine = [[4, 0, 0, -90], [0, 4, 0, -126], [0, 0, 4, -72], [0, 0, 0, 1]];
  const map = makeImg([46, 55, 46], (i, j, k) => {
    const x = 4 * i - 90, y = 4 * j - 126, z = 4 * k - 72;
    return Math.exp(-((x + 40) ** 2 + (y + 70) ** 2 + z ** 2) / 100);
  }, affine);
  const rows = await clustersTable(map, {
    threshold: 0.5,
    atlas: { img: dataPath('atlases', 'harvard_oxford.nii.gz')!, labels: dataPath('atlases', 'harvard_oxford_labels.csv')! },
  });
  assert.equal(rows.length, 1);
  assert.ok(Math.abs(rows[0]!.peakMm[0] + 40) === 2 && rows[0]!.peakMm[1] === -70 && rows[0]!.peakMm[2] === 0, `peak at ${rows[0]!.peakMm}`);
  assert.match(rows[0]!.region ?? '', /^Left_Lateral_Occipital_Cortex/);
  assert.ok(rows[0]!.regionProbability! > 0);
});
