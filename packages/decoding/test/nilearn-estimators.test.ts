import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Matrix } from '@neurodecode/matrix';
import { readNifti } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { KFold, LeaveOneGroupOut, StratifiedKFold } from '@neurodecode/cv';
import { dataPath, reference, rng, skipWithoutShared } from '@neurodecode/testkit';
import { Decoder, DecoderRegressor, NILEARN_ESTIMATOR_NAMES, geomspace } from '../src/index.js';

/** Haxby slice, face vs house, standardized as nilearn's Decoder does by default (standardize=True: population std). */
async function faceHouse() {
  const dir = dataPath('haxby-slice')!;
  const rows = readFileSync(`${dir}/labels.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep: number[] = [];
  rows.forEach((r, i) => { if (r[0] === 'face' || r[0] === 'house') keep.push(i); });
  const maskImg = await readNifti(`${dir}/mask.nii.gz`);
  const masker = new NiftiMasker({ maskImg });
  const X = (await masker.fitTransform(`${dir}/bold.nii.gz`)).selectRows(keep);
  standardizeInPlace(X, 'zscore');
  return { X, y: keep.map((i) => rows[i]![0]!), groups: keep.map((i) => Number(rows[i]![1])), maskImg };
}

function summary(w: Float64Array) {
  let sum = 0, abs = 0, nonzero = 0;
  for (const v of w) { sum += v; abs += Math.abs(v); if (v !== 0) nonzero++; }
  return { sum, abs, nonzero };
}

const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);

async function runNilearn(estimator: string) {
  const { X, y, groups, maskImg } = await faceHouse();
  const dec = new Decoder({ estimator, cv: new LeaveOneGroupOut(), selection: 'test-fold', screeningPercentile: 100, maskImg });
  dec.fitMatrix(X, y, { groups });
  return dec;
}

test('logistic_l2 reproduces nilearn: per-fold AUC, best_C per fold, coefficient maps per class key', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).decoder_estimators.decoder_logistic_l2_face_vs_house_logo;
  const dec = await runNilearn('logistic_l2');
  for (const key of ['face', 'house']) {
    dec.cvScores[key]!.forEach((s, i) => close(s, ref.cv_scores[key][i], 1e-9, `${key} fold ${i} score`));
    dec.cvParams[key]!.forEach((p, i) => close(p.bestC as number, ref.cv_params[key].best_C[i], 1e-9, `${key} fold ${i} best C`));
    const w = dec.coefByClass().get(key)!;
    const s = summary(w);
    close(s.sum, ref.coef_img[key].sum, 1e-4, `${key} coef sum`);
    close(s.abs, ref.coef_img[key].abs_sum, 1e-4, `${key} coef abs sum`);
    assert.equal(s.nonzero, ref.coef_img[key].nonzero);
    ref.coef_img[key].first5.forEach((v: number, j: number) => close(w[j]!, v, 1e-4, `${key} coef[${j}]`));
    close(summary(dec.stdCoefByClass().get(key)!).sum, ref.std_coef_img[key].sum, 1e-4, `${key} std sum`);
  }
  const Cs = dec.cvParams.face![0]!.Cs as number[];
  assert.equal(Cs.length, 8);
  close(Cs[0]!, 1e-3, 1e-12, 'smallest C');
  close(Cs[7]!, 1e4, 1e-12, 'largest C');
});

test('svc_l1 reproduces nilearn: C grid from l1_min_c, scores, sparse maps (liblinear stops early: maps within 0.1%)', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).decoder_estimators.decoder_svc_l1_face_vs_house_logo;
  const dec = await runNilearn('svc_l1');
  for (const key of ['face', 'house']) {
    assert.deepEqual(dec.cvScores[key], ref.cv_scores[key]);
    // Scores tie on every C, so the largest C of each fold's grid (200 * l1_min_c) is kept.
    dec.cvParams[key]!.forEach((p, i) => close(p.C as number, ref.cv_params[key].C[i], 1e-5, `${key} fold ${i} C`));
    const s = summary(dec.coefByClass().get(key)!);
    close(s.sum, ref.coef_img[key].sum, 1e-3, `${key} coef sum`);
    close(s.abs, ref.coef_img[key].abs_sum, 1e-3, `${key} coef abs sum`);
    assert.ok(Math.abs(s.nonzero - ref.coef_img[key].nonzero) <= 3, `${key} nonzero ${s.nonzero} vs ${ref.coef_img[key].nonzero}`);
    close(summary(dec.stdCoefByClass().get(key)!).sum, ref.std_coef_img[key].sum, 0.03, `${key} std sum`);
  }
  // nilearn's keys: the binary model (positive side = house) is stored under face.
  assert.ok(summary(dec.coefByClass().get('face')!).sum > 0);
});

test('dummy_classifier: stratified draws score near nilearn\'s mean; class prior as dummy output', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).decoder_estimators.decoder_dummy_classifier_face_vs_house_logo;
  const dec = await runNilearn('dummy_classifier');
  const refMean = ref.cv_scores.face.reduce((a: number, b: number) => a + b, 0) / ref.cv_scores.face.length;
  assert.ok(Math.abs(dec.meanScore - refMean) < 0.1, `mean ${dec.meanScore} vs ${refMean}`);
  assert.deepEqual(dec.dummyOutput!.face, [0.5, 0.5]);
  assert.throws(() => dec.coefByClass(), /no linear coefficients/);
});

/** Two Gaussian classes separated along the first `informative` features. */
function classes(n: number, p: number, seed: number) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const X = new Matrix(n, p);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    y.push(i % 2 ? 'b' : 'a');
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j < 4 ? (i % 2 ? 1.2 : -1.2) : 0));
  }
  return { X, y };
}

function regression(n: number, p: number, seed: number) {
  const r = rng(seed);
  const X = new Matrix(n, p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X.set(i, j, r() - 0.5);
    y[i] = 3 * X.get(i, 0) - 2 * X.get(i, 1) + 0.05 * (r() - 0.5);
  }
  return { X, y };
}

const CLASSIFIER_STRINGS = ['svc', 'svc_l2', 'svc_l1', 'logistic', 'logistic_l2', 'logistic_l1', 'ridge_classifier', 'dummy_classifier'];
const REGRESSOR_STRINGS = ['ridge', 'ridge_regressor', 'lasso', 'lasso_regressor', 'svr', 'dummy_regressor'];

test('every nilearn estimator string is known, and each decodes', () => {
  assert.deepEqual([...NILEARN_ESTIMATOR_NAMES].sort(), [...CLASSIFIER_STRINGS, ...REGRESSOR_STRINGS].sort());
  const c = classes(60, 12, 2);
  for (const estimator of CLASSIFIER_STRINGS) {
    const dec = new Decoder({ estimator, cv: new StratifiedKFold({ nSplits: 3 }), screeningPercentile: null });
    dec.fitMatrix(c.X, c.y);
    const floor = estimator === 'dummy_classifier' ? 0 : 0.8;
    assert.ok(dec.meanScore >= floor, `${estimator}: mean AUC ${dec.meanScore}`);
    assert.equal(dec.cvScores.a!.length, 3);
  }
  const r = regression(60, 8, 3);
  for (const estimator of REGRESSOR_STRINGS) {
    const dec = new DecoderRegressor({ estimator, cv: new KFold({ nSplits: 3 }), screeningPercentile: null });
    dec.fitMatrix(r.X, r.y);
    const floor = estimator === 'dummy_regressor' ? -1 : 0.8;
    assert.ok(dec.meanScore >= floor, `${estimator}: mean R2 ${dec.meanScore}`);
    if (estimator === 'dummy_regressor') assert.ok(dec.meanScore <= 0, 'a constant cannot explain held-out variance');
    if (estimator.startsWith('ridge') || estimator.startsWith('lasso')) assert.ok(typeof dec.cvParams.beta![0]!.bestAlpha === 'number', `${estimator} reports bestAlpha`);
  }
});

test('DecoderRegressor defaults to svr; strings of the other kind are one-line errors', () => {
  const r = regression(40, 6, 4);
  const dec = new DecoderRegressor({ cv: new KFold({ nSplits: 2 }), screeningPercentile: null });
  dec.fitMatrix(r.X, r.y);
  for (const p of dec.cvParams.beta!) assert.ok([1, 10, 100].includes(p.C as number), `svr's grid is C in 1, 10, 100: got ${p.C}`);
  assert.ok(dec.meanScore > 0.8, `svr R2 ${dec.meanScore}`);
  const c = classes(40, 6, 5);
  for (const estimator of REGRESSOR_STRINGS) {
    assert.throws(() => new Decoder({ estimator }).fitMatrix(c.X, c.y), new RegExp(`^Error: estimator: "${estimator}" is a regressor, the Decoder needs a classifier`));
  }
  for (const estimator of CLASSIFIER_STRINGS) {
    assert.throws(() => new DecoderRegressor({ estimator }).fitMatrix(r.X, r.y), new RegExp(`estimator: "${estimator}" is a classifier, DecoderRegressor needs a regressor`));
  }
});

test('geomspace matches numpy at the ends and in between', () => {
  const g = geomspace(1e-3, 1e4, 8);
  assert.equal(g[0], 1e-3);
  assert.equal(g[7], 1e4);
  g.forEach((v, i) => close(v, 10 ** (i - 3), 1e-12, `point ${i}`));
});
