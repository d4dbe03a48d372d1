import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { tempDir } from '@neurodecode/testkit';
import { simulateFmri } from '../src/simulate.js';

test('simulateFmri: same seed gives identical bytes, another seed differs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const a = await simulateFmri({ outDir: `${dir}/a`, volumes: 8, seed: 3 });
    const b = await simulateFmri({ outDir: `${dir}/b`, volumes: 8, seed: 3 });
    const c = await simulateFmri({ outDir: `${dir}/c`, volumes: 8, seed: 4 });
    for (const key of ['bold', 'mask', 'signal_mask', 'labels'] as const) {
      assert.deepEqual(await readFile(a[key]), await readFile(b[key]), key);
    }
    assert.notDeepEqual(await readFile(a.bold), await readFile(c.bold));
  } finally {
    cleanup();
  }
});

test('simulateFmri: Haxby-like shape, ~40,000-voxel mask, balanced labels, planted signal', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sim = await simulateFmri({ outDir: dir, volumes: 48, seed: 1 });
    const bold = await readNifti(sim.bold, { dtype: 'float64' });
    const mask = await readNifti(sim.mask);
    const signal = await readNifti(sim.signal_mask);
    assert.deepEqual(bold.shape, [40, 64, 64, 48]);
    assert.deepEqual(sim.shape, [40, 64, 64, 48]);
    assert.equal(bold.tr, 2.5);
    assert.deepEqual(bold.zooms.slice(0, 3).map((z) => Number(z.toFixed(4))), [3.5, 3.75, 3.75]);
    assert.equal(mask.dtype, 'uint8');
    let nMask = 0, nSignal = 0;
    for (let v = 0; v < mask.data.length; v++) {
      nMask += mask.data[v]!;
      nSignal += signal.data[v]!;
      if (signal.data[v]) assert.equal(mask.data[v], 1, 'blob voxels lie inside the brain');
    }
    assert.equal(nMask, sim.n_mask_voxels);
    assert.ok(Math.abs(nMask - 40000) < 2000, `mask has ${nMask} voxels`);
    assert.equal(nSignal, sim.n_signal_voxels);
    assert.ok(nSignal > 100 && nSignal < 1000);

    const lines = (await readFile(sim.labels, 'utf8')).trim().split('\n');
    assert.equal(lines[0], 'labels chunks');
    const rows = lines.slice(1).map((l) => l.split(' '));
    assert.equal(rows.length, 48);
    const perRun = new Map<string, { face: number; house: number }>();
    for (const [label, run] of rows) {
      const c = perRun.get(run!) ?? { face: 0, house: 0 };
      c[label as 'face' | 'house']++;
      perRun.set(run!, c);
    }
    assert.equal(perRun.size, 12);
    for (const c of perRun.values()) assert.deepEqual(c, { face: 2, house: 2 });

    // Welch-like t of face minus house per voxel: large inside the blobs, null elsewhere.
    const n = bold.volumeSize;
    const isFace = rows.map(([l]) => l === 'face');
    let tIn = 0, cIn = 0, absOut = 0, cOut = 0;
    for (let v = 0; v < n; v++) {
      if (!mask.data[v]) continue;
      let sf = 0, sh = 0, qf = 0, qh = 0, nf = 0, nh = 0;
      for (let t = 0; t < 48; t++) {
        const x = bold.data[t * n + v]!;
        if (isFace[t]) { sf += x; qf += x * x; nf++; } else { sh += x; qh += x * x; nh++; }
      }
      const mf = sf / nf, mh = sh / nh;
      const vf = (qf - nf * mf * mf) / (nf - 1), vh = (qh - nh * mh * mh) / (nh - 1);
      const tval = (mf - mh) / Math.sqrt(vf / nf + vh / nh);
      if (signal.data[v]) { tIn += tval; cIn++; } else { absOut += Math.abs(tval); cOut++; }
    }
    const meanTIn = tIn / cIn, meanAbsOut = absOut / cOut;
    assert.ok(meanTIn > 2.5, `mean t inside blobs ${meanTIn}`);
    assert.ok(meanAbsOut < 1.2, `mean |t| outside ${meanAbsOut}`);
  } finally {
    cleanup();
  }
});

