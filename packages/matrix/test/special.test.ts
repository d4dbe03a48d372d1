import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logBeta, logGamma, regularizedIncompleteBeta } from '../src/index.js';

test('logGamma matches factorials and Γ(1/2) = √π', () => {
  let fact = 1;
  for (let n = 1; n < 25; n++) {
    if (n > 1) fact *= n - 1;
    assert.ok(Math.abs(logGamma(n) - Math.log(fact)) < 1e-12 * Math.max(1, Math.log(fact)), `n=${n}`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
  assert.ok(Math.abs(logGamma(0.1) - Math.log(9.513507698668732)) < 1e-13);
});

test('regularizedIncompleteBeta matches closed forms', () => {
  for (const x of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) {
    for (const a of [0.5, 1, 3.5, 40]) {
      // I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b.
      assert.ok(Math.abs(regularizedIncompleteBeta(x, a, 1) - x ** a) < 1e-13, `I_${x}(${a},1)`);
      assert.ok(Math.abs(regularizedIncompleteBeta(x, 1, a) - (1 - (1 - x) ** a)) < 1e-13, `I_${x}(1,${a})`);
    }
    // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a).
    assert.ok(Math.abs(regularizedIncompleteBeta(x, 2.5, 7) - (1 - regularizedIncompleteBeta(1 - x, 7, 2.5))) < 1e-13);
  }
  // I_x(1/2, 1/2) = (2/π) asin(√x).
  assert.ok(Math.abs(regularizedIncompleteBeta(0.3, 0.5, 0.5) - (2 / Math.PI) * Math.asin(Math.sqrt(0.3))) < 1e-13);
});

test('logBeta matches B(a, b) from factorials, and bad arguments are named', () => {
  // B(3, 4) = 2! 3! / 6! = 1/60.
  assert.ok(Math.abs(logBeta(3, 4) - Math.log(1 / 60)) < 1e-13);
  assert.throws(() => logGamma(0), /logGamma: x must be > 0, got 0/);
  assert.throws(() => regularizedIncompleteBeta(0.5, -1, 2), /regularizedIncompleteBeta: a and b must be > 0/);
  assert.throws(() => regularizedIncompleteBeta(0.5, 1, 0, 'incompleteBeta'), /^RangeError: incompleteBeta: a and b/);
  assert.ok(Number.isNaN(regularizedIncompleteBeta(NaN, 2, 3)));
});
