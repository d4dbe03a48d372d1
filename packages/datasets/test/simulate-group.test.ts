import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readNifti } from '@neurodecode/nifti-io';
import { tempDir } from '@neurodecode/testkit';
import { GROUP_EFFECTS, MNI_4MM_AFFINE, simulateGroup } from '../src/index.js';

test('simulateGroup: per-subject runs on the 4 mm MNI grid, effects at the planted MNI positions, deterministic', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const study = await simulateGroup({ outDir: dir, subjects: 3, volumes: 16, runs: 4, seed: 3 });
    assert.equal(study.subjects.length, 3);
    const mask = await readNifti(study.mask);
    assert.deepEqual(mask.shape, [46, 55, 46]);
    assert.deepEqual(mask.affine, MNI_4MM_AFFINE);
    assert.ok(study.n_mask_voxels > 20000 && study.n_mask_voxels < 35000, `${study.n_mask_voxels} brain voxels`);
    const truth = await readNifti(study.truth);
    // The truth peaks at the strong effect's centre: (-40, -70, 0) mm is voxel (12.5, 14, 18) -> nearest on-grid voxels.
    let best = 0;
    truth.data.forEach((x, v) => { if (x > truth.data[best]!) best = v; });
    const [i, j, k] = [best % 46, Math.floor(best / 46) % 55, Math.floor(best / (46 * 55))];
    const mm = [4 * i - 90, 4 * j - 126, 4 * k - 72];
    assert.ok(Math.hypot(mm[0]! - GROUP_EFFECTS[0]!.centerMm[0], mm[1]! - GROUP_EFFECTS[0]!.centerMm[1], mm[2]! - GROUP_EFFECTS[0]!.centerMm[2]) <= 4, `truth peak at ${mm}`);
    for (const s of study.subjects) {
      const bold = await readNifti(s.bold);
      assert.deepEqual(bold.shape, [46, 55, 46, 16]);
      const rows = readFileSync(s.labels, 'utf8').trim().split('\n').slice(1).map((l) => l.split(' '));
      assert.equal(rows.length, 16);
      for (let r = 0; r < 4; r++) assert.equal(rows.filter((x) => x[1] === String(r) && x[0] === 'face').length, 2, 'balanced runs');
    }
    assert.notDeepEqual(study.subjects[0]!.shiftMm, study.subjects[1]!.shiftMm, 'subjects differ');
    const again = await simulateGroup({ outDir: `${dir}/again`, subjects: 3, volumes: 16, runs: 4, seed: 3 });
    assert.deepEqual(again.subjects.map((s) => s.amplitude), study.subjects.map((s) => s.amplitude));
    assert.deepEqual((await readNifti(again.subjects[2]!.bold)).data, (await readNifti(study.subjects[2]!.bold)).data);
    await assert.rejects(simulateGroup({ outDir: dir, subjects: 1 }), /subjects: expected an integer in 2\.\.200/);
  } finally {
    cleanup();
  }
});
