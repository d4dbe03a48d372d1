import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { LinearSVC } from '@neurodecode/estimators';
import { GridSearchCV, KFold } from '../src/index.js';

test('GridSearchCV toJSON/fromJSON restores the results and the refitted best model', () => {
  const X = Matrix.from(Array.from({ length: 24 }, (_, i) => [Math.sin(i), (i % 2) * 2 + Math.cos(3 * i), i / 10]));
  const y = Array.from({ length: 24 }, (_, i) => (i % 2 ? 'b' : 'a'));
  const make = () => new GridSearchCV({ estimator: new LinearSVC(), paramGrid: { C: [0.01, 1, 100] }, cv: new KFold({ nSplits: 3 }) });
  const search = make().fit(X, y);
  const restored = make().fromJSON(JSON.stringify(search.toJSON()));
  assert.deepEqual(restored.bestParams, search.bestParams);
  assert.deepEqual(Array.from(restored.cvResults.meanTestScore), Array.from(search.cvResults.meanTestScore));
  assert.deepEqual(restored.predict(X), search.predict(X));
  assert.deepEqual(Array.from(restored.decisionFunction!(X).data), Array.from(search.decisionFunction!(X).data));
  assert.equal(make().fromJSON(make().toJSON()).fitted, false);
});
