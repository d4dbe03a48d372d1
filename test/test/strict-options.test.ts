// Natural mistakes at the public entry points get a message about the argument: unknown option
// keys name the closest valid one (nilearn users type snake_case), a Promise where an image is
// expected asks about await, and a path or a string where a matrix or a number is expected says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { NiftiImage } from '@neurodecode/nifti-io';
import { resampleImg, smoothImg, thresholdImg } from '@neurodecode/image-ops';
import { cleanSignals, computeEpiMask, NiftiMasker } from '@neurodecode/maskers';
import { LinearSVC } from '@neurodecode/estimators';
import { crossValidate, GridSearchCV, KFold, permutationTestScore } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { searchlight } from '@neurodecode/searchlight';

const img = new NiftiImage({ data: new Float32Array(27).fill(1), shape: [3, 3, 3], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
const X = Matrix.from([[0, 1], [1, 0], [0, 2], [2, 0], [0, 3], [3, 0]]);
const y = ['a', 'b', 'a', 'b', 'a', 'b'];

test('snake_case and misspelt option keys name the closest valid option', async () => {
  assert.throws(() => new Decoder({ screening_percentile: 10 } as never), /^Error: screening_percentile: unknown Decoder option; did you mean screeningPercentile\?$/);
  assert.throws(() => new NiftiMasker({ smoothing_fwhm: 6 } as never), /smoothing_fwhm: unknown NiftiMasker option; did you mean smoothingFwhm\?/);
  assert.throws(() => new LinearSVC({ max_iter: 10 } as never), /LinearSVC: unknown parameter "max_iter"; did you mean maxIter\?/);
  assert.throws(() => crossValidate(new LinearSVC(), X, y, { return_train_score: true } as never), /return_train_score: unknown crossValidate option; did you mean returnTrainScore\?/);
  assert.throws(() => permutationTestScore(new LinearSVC(), X, y, { n_permutations: 5 } as never), /n_permutations: unknown permutationTestScore option; did you mean nPermutations\?/);
  assert.throws(() => new GridSearchCV({ estimator: new LinearSVC(), paramGrid: {}, param_grid: {} } as never), /param_grid: unknown GridSearchCV option; did you mean paramGrid\?/);
  assert.throws(() => new KFold({ n_splits: 3 } as never), /n_splits: unknown KFold option; did you mean nSplits\?/);
  assert.throws(() => cleanSignals(X, { low_pass: 0.1 } as never), /low_pass: unknown cleanSignals option; did you mean lowPass\?/);
  await assert.rejects(computeEpiMask(img, { lower_cutoff: 0.1 } as never), /lower_cutoff: unknown computeEpiMask option; did you mean lowerCutoff\?/);
  await assert.rejects(thresholdImg(img, 1, { two_sided: false } as never), /two_sided: unknown thresholdImg option; did you mean twoSided\?/);
  await assert.rejects(resampleImg(img, { targetAffine: img.affine, interp: 'nearest' } as never), /interp: unknown resampleImg option; did you mean interpolation\?/);
  await assert.rejects(searchlight({ func: X, mask: img, y, radius: 1, process_mask: img } as never), /process_mask: unknown searchlight option; did you mean processMask\?/);
});

test('a Promise where an image is expected asks about await; wrong kinds of value name the argument', async () => {
  const pending = Promise.resolve(img);
  await assert.rejects(smoothImg(pending as never, 6), /^TypeError: img: got a Promise; did you forget await\?$/);
  assert.throws(() => new NiftiMasker({ maskImg: pending as never }), /maskImg: got a Promise; did you forget await\?/);
  await assert.rejects(smoothImg(img, '6mm' as never), /^TypeError: fwhm: expected a number of mm, three numbers or null, got the string "6mm"$/);
  assert.throws(() => new Decoder().fitMatrix('sub-01_bold.nii.gz' as never, y), /^TypeError: X: expected a Matrix .*got the string "sub-01_bold\.nii\.gz"; mask the images into a Matrix first/);
  assert.throws(() => new LinearSVC().fit(pending as never, y), /X: got a Promise; did you forget await\?/);
});
