// decode --save-model on runs 0-5 of the haxby slice, predict on runs 6-11: the same predictions
// and decision values as the API's Decoder.predict on the same data; bad models and grids refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { cleanSignals, NiftiMasker } from '@neurodecode/maskers';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { dataPath, repoRoot, skipWithoutShared, tempDir, writeTinySet } from '@neurodecode/testkit';
import { assertClose, expectOneLineError, parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const slice = (name: string) => dataPath('haxby-slice', name)!;

test('a model saved by decode on runs 0-5 predicts runs 6-11 as the API does', { skip }, async () => {
  const { dir } = tempDir();
  const rows = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n');
  const table = rows.slice(1).map((r) => r.trim().split(/\s+/));
  const trainVols = table.flatMap((r, i) => (Number(r[1]) < 6 ? [i] : []));
  const testVols = table.flatMap((r, i) => (Number(r[1]) >= 6 ? [i] : []));
  writeFileSync(join(dir, 'train.txt'), [rows[0], ...trainVols.map((i) => rows[i + 1])].join('\n'));
  writeFileSync(join(dir, 'test.txt'), [rows[0], ...testVols.map((i) => rows[i + 1])].join('\n'));
  const range = (v: number[]) => `${v[0]}-${v[v.length - 1]}`;
  parseJsonResult(runCli('image', 'index', slice('bold.nii.gz'), '--volumes', range(trainVols), '--out', join(dir, 'train.nii.gz'), '--json'));
  parseJsonResult(runCli('image', 'index', slice('bold.nii.gz'), '--volumes', range(testVols), '--out', join(dir, 'test.nii.gz'), '--json'));
  const model = join(dir, 'fh.ndm');
  const fit = parseJsonResult(runCli('decode', '--func', join(dir, 'train.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', join(dir, 'train.txt'),
    '--targets', 'face,house', '--save-model', model, '--json'));
  assert.equal(fit.model_out, model);
  const out = join(dir, 'preds.tsv');
  const pred = parseJsonResult(runCli('predict', '--model', model, '--func', join(dir, 'test.nii.gz'), '--labels', join(dir, 'test.txt'), '--out', out, '--json'));

  // The API on the same volumes: mask, z-score the selected volumes, Decoder with the CLI's settings.
  const bold = await readNifti(slice('bold.nii.gz'), { dtype: 'float32' });
  const masker = new NiftiMasker({ maskImg: slice('mask.nii.gz') });
  const all = await masker.fitTransform(bold);
  const pick = (vols: number[]) => vols.filter((i) => table[i]![0] === 'face' || table[i]![0] === 'house');
  const tr = pick(trainVols), te = pick(testVols);
  const Xtr = cleanSignals(all.selectRows(tr), { standardize: 'zscore_sample' });
  const Xte = cleanSignals(all.selectRows(te), { standardize: 'zscore_sample' });
  const decoder = new Decoder({ estimator: 'svc', cv: new LeaveOneGroupOut(), screeningPercentile: 20, maskImg: masker.maskImg_! });
  decoder.fitMatrix(Xtr, tr.map((i) => table[i]![0]!), { groups: tr.map((i) => Number(table[i]![1])) });
  const expected = decoder.predict(Xte);
  const decision = decoder.decisionFunction(Xte);

  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.deepEqual(lines[0]!.split('\t'), ['volume', 'run', 'true_label', 'predicted_label', 'decision_house']);
  assert.equal(lines.length - 1, te.length);
  lines.slice(1).forEach((line, k) => {
    const [volume, , truth, predicted, score] = line.split('\t');
    assert.equal(Number(volume), te[k]! - testVols[0]!);
    assert.equal(truth, table[te[k]!]![0]);
    assert.equal(predicted, expected[k], `volume ${volume}`);
    assertClose(Number(score), decision.data[k]!, 1e-12, `decision ${volume}`);
  });
  const accuracy = expected.filter((p, k) => p === table[te[k]!]![0]).length / te.length;
  assertClose(pred.accuracy, accuracy, 1e-12, 'accuracy');
  assert.ok(pred.accuracy > 0.7, `cross-run accuracy ${pred.accuracy}`);
});

test('predict refuses another grid (naming both), a newer model format, and notes another version', { skip }, () => {
  const { dir } = tempDir();
  const model = join(dir, 'm.ndm');
  parseJsonResult(runCli('decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,house', '--cv', 'kfold:3', '--grid', 'C=1', '--save-model', model, '--json'));
  const other = dataPath('haxby-25mm', 'sub001', 'BOLD', 'task001_run001', 'bold_25mm.nii.gz')!;
  const grid = runCli('predict', '--model', model, '--func', other, '--out', join(dir, 'p.tsv'));
  assert.equal(grid.status, 1);
  assert.match(grid.stderr, /^neurodecode: --func: grid 6x10x10 voxels of 25x25x25 mm, .* differs from the model's mask grid 40x20x1 voxels of .*; pass --resample/);
  const saved = JSON.parse(gunzipSync(readFileSync(model)).toString('utf8'));
  writeFileSync(join(dir, 'old.ndm'), gzipSync(JSON.stringify({ ...saved, versions: { ...saved.versions, neurodecode: '0.0.1' } })));
  const old = runCli('predict', '--model', join(dir, 'old.ndm'), '--func', slice('bold.nii.gz'), '--out', join(dir, 'q.tsv'), '--json');
  assert.equal(old.status, 0, old.stderr);
  assert.match(old.stderr, /the model was saved by neurodecode 0\.0\.1; this is /);
  writeFileSync(join(dir, 'new.ndm'), gzipSync(JSON.stringify({ ...saved, formatVersion: 99 })));
  const newer = runCli('predict', '--model', join(dir, 'new.ndm'), '--func', slice('bold.nii.gz'), '--out', join(dir, 'r.tsv'));
  assert.match(newer.stderr, /--model: .*new\.ndm has model format 99 .* upgrade it/);
});

test('predict --resample on another grid: a notice naming both grids, the same table as image resample then predict', { skip }, () => {
  const { dir, cleanup } = tempDir('nd-resample-');
  try {
    const model = join(dir, 'fh.ndm');
    parseJsonResult(runCli('decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
      '--targets', 'face,house', '--cv', 'kfold:3', '--grid', 'C=1', '--save-model', model, '--json'));
    // The slice on a finer grid (y voxels halved: 40x39x1 at 3.1x1.875x3.75 mm), as data from another acquisition would be.
    const fine = join(dir, 'fine.nii.gz');
    parseJsonResult(runCli('image', 'resample', slice('bold.nii.gz'), '--voxel-size', '3.1,1.875,3.75', '--out', fine, '--json'));
    const predictArgs = (func: string, out: string) => ['predict', '--model', model, '--func', func, '--labels', slice('labels.txt'), '--out', join(dir, out), '--json'];
    const refused = runCli(...predictArgs(fine, 'refused.tsv'));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /--func: grid 40x39x1 voxels of 3\.1x1\.875x3\.75 mm, .* differs from the model's mask grid 40x20x1 voxels of 3\.1x3\.75x3\.75 mm, .*; pass --resample/);
    assert.ok(!existsSync(join(dir, 'refused.tsv')));
    const auto = runCli(...predictArgs(fine, 'auto.tsv'), '--resample');
    assert.equal(auto.status, 0, auto.stderr);
    assert.match(auto.stderr, /predict: --func: grid 40x39x1 voxels of 3\.1x1\.875x3\.75 mm, .* differs from the model's mask grid 40x20x1 voxels of .*; resampling the data onto the model's grid/);
    const autoResult = JSON.parse(auto.stdout) as { n_predictions: number; accuracy: number };
    // By hand: image resample onto the mask's grid, then predict with no resampling needed.
    const back = join(dir, 'back.nii.gz');
    parseJsonResult(runCli('image', 'resample', fine, '--like', slice('mask.nii.gz'), '--out', back, '--json'));
    const byHand = parseJsonResult(runCli(...predictArgs(back, 'by-hand.tsv')));
    assert.equal(byHand.accuracy, autoResult.accuracy);
    const table = (name: string) => readFileSync(join(dir, name), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    assert.deepEqual(table('auto.tsv'), table('by-hand.tsv'), 'predict --resample = image resample, then predict');
    // Sane: up- then down-sampling keeps most of the signal, so the predictions and decision values
    // stay close to those on the original grid.
    parseJsonResult(runCli(...predictArgs(slice('bold.nii.gz'), 'original.tsv')));
    const original = table('original.tsv'),
      resampled = table('auto.tsv');
    assert.equal(resampled.length, autoResult.n_predictions);
    assert.equal(resampled.length, original.length);
    const agree = resampled.filter((row, i) => row[3] === original[i]![3]).length / original.length;
    assert.ok(agree >= 0.95, `predictions agree with the original grid's on ${agree}`);
    const a = resampled.map((r) => Number(r[4])),
      b = original.map((r) => Number(r[4]));
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const [ma, mb] = [mean(a), mean(b)];
    const cov = a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0);
    const r = cov / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
    assert.ok(r > 0.99, `decision values correlate with the original grid's (r = ${r})`);
    assert.ok(autoResult.accuracy > 0.9, `accuracy ${autoResult.accuracy}`);
  } finally {
    cleanup();
  }
});

test('decode --save-model with an estimator that has no toJSON fails before any work, writing nothing', async () => {
  const { dir, cleanup } = tempDir('nd-save-');
  try {
    const s = writeTinySet(dir);
    const plugin = join(dir, 'no-json.mjs');
    const estimators = join(repoRoot(), 'packages', 'estimators', 'dist', 'src', 'index.js');
    writeFileSync(plugin, [
      `import { createEstimator, registerEstimator } from ${JSON.stringify(estimators)};`,
      `registerEstimator({ name: 'no-json', kind: 'classifier', description: 'gnb without toJSON',`,
      `  create: (p) => { const e = createEstimator('gnb', p); e.toJSON = undefined; return e; } });`,
    ].join('\n') + '\n');
    const model = join(dir, 'm.ndm');
    const args = ['decode', '--func', s.bold, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--estimator', 'no-json', '--plugin', plugin];
    const line = expectOneLineError(runCli(...args, '--save-model', model));
    assert.equal(line, 'neurodecode: --save-model: estimator "no-json" has no toJSON(), so a model using it cannot be saved');
    assert.ok(!existsSync(model), 'no model file written');
    parseJsonResult(runCli(...args, '--json')); // the same run without --save-model works
  } finally {
    cleanup();
  }
});
