// A consumer's install can hold two copies of a package (two versions side by side, or a bundled
// and an installed one). Classes from another copy must still be recognised: a second module
// instance of each package (same file, another URL) stands in for the second copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaveOneGroupOut, StratifiedKFold, splitterUsesGroups } from '@neurodecode/cv';
import { Matrix, asMatrix } from '@neurodecode/matrix';
import { NiftiImage, isNiftiImage } from '@neurodecode/nifti-io';
import { loadImg } from '@neurodecode/image-ops';
import { defaultInnerCv } from '../src/index.js';

/** A fresh instance of the module file `file` beside the package's main entry. */
async function secondCopy<T>(specifier: string, file: string): Promise<T> {
  return (await import(`${new URL(file, import.meta.resolve(specifier)).href}?second-copy`)) as T;
}

test('the Decoder keeps leave-one-group-out inside when the outer splitter comes from another copy of cv', async () => {
  const cv2 = await secondCopy<typeof import('@neurodecode/cv')>('@neurodecode/cv', './splitters.js');
  assert.notEqual(cv2.LeaveOneGroupOut, LeaveOneGroupOut, 'the test needs a distinct module instance');
  const outer = new cv2.LeaveOneGroupOut();
  assert.ok(defaultInnerCv(outer, [0, 0, 1, 1, 2, 2]) instanceof LeaveOneGroupOut);
  assert.ok(splitterUsesGroups(outer));
  assert.ok(splitterUsesGroups(new cv2.LeavePGroupsOut({ nGroups: 2 })));
  assert.ok(!splitterUsesGroups(new cv2.StratifiedKFold()));
  assert.ok(defaultInnerCv(new cv2.StratifiedKFold(), [0, 0, 1, 1, 2, 2]) instanceof StratifiedKFold);
});

test('images and matrices from another copy pass the type checks; subclasses keep prototype checks', async () => {
  const nifti2 = await secondCopy<typeof import('@neurodecode/nifti-io')>('@neurodecode/nifti-io', './image.js');
  const img = new nifti2.NiftiImage({ data: new Float32Array(8), shape: [2, 2, 2], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
  assert.notEqual(nifti2.NiftiImage, NiftiImage, 'the test needs a distinct module instance');
  assert.ok(img instanceof NiftiImage && isNiftiImage(img));
  assert.equal(await loadImg(img), img, 'image-ops takes it as an image, not as a path');
  assert.ok(!isNiftiImage({ shape: [2, 2, 2] }));
  class Special extends NiftiImage {}
  assert.ok(!(img instanceof Special));

  const matrix2 = await secondCopy<typeof import('@neurodecode/matrix')>('@neurodecode/matrix', './index.js');
  assert.notEqual(matrix2.Matrix, Matrix, 'the test needs a distinct module instance');
  const m = new matrix2.Matrix(2, 2);
  assert.ok(m instanceof Matrix);
  assert.equal(asMatrix(m), m, 'no re-wrap for a matrix from another copy');
});
