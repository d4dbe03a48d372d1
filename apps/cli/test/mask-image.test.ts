// `neurodecode mask ...` and `neurodecode image ...` on real files, checked against nilearn's
// values in ../shared/reference and against the input data read independently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readNifti } from '@neurodecode/nifti-io';
import { dataPath, reference, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { assertClose, parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const atlas = () => dataPath('atlases', 'harvard_oxford.nii.gz')!;
const run1 = () => dataPath('haxby-25mm', 'sub001', 'BOLD', 'task001_run001', 'bold_25mm.nii.gz')!;

test('mask atlas: V1 by region names equals nilearn\'s resample_to_img of the atlas volumes 92-95', { skip }, async () => {
  const { dir } = tempDir();
  const out = join(dir, 'v1.nii.gz');
  const res = parseJsonResult(runCli('mask', 'atlas', '--atlas', atlas(), '--regions', 'supracalcarine cortex,Occipital_Pole',
    '--like', run1(), '--out', out, '--json'));
  assert.deepEqual(res.regions.map((r: { index: number }) => r.index), [92, 93, 94, 95]);
  const ref = (await reference())['resample_to_img(V1 of atlases/harvard_oxford vols 92-95 > 0, haxby-25mm run001 vol0, continuous)'];
  const mask = await readNifti(out);
  const first = (await readNifti(run1())).volume(0);
  const [nx, ny, nz] = mask.shape as [number, number, number];
  let count = 0;
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    const f = i + nx * (j + ny * k);
    const expected = ref.values[(i * ny + j) * nz + k] > 0.5 && first[f] !== 0 ? 1 : 0;
    assert.equal(mask.data[f], expected, `voxel (${i}, ${j}, ${k})`);
    count += expected;
  }
  assert.equal(res.n_voxels, count);
});

test('mask atlas: a misspelt region names the closest labels; an image outside the atlas space is refused', { skip }, () => {
  const { dir } = tempDir();
  const miss = runCli('mask', 'atlas', '--atlas', atlas(), '--regions', 'Occipitl Pole', '--like', run1(), '--out', join(dir, 'x.nii.gz'));
  assert.equal(miss.status, 1);
  assert.match(miss.stderr, /^neurodecode: --regions: "Occipitl Pole" is not a region of the atlas; closest: (Left|Right)_Occipital_Pole/);
  const far = runCli('mask', 'atlas', '--atlas', atlas(), '--regions', 'Occipital Pole', '--like', dataPath('haxby-slice', 'bold.nii.gz')!, '--out', join(dir, 'y.nii.gz'));
  assert.equal(far.status, 1);
  assert.match(far.stderr, /--like: the ROI has no voxel on this image's grid; .* is the image in the atlas's space/);
  assert.ok(!existsSync(join(dir, 'x.nii.gz')) && !existsSync(join(dir, 'y.nii.gz')), 'nothing written on error');
  const list = parseJsonResult(runCli('mask', 'atlas', '--atlas', atlas(), '--list', '--json'));
  assert.equal(list.regions.length, 113);
  assert.equal(list.regions[94].name, 'Left_Occipital_Pole');
});

test('image mean and image smooth match nilearn', { skip }, async () => {
  const ref = (await reference()).image;
  const { dir } = tempDir();
  const meanOut = join(dir, 'mean.nii.gz');
  parseJsonResult(runCli('image', 'mean', dataPath('haxby-slice', 'bold.nii.gz')!, '--out', meanOut, '--json'));
  const mean = await readNifti(meanOut);
  const r = ref['mean_img(haxby-slice/bold)'];
  assertClose(Array.from(mean.data).reduce((a, b) => a + b, 0), r.sum, 1e-6, 'mean sum');
  const [i, j, k] = r.probes[0].index;
  assertClose(mean.data[i + mean.shape[0]! * (j + mean.shape[1]! * k)]!, r.probes[0].value, 1e-9, 'mean probe');

  const key = Object.keys(ref).find((x) => x.startsWith('gaussian smoothing'))!;
  const smoothOut = join(dir, 'smooth.nii');
  parseJsonResult(runCli('image', 'smooth', dataPath('templates', 'mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz')!, '--fwhm', '3', '--out', smoothOut, '--json'));
  const s = await readNifti(smoothOut);
  const [nx, ny] = s.shape as [number, number];
  for (const p of ref[key].probes) {
    const [a, b, c] = p.index;
    assertClose(s.data[a + nx * (b + ny * c)]!, p.value, 1e-6, `smooth probe ${p.index}`);
  }
});

test('image index, math, threshold, crop and resample agree with the data read directly', { skip }, async () => {
  const { dir } = tempDir();
  const bold = await readNifti(run1());
  const idx = join(dir, 'idx.nii.gz');
  parseJsonResult(runCli('image', 'index', run1(), '--volumes', '2,5-6', '--out', idx, '--json'));
  const picked = await readNifti(idx);
  assert.deepEqual(picked.shape, [6, 10, 10, 3]);
  [2, 5, 6].forEach((v, n) => assert.deepEqual(Array.from(picked.volume(n)), Array.from(bold.volume(v))));

  const m = join(dir, 'm.nii.gz');
  const math = parseJsonResult(runCli('image', 'math', 'mean(a) > 500', `a=${run1()}`, '--out', m, '--json'));
  assert.deepEqual(math.shape, [6, 10, 10]);
  const mask = await readNifti(m);
  let expectOn = 0;
  for (let v = 0; v < bold.volumeSize; v++) {
    let s = 0;
    for (let t = 0; t < bold.nVolumes; t++) s += bold.data[t * bold.volumeSize + v]!;
    if (s / bold.nVolumes > 500) expectOn++;
  }
  assert.equal(Array.from(mask.data).filter((x) => x === 1).length, expectOn);

  const cropped = parseJsonResult(runCli('image', 'crop', m, '--no-pad', '--out', join(dir, 'c.nii.gz'), '--json'));
  assert.ok(cropped.shape.every((n: number, a: number) => n <= mask.shape[a]!));
  const thr = join(dir, 't.nii.gz');
  parseJsonResult(runCli('image', 'threshold', idx, '--threshold', '90%', '--out', thr, '--json'));
  const t = await readNifti(thr);
  const nonzero = Array.from(t.data).filter((x) => x !== 0).length;
  assert.ok(nonzero > 0 && nonzero <= Math.ceil(0.1 * t.data.length) + 1, `90th percentile keeps about 10%, kept ${nonzero}`);

  const res = parseJsonResult(runCli('image', 'resample', m, '--voxel-size', '12.5', '--interpolation', 'nearest', '--out', join(dir, 'r.nii.gz'), '--json'));
  assert.deepEqual(res.shape.slice(0, 3), [11, 19, 19]);
  const bad = runCli('image', 'resample', m, '--voxel-size', '3', '--interpolation', 'cubic', '--out', join(dir, 'z.nii.gz'));
  assert.match(bad.stderr, /--interpolation: expected one of continuous, linear, nearest, got "cubic"/);
});
