// The Decoder's outer folds on worker threads (nilearn's n_jobs) for every string estimator whose
// fold models are linear: the results equal the in-thread run's exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import { rng } from '@neurodecode/testkit';
import { Decoder, DecoderRegressor, type DecoderOptions } from '../src/index.js';
import { withCountingRunner } from './thread-runs.js';

/** 48 samples x 400 voxels in 6 runs, two classes with a weak effect on the first 20 voxels. */
function data() {
  const r = rng(5);
  const n = 48;
  const p = 400;
  const y = Array.from({ length: n }, (_, i) => (i % 2 ? 'house' : 'face'));
  const X = new Matrix(n, p, Float64Array.from({ length: n * p }, (_, k) => r() - 0.5 + (k % p < 20 && y[Math.floor(k / p)] === 'house' ? 0.4 : 0)));
  return { X, y, numeric: y.map((l) => (l === 'house' ? 1 : 0)), groups: y.map((_, i) => Math.floor(i / 8)) };
}

test('string estimators fit their outer folds on worker threads with exactly the in-thread results; progress counts up to the total', { timeout: 120_000 }, async () => {
  const { X, y, numeric, groups } = data();
  await withCountingRunner((runs) => {
    const same = (a: Decoder | DecoderRegressor, b: Decoder | DecoderRegressor, what: string) => {
      assert.deepEqual(a.cvScores, b.cvScores, what);
      assert.deepEqual(a.cvParams, b.cvParams, what);
      assert.deepEqual(Array.from(a.coef!.data), Array.from(b.coef!.data), what);
      assert.deepEqual(Array.from(a.intercept!), Array.from(b.intercept!), what);
      assert.deepEqual(Array.from(a.cvDecision!.data), Array.from(b.cvDecision!.data), what);
    };
    const cases: [string, boolean][] = [['svc', true], ['logistic_l1', true], ['ridge_classifier', true], ['lasso', false], ['svr', false]];
    for (const [estimator, classifier] of cases) {
      const fit = (opts: Partial<DecoderOptions>) => {
        const o = { estimator, selection: 'test-fold' as const, screeningPercentile: 50, ...opts };
        return classifier ? new Decoder(o).fitMatrix(X, y, { groups }) : new DecoderRegressor(o).fitMatrix(X, numeric, { groups });
      };
      const before = runs();
      const inThread = fit({ nJobs: 1 });
      assert.equal(runs(), before, `${estimator}: nJobs 1 stays in this thread`);
      const progress: number[] = [];
      const threaded = fit({ nJobs: 2, onProgress: (done, total) => progress.push(done / total) });
      assert.equal(runs(), before + 1, `${estimator}: the folds went to the threads`);
      same(threaded, inThread, estimator);
      assert.ok(progress.length >= 1 && progress.at(-1) === 1, `${estimator}: progress ends at the total (${progress})`);
      assert.ok(progress.every((v, i) => i === 0 || v >= progress[i - 1]!), `${estimator}: progress never goes back (${progress})`);
    }
    // Without nJobs, a problem this small stays in this thread (starting workers would cost more).
    const before = runs();
    new Decoder({ estimator: 'logistic_l1', screeningPercentile: 50 }).fitMatrix(X, y, { groups });
    // Dummy strings have no linear fold models to send back: in this thread even when asked.
    new Decoder({ estimator: 'dummy_classifier', nJobs: 2 }).fitMatrix(X, y, { groups });
    assert.equal(runs(), before);
  });
});
