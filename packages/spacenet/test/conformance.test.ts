import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEstimator } from '@neurodecode/estimators/testing';
import { initBackend, SpaceNetClassifier, SpaceNetRegressor } from '../src/index.js';

for (const penalty of ['graph-net', 'tv-l1'] as const) {
  test(`SpaceNetClassifier (${penalty}) passes checkEstimator`, async () => {
    await initBackend('wasm');
    const report = checkEstimator(() => new SpaceNetClassifier({ penalty, nAlphas: 4, maxIter: 50 }));
    assert.deepEqual(report.failed, [], JSON.stringify(report.failed));
    assert.ok(report.passed.length > 0);
  });
  test(`SpaceNetRegressor (${penalty}) passes checkEstimator`, async () => {
    await initBackend('cpu');
    const report = checkEstimator(() => new SpaceNetRegressor({ penalty, nAlphas: 4, maxIter: 50 }));
    assert.deepEqual(report.failed, [], JSON.stringify(report.failed));
    assert.ok(report.passed.length > 0);
  });
}
