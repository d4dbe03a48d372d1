// Worker thread of threads-node.ts: for every job it is sent, runs tasks until none are left,
// then waits for the next job (the thread is kept by the runner's pool between runs).
import { parentPort } from 'node:worker_threads';
import { drainPhases, type PhasedJob, type TaskRunner } from './threads.js';
import { exactSvcTasks, type ExactSvcJob } from './exact-svc-folds.js';
import { Decoder } from './decoder.js';
import { DecoderRegressor } from './decoder-regressor.js';
import type { FoldJob } from './fold-job.js';

function tasksOf(job: PhasedJob): TaskRunner {
  if (job.kind === 'exact-svc') return exactSvcTasks(job as ExactSvcJob);
  if (job.kind === 'folds') {
    const folds = job as FoldJob;
    const decoder = folds.classifier ? new Decoder(folds.options) : new DecoderRegressor(folds.options);
    (decoder as unknown as { useClustering(c: FoldJob['clustering']): void }).useClustering(folds.clustering);
    return decoder.foldTasks(folds);
  }
  throw new Error(`decoding worker: unknown job kind "${job.kind}"`);
}

parentPort!.on('message', ({ job, ctl }: { job: PhasedJob; ctl: Int32Array }) => {
  let run: TaskRunner;
  try {
    run = tasksOf(job);
  } catch {
    // This thread cannot run the job (an estimator registered only in the calling thread): it
    // takes no task, and the calling thread runs them all.
    return;
  }
  drainPhases(ctl, job.phases, run, false);
});
