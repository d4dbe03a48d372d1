// Eight categories on the haxby slice (issue 15): the Decoder's shared Gram matrix and warm
// starts across problems, folds and the C grid give exactly what plain per-problem fits give,
// and LinearSVC's exact solver agrees with the coordinate descent 'auto' used to pick there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readNifti } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { LeaveOneGroupOut, type Split } from '@neurodecode/cv';
import { LinearSVC, type Label, type Targets } from '@neurodecode/estimators';
import { dataPath, skipWithoutShared } from '@neurodecode/testkit';
import type { Matrix } from '@neurodecode/matrix';
import { availableParallelism } from 'node:os';
import { Decoder } from '../src/index.js';
import { setThreadRunner } from '../src/threads.js';
import { runOnWorkers } from '../src/threads-node.js';

const skip = skipWithoutShared();

async function eightClassSlice() {
  const dir = dataPath('haxby-slice')!;
  const rows = readFileSync(`${dir}/labels.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep: number[] = [];
  rows.forEach((r, i) => { if (r[0] !== 'rest') keep.push(i); });
  const masker = new NiftiMasker({ maskImg: await readNifti(`${dir}/mask.nii.gz`) });
  const X = (await masker.fitTransform(`${dir}/bold.nii.gz`)).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');
  return { X, y: keep.map((i) => rows[i]![0]!), groups: keep.map((i) => Number(rows[i]![1])) };
}

/** Leave-one-run-out restricted to its first `count` folds, to keep the test short. */
class FirstRunsOut extends LeaveOneGroupOut {
  constructor(private readonly count: number) { super(); }
  override split(n: number, y?: Targets, groups?: Targets): Split[] {
    return super.split(n, y, groups).slice(0, this.count);
  }
}

/** LinearSVC that never takes a caller's Gram matrix, so every fit is a plain cold fit. */
class PlainLinearSVC extends LinearSVC {
  override acceptsGram(): boolean {
    return false;
  }
}

test('eight-class Decoder: shared Gram and warm starts give the scores, C choices and weights of plain per-problem fits', { skip, timeout: 120_000 }, async () => {
  const { X, y, groups } = await eightClassSlice();
  assert.equal(new Set(y).size, 8);
  const run = (estimator: LinearSVC) => new Decoder({
    estimator, cv: new FirstRunsOut(2), selection: 'test-fold', paramGrid: { C: [0.01, 1] }, screeningPercentile: 100,
  }).fitMatrix(X, y, { groups });
  const shared = run(new LinearSVC());
  const plain = run(new PlainLinearSVC());
  assert.deepEqual(shared.cvParams, plain.cvParams);
  for (const [label, scores] of Object.entries(plain.cvScores)) {
    scores.forEach((s, f) => assert.ok(Math.abs(shared.cvScores[label]![f]! - s) <= 1e-12, `${label} fold ${f}: ${shared.cvScores[label]![f]} vs ${s}`));
  }
  let d = 0, scale = 0;
  for (let i = 0; i < plain.coef!.data.length; i++) {
    d = Math.max(d, Math.abs(shared.coef!.data[i]! - plain.coef!.data[i]!));
    scale = Math.max(scale, Math.abs(plain.coef!.data[i]!));
  }
  assert.ok(d <= 1e-8 * scale, `coefficients differ by ${d} (scale ${scale})`);
  assert.ok(shared.meanScore > 0.6, `mean AUC ${shared.meanScore}`);
});

test('eight-class LinearSVC: the exact solver \'auto\' now picks predicts as the coordinate descent it used to pick', { skip, timeout: 120_000 }, async () => {
  const { X, y, groups } = await eightClassSlice();
  const splits = new FirstRunsOut(2).split(X.rows, y, groups);
  let differ = 0, total = 0;
  for (const { train, test: held } of splits) {
    const fit = (solver: 'auto' | 'primal'): { predict(X: Matrix): Label[] } => new LinearSVC({ solver }).fit(X.selectRows(train), train.reduce<string[]>((a, i) => (a.push(y[i]!), a), []));
    const Xt = X.selectRows(held);
    const exact = fit('auto').predict(Xt);
    const descent = fit('primal').predict(Xt);
    exact.forEach((v, i) => { total++; if (v !== descent[i]) differ++; });
  }
  // Coordinate descent stops at maxIter = 1000 before converging here, so a borderline sample
  // may fall either way; over the whole set 1 of 864 predictions differs (C = 1).
  assert.ok(differ <= Math.ceil(0.01 * total), `${differ} of ${total} predictions differ`);
});

/** LinearSVC under another name: the Decoder's exact-SVC fast path serves only LinearSVC itself, so this takes the generic loop. */
class GenericLoopLinearSVC extends LinearSVC {}

test('eight-class Decoder, nested C grid: the exact-SVC fast path chooses the C, scores and weights of the generic loop', { skip, timeout: 120_000 }, async () => {
  const { X, y, groups } = await eightClassSlice();
  const keep = Int32Array.from(y.flatMap((l, i) => (['face', 'cat', 'house', 'shoe'].includes(l) ? [i] : [])));
  const Xk = X.selectRows(keep);
  const yk = Array.from(keep, (i) => y[i]!);
  const gk = Array.from(keep, (i) => groups[i]!);
  const run = (estimator: LinearSVC) => new Decoder({
    estimator, cv: new FirstRunsOut(3), paramGrid: { C: [0.01, 1, 100] }, screeningPercentile: 100,
  }).fitMatrix(Xk, yk, { groups: gk });
  const fast = run(new LinearSVC({ maxIter: 10000 }));
  const generic = run(new GenericLoopLinearSVC({ maxIter: 10000 }));
  assert.deepEqual(fast.cvParams, generic.cvParams);
  assert.ok(new Set(Object.values(fast.cvParams).flat().map((p) => p.C)).size > 1, 'the grid choice is not trivial');
  for (const [label, scores] of Object.entries(generic.cvScores)) {
    scores.forEach((s, f) => assert.ok(Math.abs(fast.cvScores[label]![f]! - s) <= 1e-12, `${label} fold ${f}: ${fast.cvScores[label]![f]} vs ${s}`));
  }
  let d = 0, scale = 0;
  for (let i = 0; i < generic.coef!.data.length; i++) {
    d = Math.max(d, Math.abs(fast.coef!.data[i]! - generic.coef!.data[i]!));
    scale = Math.max(scale, Math.abs(generic.coef!.data[i]!));
  }
  assert.ok(d <= 1e-8 * scale, `coefficients differ by ${d} (scale ${scale})`);
  for (let i = 0; i < generic.cvDecision!.data.length; i++) {
    const a = fast.cvDecision!.data[i]!, b = generic.cvDecision!.data[i]!;
    assert.ok(Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b)), `decision ${i}: ${a} vs ${b}`);
  }
});

test('eight-class Decoder, nested C grid: worker threads give exactly the in-thread C choices, scores, weights and decisions', { skip, timeout: 180_000 }, async () => {
  const { X, y, groups } = await eightClassSlice();
  // Count the runs that went to the worker-thread runner, so the test knows threads ran.
  let threadedRuns = 0;
  setThreadRunner((job, threads, local) => {
    threadedRuns++;
    runOnWorkers(job, threads, local);
  }, () => 2);
  try {
    const run = (nJobs: number) =>
      new Decoder({ cv: new FirstRunsOut(2), screeningPercentile: 100, nJobs }).fitMatrix(X, y, { groups });
    const inThread = run(1);
    assert.equal(threadedRuns, 0);
    const threaded = run(2);
    assert.equal(threadedRuns, 1, 'the fits ran on worker threads');
    assert.deepEqual(threaded.cvParams, inThread.cvParams);
    assert.deepEqual(threaded.cvScores, inThread.cvScores);
    assert.deepEqual(Array.from(threaded.coef!.data), Array.from(inThread.coef!.data));
    assert.deepEqual(Array.from(threaded.intercept!), Array.from(inThread.intercept!));
    assert.deepEqual(Array.from(threaded.cvDecision!.data), Array.from(inThread.cvDecision!.data));
    assert.ok(new Set(Object.values(inThread.cvParams).flat().map((p) => p.C)).size > 1, 'the grid choice is not trivial');
  } finally {
    setThreadRunner(runOnWorkers, availableParallelism);
  }
});

test('nJobs: a positive integer or -1, else a one-line error naming it', () => {
  assert.throws(() => new Decoder({ nJobs: 0 }), /nJobs: expected a positive integer or -1/);
  assert.throws(() => new Decoder({ nJobs: 1.5 }), /nJobs/);
  assert.doesNotThrow(() => new Decoder({ nJobs: -1 }));
});