test('simulateFmri: odd volume counts spread over runs; bad options are named', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sim = await simulateFmri({ outDir: dir, volumes: 5, shape: [12, 14, 16], seed: 2 });
    assert.equal(sim.n_runs, 2);
    assert.deepEqual(sim.runs, [0, 0, 0, 1, 1]);
    const faces = sim.conditions.filter((c) => c === 'face').length;
    assert.ok(faces === 2 || faces === 3);
    const img = await readNifti(sim.bold);
    assert.deepEqual(img.shape, [12, 14, 16, 5]);
    assert.equal(img.dtype, 'int16');
    await assert.rejects(simulateFmri({ outDir: dir, volumes: 3 }), /^Error: volumes: /);
    await assert.rejects(simulateFmri({ outDir: dir, seed: -1 }), /^Error: seed: /);
    const f = await simulateFmri({ outDir: `${dir}/f`, volumes: 4, shape: [10, 10, 10], dtype: 'float32' });
    assert.equal((await readNifti(f.bold)).dtype, 'float32');
  } finally {
    cleanup();
  }
});

test('simulateFmri: K classes get Haxby names, balanced runs and distinct patterns', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sim = await simulateFmri({ outDir: join(dir, 'k8'), volumes: 96, shape: [16, 18, 20], classes: 8, runs: 4 });
    assert.deepEqual(sim.classes, ['face', 'house', 'cat', 'bottle', 'scissors', 'shoe', 'chair', 'scrambledpix']);
    for (let r = 0; r < 4; r++) {
      const inRun = sim.conditions.filter((_, t) => sim.runs[t] === r);
      for (const c of sim.classes) assert.equal(inRun.filter((v) => v === c).length, 3, `run ${r} class ${c}`);
    }
    // Each class's mean image inside the blobs differs from the others' (its own pattern).
    const bold = await readNifti(sim.bold, { dtype: 'float32' });
    const signal = await readNifti(sim.signal_mask);
    const blob: number[] = [];
    for (let v = 0; v < signal.data.length; v++) if (signal.data[v]) blob.push(v);
    const means = sim.classes.map((c) => {
      const m = new Float64Array(blob.length);
      const vols = sim.conditions.flatMap((v, t) => (v === c ? [t] : []));
      for (const t of vols) { const vol = bold.volume(t); blob.forEach((v, i) => (m[i]! += vol[v]! / vols.length)); }
      return m;
    });
    const corr = (a: Float64Array, b: Float64Array): number => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
      let ab = 0, aa = 0, bb = 0;
      for (let i = 0; i < a.length; i++) { ab += (a[i]! - ma) * (b[i]! - mb); aa += (a[i]! - ma) ** 2; bb += (b[i]! - mb) ** 2; }
      return ab / Math.sqrt(aa * bb);
    };
    // Centred on the mean over classes (which holds the baseline), two classes' mean patterns are
    // nearly unrelated: each class has its own pattern, not a shared or opposite one.
    const grand = means[0]!.map((_, i) => means.reduce((s, m) => s + m[i]!, 0) / means.length);
    const centred = means.map((m) => m.map((v, i) => v - grand[i]!));
    for (const [a, b] of [[0, 1], [2, 5]] as const) {
      const r = corr(centred[a]!, centred[b]!);
      assert.ok(Math.abs(r) < 0.5, `classes ${a} and ${b}: centred means correlate ${r}`);
    }
    await assert.rejects(simulateFmri({ outDir: join(dir, 'bad'), classes: 1 }), /^Error: classes: /);
    await assert.rejects(simulateFmri({ outDir: join(dir, 'bad'), volumes: 20, classes: 4 }), /^Error: classes: /);
    await assert.rejects(simulateFmri({ outDir: join(dir, 'bad'), variability: -1 }), /^Error: variability: /);
  } finally {
    cleanup();
  }
});
