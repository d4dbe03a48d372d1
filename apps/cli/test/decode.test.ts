import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath, reference, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { assertClose, parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const slice = (name: string) => dataPath('haxby-slice', name)!;

/** Count the labels.txt rows with one of `targets`, read independently of the CLI. */
function countTargets(targets: string[]): number {
  const rows = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n').slice(1);
  return rows.filter((r) => targets.includes(r.trim().split(/\s+/)[0]!)).length;
}

test('neurodecode decode --selection test-fold reproduces nilearn\'s Decoder face vs cat scores', { skip }, async () => {
  const ref = (await reference()).decoder_face_vs_cat_svc_logo;
  const out = parseJsonResult(runCli(
    'decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,cat', '--selection', 'test-fold', '--json',
  ));
  for (const key of ['cv_scores', 'mean_score', 'classes', 'n_samples', 'n_features', 'estimator', 'cv']) assert.ok(key in out, `missing ${key}`);
  assert.equal(out.cv_scores.length, ref.cv_scores.length);
  out.cv_scores.forEach((s: number, i: number) => assertClose(s, ref.cv_scores[i], 1e-6, `cv_scores[${i}]`));
  const mean = out.cv_scores.reduce((a: number, b: number) => a + b, 0) / out.cv_scores.length;
  assertClose(out.mean_score, mean, 1e-12, 'mean_score');
  assert.equal(out.cv_params.length, 12);
  out.cv_params.forEach((p: { C: number }, i: number) => assert.equal(p.C, ref.cv_params_C[i], `cv_params[${i}].C`));
  assert.deepEqual(out.classes, ['cat', 'face']);
  assert.equal(out.n_samples, countTargets(['face', 'cat']));
  assert.equal(out.n_features, (await reference()).masker.n_voxels);
  assert.equal(out.estimator, 'svc');
  assert.equal(out.cv, 'logo');
});

test('neurodecode decode with nested selection (default) reports parameters from the grid', { skip }, () => {
  const out = parseJsonResult(runCli(
    'decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,house', '--cv', 'logo', '--grid', 'C=0.01,1', '--json',
  ));
  assert.equal(out.cv_scores.length, 12, 'one score per run with leave-one-run-out');
  for (const s of out.cv_scores) assert.ok(s >= 0 && s <= 1, `ROC AUC ${s} outside [0, 1]`);
  assert.equal(out.selection, 'nested');
  for (const p of out.cv_params) assert.ok([0.01, 1].includes(p.C), `C ${p.C} not in the grid`);
  assert.deepEqual(out.classes, ['face', 'house']);
  assert.equal(out.n_samples, countTargets(['face', 'house']));
  // Face vs house is easy in ventral temporal cortex: far above the 0.5 of chance.
  assert.ok(out.mean_score > 0.8, `mean ROC AUC ${out.mean_score}`);
});

test('decode --cv kfold:4 works from a labels file without a group column', { skip: skipWithoutShared() }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const labelsOnly = join(dir, 'labels-only.txt');
    const lines = readFileSync(dataPath('haxby-slice', 'labels.txt')!, 'utf8').trim().split('\n');
    writeFileSync(labelsOnly, lines.map((l) => l.trim().split(/\s+/)[0]).join('\n') + '\n');
    const res = parseJsonResult(runCli('decode', '--func', dataPath('haxby-slice', 'bold.nii.gz')!, '--mask', dataPath('haxby-slice', 'mask.nii.gz')!,
      '--labels', labelsOnly, '--targets', 'face,house', '--cv', 'kfold:4', '--json'));
    assert.equal(res.cv_scores.length, 4);
    assert.ok(res.mean_score > 0.9, `mean ROC AUC ${res.mean_score}`);
  } finally {
    cleanup();
  }
});

test('decode --threads 2 fits the outer folds on worker threads with the numbers of --threads 1; --threads 0 is a one-line error', { skip: skipWithoutShared() }, () => {
  const args = ['decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'), '--targets', 'face,house',
    '--estimator', 'logistic_l1', '--selection', 'test-fold', '--json'];
  const one = parseJsonResult(runCli(...args, '--threads', '1'));
  const two = parseJsonResult(runCli(...args, '--threads', '2'));
  assert.deepEqual(two.cv_scores, one.cv_scores);
  assert.equal(two.mean_score, one.mean_score);
  const bad = runCli(...args, '--threads', '0');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr.trim(), /--threads/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
