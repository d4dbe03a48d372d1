// Consumer ESM script: run from a fresh npm project that installed the packed tarballs. Uses the
// public API the way a lab script would, on a small simulated set, and checks the results.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '@neurodecode/matrix';
import { readNifti, writeNifti, isNiftiImage } from '@neurodecode/nifti-io';
import { meanImg } from '@neurodecode/image-ops';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { LinearSVC, createEstimator } from '@neurodecode/estimators';
import { checkEstimator } from '@neurodecode/estimators/testing';
import { LeaveOneGroupOut, crossValScore } from '@neurodecode/cv';
import { Decoder, defaultInnerCv } from '@neurodecode/decoding';
import { searchlight } from '@neurodecode/searchlight';
import { simulateFmri } from '@neurodecode/datasets';
// A second, separately installed copy of cv (npm alias): classes from it must still be recognised.
import * as cvCopy from 'cv-second-copy';

const out = mkdtempSync(join(tmpdir(), 'neurodecode-consumer-'));
try {
  const set = await simulateFmri({ outDir: out, volumes: 48, shape: [12, 14, 10], runs: 4, snr: 2, seed: 3 });
  const bold = await readNifti(set.bold);
  assert.ok(isNiftiImage(bold) && bold.shape[3] === 48);
  const mean = await meanImg(set.bold);
  await writeNifti(mean, join(out, 'mean.nii.gz'));
  assert.deepEqual((await readNifti(join(out, 'mean.nii.gz'))).shape, [12, 14, 10]);

  const rows = readFileSync(set.labels, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/[\s,]+/));
  const y = rows.map((r) => r[0]);
  const groups = rows.map((r) => Number(r[1]));
  const masker = new NiftiMasker({ maskImg: await readNifti(set.mask) });
  const X = await masker.fitTransform(bold);
  standardizeInPlace(X, 'zscore_sample');
  assert.ok(X instanceof Matrix && X.rows === 48);

  const scores = crossValScore(new LinearSVC({ C: 1 }), X, y, { cv: new LeaveOneGroupOut(), groups });
  const meanScore = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(meanScore > 0.7, `LinearSVC leave-one-run-out accuracy ${meanScore}`);

  // Two copies of cv: the Decoder must keep leave-one-group-out as its inner split.
  const inner = defaultInnerCv(new cvCopy.LeaveOneGroupOut(), [0, 0, 1, 1, 2, 2]);
  assert.ok(inner instanceof LeaveOneGroupOut, `inner split is ${inner.name}`);
  const decoder = new Decoder({ estimator: 'svc', cv: new cvCopy.LeaveOneGroupOut(), maskImg: masker.maskImg_, screeningPercentile: null });
  decoder.fitMatrix(X, y, { groups });
  assert.equal(Object.values(decoder.cvScores)[0].length, 4);

  const gnb = createEstimator('gnb', {}).fit(X, y);
  assert.equal(gnb.predict(X).length, 48);
  assert.equal(checkEstimator(() => new LinearSVC()).failed.length, 0);

  const sl = await searchlight({ func: set.bold, mask: set.mask, y, groups, cv: 'logo', estimator: 'gnb', radius: 4, threads: 2 });
  assert.equal(sl.threads, 2);
  assert.ok(sl.nSpheres > 100 && sl.scores.every((s) => s >= 0 && s <= 1));
  console.log(JSON.stringify({ esm: 'ok', accuracy: Number(meanScore.toFixed(3)), spheres: sl.nSpheres }));
} finally {
  rmSync(out, { recursive: true, force: true });
}
