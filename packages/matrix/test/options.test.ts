import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNumber, checkOptions, closestNames, rejectPromise } from '../src/index.js';

test('checkOptions names the closest valid option for snake_case and typos', () => {
  const allowed = ['screeningPercentile', 'estimator', 'cv', 'scoring'];
  assert.throws(() => checkOptions('Decoder', { screening_percentile: 10 }, allowed),
    /^Error: screening_percentile: unknown Decoder option; did you mean screeningPercentile\?$/);
  assert.throws(() => checkOptions('Decoder', { scorng: 'accuracy' }, allowed), /scorng: unknown Decoder option; did you mean scoring\?/);
  assert.throws(() => checkOptions('Decoder', { n_jobs: 2 }, allowed), /^Error: n_jobs: unknown Decoder option; valid options: screeningPercentile, estimator, cv, scoring$/);
  assert.doesNotThrow(() => checkOptions('Decoder', { cv: 3, estimator: undefined, extra: undefined }, allowed));
  assert.doesNotThrow(() => checkOptions('Decoder', undefined, allowed));
  assert.throws(() => checkOptions('Decoder', 'svc', allowed), /Decoder: expected an options object, got the string "svc"/);
  assert.throws(() => checkOptions('Decoder', Promise.resolve({}), allowed), /Decoder options: got a Promise; did you forget await\?/);
});

test('closestNames ranks exact, contained, then near names', () => {
  assert.deepEqual(closestNames('occipital pole', ['Cingulate_Gyrus', 'Left_Occipital_Pole', 'Frontal_Pole'], 2), ['Left_Occipital_Pole', 'Frontal_Pole']);
  assert.deepEqual(closestNames('detrnd', ['standardize', 'detrend', 'runs']), ['detrend']);
});

test('rejectPromise and checkNumber name the argument', () => {
  assert.throws(() => rejectPromise(Promise.resolve(1), 'img'), /img: got a Promise; did you forget await\?/);
  assert.throws(() => checkNumber('6mm', 'fwhm'), /fwhm: expected a number, got the string "6mm"/);
  assert.equal(checkNumber(6, 'fwhm'), 6);
});
