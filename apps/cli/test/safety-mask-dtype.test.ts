// Masks must hold real numbers: rgb and complex masks are refused by every command that takes one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { tempDir, writeTinySet } from '@neurodecode/testkit';
import { expectOneLineError, runCli } from './helpers.js';


const AFFINE = [[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]];

test('rgb24 and complex64 masks are refused by searchlight, decode, permutation and spacenet', async () => {
  const { dir, cleanup } = tempDir('nd-maskdtype-');
  try {
    const s = await writeTinySet(dir);
    const n = 6 ** 3;
    const rgb = join(dir, 'rgb.nii.gz');
    const complex = join(dir, 'complex.nii.gz');
    await writeNifti(new NiftiImage({ data: new Uint8Array(n * 3).fill(1), shape: [6, 6, 6], affine: AFFINE, dtype: 'rgb24' }), rgb);
    await writeNifti(new NiftiImage({ data: new Float32Array(n * 2).fill(1), shape: [6, 6, 6], affine: AFFINE, dtype: 'complex64' }), complex);
    for (const [mask, dtype] of [[rgb, 'rgb24'], [complex, 'complex64']] as const) {
      const common = ['--func', s.bold, '--labels', s.labels, '--json'];
      for (const args of [
        ['searchlight', ...common, '--mask', mask, '--radius', '4', '--cv', 'kfold:2', '--threads', '1', '--out', join(dir, 'o.nii.gz')],
        ['searchlight', ...common, '--mask', s.mask, '--process-mask', mask, '--radius', '4', '--cv', 'kfold:2', '--threads', '1', '--out', join(dir, 'o.nii.gz')],
        ['decode', ...common, '--mask', mask, '--cv', 'kfold:2'],
        ['permutation', ...common, '--mask', mask, '--cv', 'kfold:2', '--n-permutations', '2'],
        ['spacenet', ...common, '--mask', mask, '--cv', 'kfold:2'],
      ]) {
        const line = expectOneLineError(runCli(...args));
        assert.match(line, new RegExp(`mask(Img)?: ${dtype} data cannot be a mask`, "i"), args.join(' '));
      }
    }
  } finally {
    cleanup();
  }
});
