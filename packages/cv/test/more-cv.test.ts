import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { LinearSVC, Ridge } from '@neurodecode/estimators';
import {
  PredefinedSplit, RepeatedKFold, RepeatedStratifiedKFold, KFold, crossValPredict, learningCurve,
  f1Score, precisionScore, recallScore, classificationReport, formatClassificationReport, getScorer, crossValScore,
} from '../src/index.js';

test('precision, recall and F1 follow scikit-learn (binary, macro, weighted)', () => {
  const t = ['a', 'a', 'a', 'b', 'b', 'c'];
  const p = ['a', 'b', 'a', 'b', 'c', 'c'];
  // a: P 2/2, R 2/3; b: P 1/2, R 1/2; c: P 1/2, R 1/1
  assert.equal(precisionScore(t, p, { average: 'macro' }), (1 + 0.5 + 0.5) / 3);
  assert.equal(recallScore(t, p, { average: 'weighted' }), (3 * (2 / 3) + 2 * 0.5 + 1) / 6);
  const f1a = (2 * 1 * (2 / 3)) / (1 + 2 / 3);
  assert.ok(Math.abs(f1Score(t, p, { average: 'macro' }) - (f1a + 0.5 + 2 / 3) / 3) < 1e-12);
  assert.throws(() => f1Score(t, p), /binary.*needs two classes/);
  // binary: positive = the second class in sorted order
  assert.equal(recallScore(['x', 'y', 'y', 'y'], ['x', 'y', 'x', 'y']), 2 / 3);
  assert.equal(precisionScore(['x', 'y', 'y', 'y'], ['x', 'y', 'x', 'y'], { posLabel: 'x' }), 0.5);
  const report = classificationReport(t, p);
  assert.deepEqual(report.classes.map((c) => c.support), [3, 2, 1]);
  assert.equal(report.accuracy, 4 / 6);
  assert.match(formatClassificationReport(report), /weighted avg/);
});

function blobs(n: number, seed: number) {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const X = new Matrix(n, 4);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    y.push(i % 2 ? 'u' : 'v');
    for (let j = 0; j < 4; j++) X.set(i, j, r() + (i % 2 && j === 0 ? 1 : 0));
  }
  return { X, y };
}

test('PredefinedSplit, RepeatedKFold and RepeatedStratifiedKFold split as scikit-learn describes', () => {
  const ps = new PredefinedSplit([0, 1, -1, 1, 0, 2]);
  const splits = ps.split(6);
  assert.equal(ps.getNSplits(), 3);
  assert.deepEqual(Array.from(splits[0]!.test), [0, 4]);
  assert.deepEqual(Array.from(splits[1]!.train), [0, 2, 4, 5]);
  assert.throws(() => new PredefinedSplit([-1, -1]), /no test fold/);
  const rk = new RepeatedKFold({ nSplits: 3, nRepeats: 2, seed: 1 });
  const r = rk.split(9);
  assert.equal(r.length, 6);
  assert.notDeepEqual(Array.from(r[0]!.test), Array.from(r[3]!.test), 'repetitions shuffle differently');
  for (const rep of [r.slice(0, 3), r.slice(3)]) assert.deepEqual(rep.flatMap((s) => Array.from(s.test)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const { y } = blobs(12, 3);
  const rs = new RepeatedStratifiedKFold({ nSplits: 2, nRepeats: 3 }).split(12, y);
  assert.equal(rs.length, 6);
  for (const s of rs) assert.equal(Array.from(s.test).filter((i) => y[i] === 'u').length, 3);
});

test('crossValPredict returns each sample\'s out-of-fold prediction; learningCurve grows the training set', () => {
  const { X, y } = blobs(40, 7);
  const cv = new KFold({ nSplits: 4 });
  const pred = crossValPredict(new LinearSVC(), X, y, { cv }) as string[];
  assert.equal(pred.length, 40);
  // The fold accuracies recombine into the overall accuracy.
  const acc = pred.filter((p, i) => p === y[i]).length / 40;
  const folds = crossValScore(new LinearSVC(), X, y, { cv, scoring: 'accuracy' });
  assert.ok(Math.abs(acc - folds.reduce((a, b) => a + b, 0) / 4) < 1e-12);
  const dec = crossValPredict(new LinearSVC(), X, y, { cv, method: 'decisionFunction' }) as Matrix;
  assert.equal(dec.rows, 40);
  pred.forEach((p, i) => assert.equal(p, dec.data[i]! > 0 ? 'v' : 'u'));
  const reg = crossValPredict(new Ridge(), X, Float64Array.from(y, (v) => (v === 'u' ? 1 : 0)), { cv });
  assert.ok(reg instanceof Float64Array);
  assert.throws(() => crossValPredict(new LinearSVC(), X, y, { cv: new RepeatedKFold({ nSplits: 2, nRepeats: 2 }) }), /more than one fold/);
  const lc = learningCurve(new LinearSVC(), X, y, { cv, trainSizes: [0.25, 1], scoring: 'accuracy' });
  assert.deepEqual(lc.trainSizes, [7, 30]);
  assert.equal(lc.testScores[1]!.length, 4);
  assert.ok(getScorer('f1_macro'));
});
