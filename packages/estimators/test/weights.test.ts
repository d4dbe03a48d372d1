import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { LinearSVC, RidgeClassifier, Ridge } from '../src/index.js';

function data() {
  let s = 11;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const X = new Matrix(30, 5);
  const y: string[] = [];
  for (let i = 0; i < 30; i++) {
    y.push(i < 20 ? 'a' : 'b');
    for (let j = 0; j < 5; j++) X.set(i, j, r() + (i >= 20 && j < 2 ? 0.7 : 0));
  }
  return { X, y };
}

test('classWeight "balanced" equals the matching sample weights (LinearSVC, RidgeClassifier)', () => {
  const { X, y } = data();
  const balanced = Float64Array.from(y, (v) => (v === 'a' ? 30 / (2 * 20) : 30 / (2 * 10)));
  for (const make of [(p: object) => new LinearSVC(p), (p: object) => new RidgeClassifier(p)]) {
    const a = make({ classWeight: 'balanced' }).fit(X, y);
    const b = make({}).fit(X, y, { sampleWeight: balanced });
    (a as LinearSVC).coef.data.forEach((v, j) => assert.ok(Math.abs(v - (b as LinearSVC).coef.data[j]!) < 1e-9));
  }
});

test('integer sample weights equal repeated rows (weighted ridge)', () => {
  const { X } = data();
  const t = Float64Array.from({ length: 30 }, (_, i) => X.get(i, 0) * 2 - X.get(i, 3));
  const w = Float64Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 2 : 1));
  const rows: number[] = [];
  for (let i = 0; i < 30; i++) for (let k = 0; k < w[i]!; k++) rows.push(i);
  const weighted = new Ridge({ alpha: 0.5 }).fit(X, t, { sampleWeight: w });
  const repeated = new Ridge({ alpha: 0.5 }).fit(X.selectRows(Int32Array.from(rows)), rows.map((i) => t[i]!));
  weighted.coef.data.forEach((v, j) => assert.ok(Math.abs(v - repeated.coef.data[j]!) < 1e-9, `coef ${j}`));
  assert.ok(Math.abs(weighted.intercept[0]! - repeated.intercept[0]!) < 1e-9);
});

test('bad weights are one-line errors naming the argument', () => {
  const { X, y } = data();
  assert.throws(() => new LinearSVC({ classWeight: { c: 2 } }).fit(X, y), /^RangeError: classWeight: class "c" is not in y \(classes: a, b\)$/);
  assert.throws(() => new RidgeClassifier({ classWeight: { a: -1 } }).fit(X, y), /classWeight: the weight of "a" is -1/);
  assert.throws(() => new LinearSVC().fit(X, y, { sampleWeight: new Float64Array(3) }), /sampleWeight: length 3 does not match the 30 samples/);
  const negative = new Float64Array(30).fill(1);
  negative[4] = -2;
  assert.throws(() => new RidgeClassifier().fit(X, y, { sampleWeight: negative }), /sampleWeight: entry 4 is -2/);
  assert.throws(() => new LinearSVC({ classWeight: 'heavy' as never }).fit(X, y), /classWeight: expected null, 'balanced' or a map/);
});
