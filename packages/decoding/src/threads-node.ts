// The worker-thread runner of threads.ts (Node only): the Node entry registers it, so the
// Decoder's independent fits use every core. Workers start while the calling thread already
// takes tasks, so a slow start costs nothing but its share of the work.
import { Worker } from 'node:worker_threads';
import { abortRun, controlArray, drainPhases, type PhasedJob, type TaskRunner } from './threads.js';

/** Run `job` on the calling thread and `threads` - 1 workers (the most a phase can use). */
export function runOnWorkers(job: PhasedJob, threads: number, local: TaskRunner): void {
  const ctl = controlArray(job);
  const widest = Math.max(...job.phases);
  const workers: Worker[] = [];
  const url = new URL('./worker.js', import.meta.url);
  try {
    for (let i = 1; i < Math.min(threads, widest); i++) {
      const w = new Worker(url, { workerData: { job, ctl } });
      // A worker that fails leaves its tasks to this thread (drainPhases), so its errors are not fatal.
      w.on('error', () => {});
      w.unref();
      workers.push(w);
    }
    drainPhases(ctl, job.phases, local, true);
  } finally {
    abortRun(ctl);
    for (const w of workers) void w.terminate();
  }
}
