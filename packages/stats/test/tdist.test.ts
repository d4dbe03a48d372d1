import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tCdf, tIsf, tSf } from '../src/index.js';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('Student t survival function equals the closed forms for 1 (Cauchy) and 2 degrees of freedom', () => {
  for (const t of [-30, -3.5, -1, -0.2, 0, 0.01, 0.7, 2, 4.5, 60]) {
    close(tSf(t, 1), 0.5 - Math.atan(t) / Math.PI, 1e-13, `sf(${t}; 1)`);
    close(tSf(t, 2), 0.5 - t / (2 * Math.sqrt(2 + t * t)), 1e-13, `sf(${t}; 2)`);
    close(tCdf(t, 7) + tSf(t, 7), 1, 1e-15, 'cdf + sf');
    close(tSf(-t, 11), 1 - tSf(t, 11), 1e-14, 'symmetry');
  }
  // Large dof: the normal tail, P(Z > 1.959963984540054) = 0.025.
  close(tSf(1.959963984540054, 1e7), 0.025, 1e-6, 'normal limit');
});

test('tIsf inverts tSf (and matches the closed form for 2 dof)', () => {
  for (const dof of [1, 2, 3.5, 11, 40, 300]) {
    for (const p of [1e-9, 1e-4, 0.001, 0.01, 0.05, 0.3, 0.5, 0.8, 0.999]) {
      const t = tIsf(p, dof);
      close(tSf(t, dof), p, 1e-10, `sf(isf(${p}; ${dof}))`);
    }
  }
  for (const p of [0.001, 0.05, 0.2]) close(tIsf(p, 2), (1 - 2 * p) / Math.sqrt(2 * p * (1 - p)), 1e-12, `isf(${p}; 2)`);
  assert.throws(() => tIsf(1.5, 3), /p: expected a probability/);
  assert.throws(() => tSf(1, 0), /dof: expected a positive number/);
});
