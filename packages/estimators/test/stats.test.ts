import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fSurvival } from '../src/index.js';

test('fSurvival matches the F(2, d) closed form and the t distribution', () => {
  for (const d of [3, 10, 214]) {
    for (const f of [0.01, 0.7, 3, 25]) {
      // For d1 = 2: P(F > f) = (1 + 2f/d)^(-d/2).
      assert.ok(Math.abs(fSurvival(f, 2, d) - (1 + (2 * f) / d) ** (-d / 2)) < 1e-13, `F(2,${d}) at ${f}`);
    }
  }
  // F(1, 1) is the square of a Cauchy variable: P(F > f) = 1 - (2/π) atan(√f).
  for (const f of [0.2, 1, 9]) assert.ok(Math.abs(fSurvival(f, 1, 1) - (1 - (2 / Math.PI) * Math.atan(Math.sqrt(f)))) < 1e-13);
  assert.equal(fSurvival(0, 3, 4), 1);
  assert.ok(Number.isNaN(fSurvival(NaN, 3, 4)));
});
