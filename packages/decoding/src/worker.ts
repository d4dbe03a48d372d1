// Worker thread of threads-node.ts: runs tasks of the job it is given until none are left.
import { workerData } from 'node:worker_threads';
import { drainPhases, type PhasedJob, type TaskRunner } from './threads.js';
import { exactSvcTasks, type ExactSvcJob } from './exact-svc-folds.js';

const { job, ctl } = workerData as { job: PhasedJob; ctl: Int32Array };

function tasksOf(job: PhasedJob): TaskRunner {
  if (job.kind === 'exact-svc') return exactSvcTasks(job as ExactSvcJob);
  throw new Error(`decoding worker: unknown job kind "${job.kind}"`);
}

drainPhases(ctl, job.phases, tasksOf(job), false);
