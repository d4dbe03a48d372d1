import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { checkClassification, checkMatrix, encodeLabels, createEstimator, listEstimators, checkParamNames } from '../src/index.js';

test('encodeLabels sorts numbers numerically and strings by code point', () => {
  const num = encodeLabels([10, 2, 2, -1, 10]);
  assert.deepEqual(num.classes, [-1, 2, 10]);
  assert.deepEqual(Array.from(num.codes), [2, 1, 1, 0, 2]);
  const str = encodeLabels(['house', 'face', 'Zebra', 'éclair', '😀', '\uffff']);
  // numpy order: uppercase before lowercase, accents after ASCII, astral plane last.
  assert.deepEqual(str.classes, ['Zebra', 'face', 'house', 'éclair', '\uffff', '😀']);
  assert.deepEqual(Array.from(str.codes), [2, 1, 0, 3, 5, 4]);
  assert.deepEqual(encodeLabels(Float64Array.from([1, 0, 1])).classes, [0, 1]);
});

test('encodeLabels rejects mixed types and non-finite numbers', () => {
  assert.throws(() => encodeLabels([1, 'a'] as never), /y: mixes numbers and strings/);
  assert.throws(() => encodeLabels([1, NaN]), /y: entry 1 is NaN/);
});

test('validation errors name the argument and the values', () => {
  const X = Matrix.zeros(216, 3);
  const y = new Array(215).fill('face');
  assert.throws(() => checkClassification(X, y), { message: 'y: length 215 does not match X rows 216' });
  assert.throws(() => checkClassification(X, [...y, 'face']), { message: 'y: a single class ("face") — a classifier needs at least two' });
  const bad = Matrix.from([[1, 2], [3, NaN]]);
  assert.throws(() => checkMatrix(bad), /X: value NaN at row 1, column 1/);
  assert.throws(() => checkMatrix(Matrix.from([[1, Infinity]])), /X: value Infinity at row 0, column 1/);
  assert.throws(() => checkMatrix([[1, 2]] as never), /X: expected a Matrix/);
  assert.throws(() => checkMatrix(Matrix.from([[1, 2]]), 'X', 3, 'LinearSVC'), { message: 'X: has 2 columns, but LinearSVC was fitted with 3' });
});

test('registry holds every built-in and rejects unknown parameters by name', () => {
  const names = listEstimators().map((e) => e.name);
  for (const n of ['svc', 'logistic', 'ridge-classifier', 'ridge', 'gnb', 'dummy', 'standard-scaler', 'select-percentile']) {
    assert.ok(names.includes(n), `${n} registered`);
  }
  const svc = createEstimator('svc', { C: 10 });
  assert.equal(svc.getParams().C, 10);
  // A typo is a compile error for a typed name; a name known only at run time is checked there.
  const runtimeName: string = 'svc';
  assert.throws(() => createEstimator(runtimeName, { c: 10 }), /LinearSVC: unknown parameter "c"/);
  assert.throws(() => createEstimator('no-such'), /unknown name "no-such"/);
  assert.throws(() => checkParamNames('Mine', { a: 1, zz: 2 }, ['a']), /Mine: unknown parameter "zz"/);
});
