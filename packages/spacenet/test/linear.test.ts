import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Matrix } from '@neurodecode/matrix';
import { readNifti } from '@neurodecode/nifti-io';
import { createEstimator, LinearSVC, LogisticRegression } from '@neurodecode/estimators';
import { checkEstimator } from '@neurodecode/estimators/testing';
import { dataPath, reference, skipWithoutShared } from '@neurodecode/testkit';
import { applyMask, initBackend, maskGeometry, TfjsLinearSVC, TfjsLogisticRegression } from '../src/index.js';

/** reference.json's estimator data: face vs house, 216 x 530, each column z-scored (ddof = 1). */
async function referenceData(): Promise<{ X: Matrix; y: number[] }> {
  const mask = await readNifti(dataPath('haxby-slice', 'mask.nii.gz')!);
  const func = await readNifti(dataPath('haxby-slice', 'bold.nii.gz')!);
  const rows = readFileSync(dataPath('haxby-slice', 'labels.txt')!, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep = rows.map((r, i) => [r[0], i] as const).filter(([l]) => l === 'face' || l === 'house').map(([, i]) => i);
  const X = applyMask(func, maskGeometry(mask)).selectRows(keep);
  const { rows: n, cols: p, data } = X;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * p + j]!;
    m /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(ss / (n - 1)) || 1;
    for (let i = 0; i < n; i++) data[i * p + j] = (data[i * p + j]! - m) / sd;
  }
  return { X, y: keep.map((i) => (rows[i]![0] === 'face' ? 1 : 0)) };
}

function norm(a: Float64Array): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`tfjs LinearSVC and LogisticRegression agree with the JS solvers and reference.json (${backend})`, { skip: skipWithoutShared() }, async () => {
    assert.equal(await initBackend(backend), backend);
    const ref = (await reference()).estimators;
    const { X, y } = await referenceData();
    const pairs = [
      ['LinearSVC(C=1, l2, squared_hinge, intercept)', new TfjsLinearSVC({ C: 1 }), new LinearSVC({ C: 1 })],
      ['LogisticRegression(C=1, l2, lbfgs)', new TfjsLogisticRegression({ C: 1 }), new LogisticRegression({ C: 1 })],
    ] as const;
    for (const [name, tfjsModel, jsModel] of pairs) {
      tfjsModel.fit(X, y);
      jsModel.fit(X, y);
      assert.equal(tfjsModel.backend, backend);
      assert.deepEqual(tfjsModel.predict(X), jsModel.predict(X), `${name}: predictions`);
      const a = tfjsModel.coef.data;
      const b = jsModel.coef.data;
      const diff = norm(a.map((v, j) => v - b[j]!));
      assert.ok(diff <= 5e-3 * norm(b), `${name}: coef differs by ${diff} (norm ${norm(b)})`);
      const expected = ref[name];
      assert.ok(Math.abs(norm(a) - expected.coef_norm) <= 5e-3 * expected.coef_norm, `${name}: coef norm ${norm(a)} vs ${expected.coef_norm}`);
      assert.ok(Math.abs(tfjsModel.intercept[0]! - expected.intercept) <= 5e-3 * Math.max(1, Math.abs(expected.intercept)), `${name}: intercept`);
      expected.coef_first10.forEach((v: number, j: number) => assert.ok(Math.abs(a[j]! - v) <= 2e-3 * norm(a) + 1e-6, `${name}: coef[${j}]`));
    }
  });
}

test('tfjs linear models pass checkEstimator and are registered', async () => {
  await initBackend('wasm');
  for (const make of [() => new TfjsLinearSVC(), () => new TfjsLogisticRegression()]) {
    const report = checkEstimator(make);
    assert.deepEqual(report.failed, [], JSON.stringify(report.failed));
  }
  assert.ok(createEstimator('svc-tfjs', { C: 10 }) instanceof TfjsLinearSVC);
  assert.ok(createEstimator('logistic-tfjs') instanceof TfjsLogisticRegression);
  assert.throws(() => new TfjsLinearSVC({ solver: 'liblinear' as 'tfjs' }), /solver: only "tfjs"/);
  assert.throws(() => new TfjsLogisticRegression({ C: 0 }), /C: must be > 0/);
});

test('solver: "tfjs" on the built-in LinearSVC and LogisticRegression runs the tfjs solvers', { skip: skipWithoutShared() }, async () => {
  await initBackend('cpu');
  const { X, y } = await referenceData();
  const pairs = [
    [new LinearSVC({ solver: 'tfjs' }), new TfjsLinearSVC({ C: 1 }), new LinearSVC({ C: 1 })],
    [new LogisticRegression({ solver: 'tfjs' }), new TfjsLogisticRegression({ C: 1 }), new LogisticRegression({ C: 1 })],
  ] as const;
  for (const [viaSolver, direct, js] of pairs) {
    viaSolver.fit(X, y);
    direct.fit(X, y);
    js.fit(X, y);
    assert.deepEqual(Array.from(viaSolver.coef.data), Array.from(direct.coef.data), 'same fit as the tfjs estimator');
    assert.deepEqual(viaSolver.predict(X), js.predict(X), 'same predictions as the JS solver');
  }
});
