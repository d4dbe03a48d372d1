// A third-party estimator from a separate package (test/fixtures/example-plugin, plain JavaScript,
// not a workspace member) passes the conformance kit and runs through the Decoder and through
// `neurodecode decode --plugin`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Matrix } from '@neurodecode/matrix';
import { readNifti } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { createEstimator, getEstimatorEntry, listEstimators, type Classifier, type Estimator } from '@neurodecode/estimators';
import { assertEstimatorConforms, checkEstimator } from '@neurodecode/estimators/testing';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { dataPath, repoRoot, skipWithoutShared } from '@neurodecode/testkit';

const root = repoRoot();
const pluginDir = join(root, 'test', 'fixtures', 'example-plugin');
const pluginEntry = join(pluginDir, 'index.js');
const skip = skipWithoutShared();
const slice = (name: string) => dataPath('haxby-slice', name)!;

type PluginModule = { NearestCentroid: new (p?: Record<string, unknown>) => Classifier };
const plugin = (await import(pathToFileURL(pluginEntry).href)) as PluginModule;

/** Independent binary ROC AUC: the share of (positive, negative) pairs ranked right, ties half. */
function pairAuc(scores: ArrayLike<number>, positive: boolean[]): number {
  let good = 0, pairs = 0;
  for (let i = 0; i < positive.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < positive.length; j++) {
      if (positive[j]) continue;
      pairs++;
      good += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

async function faceVsHouse(): Promise<{ X: Matrix; y: string[]; groups: number[] }> {
  const rows = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(rows[0]!.trim().split(/\s+/), ['labels', 'chunks']);
  const table = rows.slice(1).map((r) => r.trim().split(/\s+/));
  const keep = Int32Array.from(table.flatMap((r, i) => (r[0] === 'face' || r[0] === 'house' ? [i] : [])));
  const masker = new NiftiMasker({ maskImg: slice('mask.nii.gz') });
  const X = (await masker.fitTransform(await readNifti(slice('bold.nii.gz'), { dtype: 'float32' }))).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');
  return { X, y: Array.from(keep, (i) => table[i]![0]!), groups: Array.from(keep, (i) => Number(table[i]![1])) };
}

test('the plugin registers nearest-centroid on import', () => {
  const entry = getEstimatorEntry('nearest-centroid');
  assert.ok(entry, `registered: ${listEstimators().map((e) => e.name).join(', ')}`);
  assert.equal(entry.kind, 'classifier');
  const est = createEstimator('nearest-centroid', { shrinkThreshold: 0.5 });
  assert.ok(est instanceof plugin.NearestCentroid);
  assert.deepEqual(est.getParams(), { shrinkThreshold: 0.5 });
  assert.throws(() => createEstimator('nearest-centroid', { shrink: 1 }), /shrink/);
});

test('the plugin estimator passes the conformance kit', () => {
  const report = assertEstimatorConforms(() => new plugin.NearestCentroid() as unknown as Estimator);
  assert.ok(report.passed.includes('decision-function-shape'), 'its decisionFunction is checked');
  assert.ok(report.passed.length >= 15, `passed: ${report.passed.join(', ')}`);
  // The kit is not a rubber stamp: a subclass that forgets to return this from fit is caught.
  class Broken extends plugin.NearestCentroid {
    override fit(X: Matrix, y: string[]): this {
      super.fit(X, y);
      return undefined as unknown as this;
    }
  }
  const broken = checkEstimator(() => new Broken() as unknown as Estimator);
  assert.ok(broken.failed.some((f) => f.check === 'fit-returns-this'), JSON.stringify(broken.failed));
});

test('Decoder runs the plugin by name: per-fold ROC AUC equals an independent leave-one-run-out computation', { skip }, async () => {
  const { X, y, groups } = await faceVsHouse();
  const decoder = new Decoder({
    estimator: 'nearest-centroid', cv: new LeaveOneGroupOut(), paramGrid: { shrinkThreshold: [0] }, screeningPercentile: null,
  }).fitMatrix(X, y, { groups });
  assert.deepEqual(decoder.classes, ['face', 'house']);
  const scores = decoder.cvScores.house!;
  assert.equal(scores.length, 12);
  for (let run = 0; run < 12; run++) {
    const train = Int32Array.from(groups.flatMap((g, i) => (g !== run ? [i] : [])));
    const test = Int32Array.from(groups.flatMap((g, i) => (g === run ? [i] : [])));
    const model = new plugin.NearestCentroid().fit(X.selectRows(train), Array.from(train, (i) => y[i]!));
    const d = model.decisionFunction!(X.selectRows(test));
    const expected = pairAuc(d.data, Array.from(test, (i) => y[i] === 'house'));
    assert.ok(Math.abs(scores[run]! - expected) < 1e-12, `run ${run}: decoder ${scores[run]} vs ${expected}`);
  }
  const mean = scores.reduce((a, b) => a + b, 0) / 12;
  assert.ok(mean > 0.8, `face vs house is easy here; mean ROC AUC ${mean}`);
});

test('Decoder grid-searches the plugin\'s own parameter', { skip }, async () => {
  const { X, y, groups } = await faceVsHouse();
  const grid = [0, 0.5, 2];
  const decoder = new Decoder({ estimator: 'nearest-centroid', paramGrid: { shrinkThreshold: grid } }).fitMatrix(X, y, { groups });
  for (const p of decoder.cvParams.house!) assert.ok(grid.includes(p.shrinkThreshold as number), JSON.stringify(p));
  for (const s of decoder.cvScores.house!) assert.ok(s >= 0 && s <= 1);
});

test('Decoder.predict with a non-linear plugin estimator predicts well or refuses', { skip }, async () => {
  const { X, y, groups } = await faceVsHouse();
  const decoder = new Decoder({ estimator: 'nearest-centroid', paramGrid: { shrinkThreshold: [0] }, screeningPercentile: null }).fitMatrix(X, y, { groups });
  let predicted: unknown[];
  try {
    predicted = decoder.predict(X);
  } catch (err) {
    assert.match((err as Error).message, /coef|linear|estimator/);
    return;
  }
  const accuracy = predicted.filter((p, i) => p === y[i]).length / y.length;
  assert.ok(accuracy > 0.8, `training-set accuracy ${accuracy} (cv ROC AUC ${decoder.meanScore})`);
});

function cliDecode(pluginArg: string, ...extra: string[]) {
  return spawnSync(process.execPath, [
    'apps/cli/bin/neurodecode.js', 'decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'),
    '--labels', slice('labels.txt'), '--targets', 'face,house', '--estimator', 'nearest-centroid',
    '--plugin', pluginArg, '--json', ...extra,
  ], { cwd: root, encoding: 'utf8' });
}

test('neurodecode decode --plugin <index.js> --estimator nearest-centroid --grid shrinkThreshold=...', { skip }, async () => {
  const r = cliDecode('./test/fixtures/example-plugin/index.js', '--grid', 'shrinkThreshold=0,0.5,2');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]!);
  assert.equal(out.estimator, 'nearest-centroid');
  assert.equal(out.cv, 'logo');
  assert.equal(out.cv_scores.length, 12, 'leave-one-run-out over 12 runs');
  for (const s of out.cv_scores) assert.ok(s >= 0 && s <= 1);
  for (const p of out.cv_params) assert.ok([0, 0.5, 2].includes(p.shrinkThreshold), JSON.stringify(p));
  assert.deepEqual(out.classes, ['face', 'house']);
  // The same workflow in-process (same masking, standardizing, screening and nested selection).
  const { X, y, groups } = await faceVsHouse();
  const decoder = new Decoder({
    estimator: 'nearest-centroid', cv: new LeaveOneGroupOut(), paramGrid: { shrinkThreshold: [0, 0.5, 2] },
    maskImg: await readNifti(slice('mask.nii.gz')),
  }).fitMatrix(X, y, { groups });
  assert.equal(out.n_samples, X.rows);
  out.cv_scores.forEach((s: number, i: number) => assert.ok(Math.abs(s - decoder.cvScores.house![i]!) < 1e-12, `fold ${i}`));
});

test('neurodecode decode --plugin <absolute path to index.js>', { skip }, () => {
  const r = cliDecode(pluginEntry, '--grid', 'shrinkThreshold=0');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).cv_scores.length, 12);
});

test('neurodecode decode --plugin <package directory> loads the package\'s main', { skip }, () => {
  const r = cliDecode('./test/fixtures/example-plugin', '--grid', 'shrinkThreshold=0');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).cv_scores.length, 12);
});

test('neurodecode decode --plugin with a missing module fails with one line naming it', () => {
  const r = spawnSync(process.execPath, ['apps/cli/bin/neurodecode.js', 'decode', '--func', 'x.nii.gz', '--labels', 'l.txt',
    '--plugin', './no/such/plugin.js', '--json'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^[^\n]*--plugin[^\n]*no\/such\/plugin\.js[^\n]*\n$/);
});
