import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Matrix } from '@neurodecode/matrix';
import { readNifti, NiftiImage } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { LeaveOneGroupOut, KFold, StratifiedKFold } from '@neurodecode/cv';
import { dataPath, reference, rng, skipWithoutShared } from '@neurodecode/testkit';
import { Decoder, DecoderRegressor, adjustScreeningPercentile, defaultInnerCv, parseGridSpec } from '../src/index.js';

async function haxbySlice(targets: string[]) {
  const dir = dataPath('haxby-slice')!;
  const rows = readFileSync(`${dir}/labels.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep: number[] = [];
  rows.forEach((r, i) => { if (targets.includes(r[0]!)) keep.push(i); });
  const maskImg = await readNifti(`${dir}/mask.nii.gz`);
  const masker = new NiftiMasker({ maskImg });
  const X = (await masker.fitTransform(`${dir}/bold.nii.gz`)).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');
  return { X, y: keep.map((i) => rows[i]![0]!), groups: keep.map((i) => Number(rows[i]![1])), maskImg: masker.maskImg_! };
}

/** Two Gaussian classes separated along the first `informative` features. */
function synthetic(n: number, p: number, informative: number, seed: number, classes = ['a', 'b']) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y: string[] = [];
  const groups: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes.length;
    y.push(classes[k]!);
    groups.push(Math.floor(i / (n / 4)));
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j < informative ? (k - (classes.length - 1) / 2) * 1.5 : 0));
  }
  return { X, y, groups };
}

test('test-fold selection reproduces nilearn Decoder face vs cat (ROC AUC per fold, C chosen)', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).decoder_face_vs_cat_svc_logo;
  const { X, y, groups, maskImg } = await haxbySlice(['face', 'cat']);
  const dec = new Decoder({ estimator: 'svc', cv: new LeaveOneGroupOut(), selection: 'test-fold', maskImg });
  dec.fitMatrix(X, y, { groups });
  assert.deepEqual(dec.classes, ['cat', 'face']);
  assert.equal(dec.screeningPercentileUsed, 100, 'a 530-voxel mask is far below an MNI brain: no screening');
  const scores = dec.cvScores.face!;
  assert.equal(scores.length, 12);
  scores.forEach((s, i) => assert.ok(Math.abs(s - ref.cv_scores[i]) < 1e-6, `fold ${i}: ${s} vs ${ref.cv_scores[i]}`));
  assert.deepEqual(dec.cvParams.face!.map((p) => p.C), ref.cv_params_C);
  assert.deepEqual(dec.cvScores.cat, dec.cvScores.face);
});

test('nested selection (default) scores every fold with parameters chosen on training folds only', { skip: skipWithoutShared() }, async () => {
  const { X, y, groups, maskImg } = await haxbySlice(['face', 'house']);
  const dec = new Decoder({ cv: new LeaveOneGroupOut(), maskImg });
  dec.fitMatrix(X, y, { groups });
  const scores = dec.cvScores.house!;
  assert.equal(scores.length, 12);
  assert.ok(dec.meanScore > 0.9, `face vs house is easy: mean AUC ${dec.meanScore}`);
  for (const p of dec.cvParams.house!) assert.ok([1, 10, 100].includes(p.C as number));
  // The averaged model predicts its own training data well.
  const pred = dec.predict(X);
  const acc = pred.filter((p, i) => p === y[i]).length / y.length;
  assert.ok(acc > 0.9, `training accuracy ${acc}`);
  assert.equal(dec.coef!.cols, X.cols);
});

test('screening percentile is scaled by the mask volume relative to an MNI brain', () => {
  const big = new NiftiImage({ data: new Uint8Array(100 * 100 * 100).fill(1), shape: [100, 100, 100], affine: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]] });
  // 8e6 mm^3 mask: 20% * 1827243 / 8e6
  assert.ok(Math.abs(adjustScreeningPercentile(20, big) - (20 * 1827243) / 8e6) < 1e-9);
  assert.equal(adjustScreeningPercentile(null, big), 100);
  assert.throws(() => adjustScreeningPercentile(0, big), /screeningPercentile/);
});

test('screening keeps informative features and coefficients are zero elsewhere', () => {
  const { X, y } = synthetic(120, 200, 5, 3);
  const dec = new Decoder({ cv: new StratifiedKFold({ nSplits: 4 }), screeningPercentile: 5, selection: 'test-fold', scoring: 'accuracy' });
  dec.fitMatrix(X, y);
  const w = dec.coef!.row(0);
  const nonzero = Array.from(w).map((v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
  assert.ok(nonzero.length <= 10 * 4, `at most the union of 10 features per fold, got ${nonzero.length}`);
  for (let j = 0; j < 5; j++) assert.notEqual(w[j], 0, `informative feature ${j} kept`);
  assert.ok(dec.meanScore > 0.85);
});

test('multi-class runs one-vs-rest problems, one score list per class', () => {
  const { X, y } = synthetic(150, 30, 30, 5, ['x', 'y', 'z']);
  const dec = new Decoder({ estimator: 'logistic', cv: new StratifiedKFold({ nSplits: 3 }), screeningPercentile: null, paramGrid: { C: [1] } });
  dec.fitMatrix(X, y);
  assert.deepEqual(Object.keys(dec.cvScores).sort(), ['x', 'y', 'z']);
  assert.equal(dec.coef!.rows, 3);
  const pred = dec.predict(X);
  assert.ok(pred.filter((p, i) => p === y[i]).length / y.length > 0.6);
});

test('DecoderRegressor scores R2 per fold', () => {
  const r = rng(9);
  const X = new Matrix(80, 10);
  const y = new Float64Array(80);
  for (let i = 0; i < 80; i++) {
    for (let j = 0; j < 10; j++) X.set(i, j, r() - 0.5);
    y[i] = 3 * X.get(i, 0) - 2 * X.get(i, 1) + 0.05 * (r() - 0.5);
  }
  const dec = new DecoderRegressor({ cv: new KFold({ nSplits: 4 }), screeningPercentile: null });
  dec.fitMatrix(X, y);
  assert.equal(dec.cvScores.beta!.length, 4);
  assert.ok(dec.meanScore > 0.8, `R2 ${dec.meanScore}`);
});

test('bad input is named', () => {
  const { X, y } = synthetic(40, 5, 2, 1);
  assert.throws(() => new Decoder().fitMatrix(X, y.slice(1)), /y: length 39 does not match the 40 samples/);
  assert.throws(() => new Decoder().fitMatrix(X, y.map(() => 'a')), /single class/);
  assert.throws(() => new Decoder({ estimator: 'no-such-model' }).fitMatrix(X, y), /unknown name "no-such-model"/);
  assert.throws(() => new Decoder({ estimator: 'ridge' }).fitMatrix(X, y), /estimator: "ridge" is a regressor, the Decoder needs a classifier/);
  assert.throws(() => new Decoder({ selection: 'lucky' as never, cv: new KFold({ nSplits: 2 }) }).fitMatrix(X, y), /selection/);
  const groups = y.map(() => 1);
  assert.throws(() => new Decoder({ cv: new LeaveOneGroupOut() }).fitMatrix(X, y, { groups }), /group/);
  const bad = X.clone();
  bad.data[3] = NaN;
  assert.throws(() => new Decoder({ cv: new KFold({ nSplits: 2 }) }).fitMatrix(bad, y), /NaN/);
  assert.throws(() => new Decoder({ paramGrid: { gamma: [1] }, cv: new KFold({ nSplits: 2 }), selection: 'test-fold' }).fitMatrix(X, y), /gamma/);
});

test('grid specs parse from the CLI syntax', () => {
  assert.deepEqual(parseGridSpec('C=1,10,100'), { C: [1, 10, 100] });
  assert.deepEqual(parseGridSpec('C=1;loss=hinge,squared_hinge'), { C: [1], loss: ['hinge', 'squared_hinge'] });
  assert.throws(() => parseGridSpec('C'), /--grid/);
});

test('nested selection searches inside with leave-one-group-out when the outer loop leaves runs out', () => {
  const logo = defaultInnerCv(new LeaveOneGroupOut(), [0, 0, 1, 1, 2, 2]);
  assert.ok(logo instanceof LeaveOneGroupOut);
  assert.equal(logo.getNSplits(6, undefined, [0, 0, 1, 1, 2, 2]), 3);
  assert.ok(defaultInnerCv(new LeaveOneGroupOut(), [4, 4, 4]) instanceof StratifiedKFold, 'one training run left: no groups to leave out');
  assert.ok(defaultInnerCv(new KFold({ nSplits: 4 }), undefined) instanceof StratifiedKFold);
  assert.ok(defaultInnerCv(new KFold({ nSplits: 4 }), undefined, false) instanceof KFold);
});
