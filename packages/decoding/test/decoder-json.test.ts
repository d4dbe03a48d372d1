import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { KFold } from '@neurodecode/cv';
import { Decoder, decoderFromJSON, decoderToJSON } from '../src/index.js';

function data(k: number): { X: Matrix; y: string[] } {
  const n = 36, p = 8;
  const X = new Matrix(n, p);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y.push(`c${c}`);
    for (let j = 0; j < p; j++) X.set(i, j, Math.sin(i * 7.1 + j * 3.3) + (j % k === c ? 1.5 : 0));
  }
  return { X, y };
}

for (const [estimator, k] of [['svc', 2], ['svc', 3], ['gnb', 3]] as const) {
  test(`a saved ${estimator} decoder (${k} classes) predicts exactly as the original`, () => {
    const { X, y } = data(k);
    const decoder = new Decoder({ estimator, cv: new KFold({ nSplits: 3 }), screeningPercentile: null }).fitMatrix(X, y);
    const restored = decoderFromJSON(JSON.parse(JSON.stringify(decoderToJSON(decoder, estimator))));
    assert.deepEqual(restored.predict(X), decoder.predict(X));
    assert.deepEqual(Array.from(restored.decisionFunction(X).data), Array.from(decoder.decisionFunction(X).data));
    assert.equal(Boolean(restored.foldModels), estimator === 'gnb', 'non-linear models are kept per fold');
  });
}

test('decoderFromJSON refuses what is not a saved decoder', () => {
  assert.throws(() => decoderFromJSON({ format: 'x' } as never), /json: not a saved decoder/);
});
