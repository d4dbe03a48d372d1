// The worker-thread runner of threads.ts (Node only): the Node entry registers it, so the
// Decoder's independent fits use every core. Workers start while the calling thread already
// takes tasks, so a slow start costs nothing but its share of the work. They are kept, idle and
// unreferenced (they do not hold the process open), for the next run: a worker's second job runs
// compiled code, where a fresh worker's first fold ran at about half speed while the JIT warmed up.
import { Worker } from 'node:worker_threads';
import { abortRun, controlArray, drainPhases, type PhasedJob, type TaskRunner } from './threads.js';

interface PooledWorker {
  worker: Worker;
  /** Set when the thread has exited or failed: never handed a job again. */
  gone: boolean;
}

/** Started workers, reused across runs (never more than the widest run asked for). */
const pool: PooledWorker[] = [];

function startWorker(): PooledWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  const entry: PooledWorker = { worker, gone: false };
  // A worker that fails leaves its tasks to the calling thread (drainPhases), so its errors are
  // not fatal; it is dropped from the pool.
  const drop = () => {
    entry.gone = true;
    const at = pool.indexOf(entry);
    if (at >= 0) pool.splice(at, 1);
  };
  worker.on('error', drop);
  worker.on('exit', drop);
  worker.unref();
  return entry;
}

/** Run `job` on the calling thread and `threads` - 1 workers (the most a phase can use). */
export function runOnWorkers(job: PhasedJob, threads: number, local: TaskRunner): void {
  const ctl = controlArray(job);
  const widest = Math.max(...job.phases);
  const want = Math.min(threads, widest) - 1;
  while (pool.filter((w) => !w.gone).length < want) pool.push(startWorker());
  const used = pool.filter((w) => !w.gone).slice(0, want);
  try {
    // Shared memory travels as a reference; a worker takes the job when its event loop is free.
    for (const w of used) w.worker.postMessage({ job, ctl });
    drainPhases(ctl, job.phases, local, true);
  } finally {
    // Workers still waiting for a phase see the abort and return to their idle loop.
    abortRun(ctl);
  }
}
