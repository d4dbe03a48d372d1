// Non-finite voxels: info reports finite statistics and counts the rest (no silent nulls);
// decode names the file, volume and voxel holding one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NiftiImage, readNifti, writeNifti } from '@neurodecode/nifti-io';
import { tempDir, writeTinySet } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCli } from './helpers.js';


const AFFINE = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

test('info --json: finite min/max/mean and a count of NaN and infinite voxels', async () => {
  const { dir, cleanup } = tempDir('nd-nonfinite-');
  try {
    const path = join(dir, 'inf.nii.gz');
    await writeNifti(new NiftiImage({ data: Float32Array.from([1, Infinity, -Infinity, NaN, 3, 2]), shape: [6, 1, 1], affine: AFFINE }), path);
    const s = parseJsonResult(runCli('info', path, '--json'));
    assert.equal(s.min, 1);
    assert.equal(s.max, 3);
    assert.equal(s.mean, 2);
    assert.deepEqual(s.non_finite, { nan: 1, posinf: 1, neginf: 1 });
    const human = runCli('info', path);
    assert.match(human.stdout, /non-finite\s+1 NaN, 1 \+Inf, 1 -Inf/);
  } finally {
    cleanup();
  }
});

test('decode: a non-finite voxel is reported with the file, the volume and the voxel', async () => {
  const { dir, cleanup } = tempDir('nd-nonfinite-');
  try {
    const s = await writeTinySet(dir);
    const img = await readNifti(s.bold);
    (img.data as Float32Array)[5 * 216 + 17] = Infinity;
    const bad = join(dir, 'bad-bold.nii.gz');
    await writeNifti(img, bad);
    const line = expectOneLineError(runCli('decode', '--func', bad, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--json'));
    assert.match(line, /^neurodecode: --func: .*bad-bold\.nii\.gz: non-finite value \(Infinity\) at volume 5, voxel \(5, 2, 0\)$/);
    (img.data as Float32Array)[5 * 216 + 17] = 1;
    (img.data as Float32Array)[7 * 216 + 3] = NaN;
    await writeNifti(img, bad);
    const nan = expectOneLineError(runCli('decode', '--func', bad, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--json'));
    assert.match(nan, /^neurodecode: --func: .*bad-bold\.nii\.gz: non-finite value \(NaN\) at volume 7, voxel \(3, 0, 0\)$/);
  } finally {
    cleanup();
  }
});
