// Jobs of independent tasks in phases, run in the calling thread or, when the Node entry has
// registered its runner, on worker threads too. A task of one phase may read what every task of
// the earlier phases wrote, never what its own phase writes, and each task's inputs (its start
// included) are fixed by the job, not by which thread ran what before: so a threaded run gives
// exactly the in-thread run's numbers. The calling thread takes tasks itself and blocks on
// Atomics.wait at each phase's end (fitMatrix stays synchronous); a browser bundle never
// registers a runner and always runs in the calling thread. No Node imports here.

/** A job: its kind (which executor runs its tasks) and the number of tasks in each phase. */
export interface PhasedJob {
  kind: string;
  phases: number[];
}

/** Runs one task of a job. */
export type TaskRunner = (phase: number, task: number) => void;

/** Runs `job` on `threads` threads, the calling thread included, `local` running tasks in this thread. */
export type ThreadRunner = (job: PhasedJob, threads: number, local: TaskRunner) => void;

let runner: { run: ThreadRunner; defaultThreads: () => number } | undefined;

/** Run threaded jobs with `run` from now on; `defaultThreads` is the thread count when nJobs is not given. */
export function setThreadRunner(run: ThreadRunner, defaultThreads: () => number): void {
  runner = { run, defaultThreads };
}

/**
 * The thread count for an `nJobs` option (nilearn's n_jobs): a positive integer, or -1 for every
 * core; undefined takes the registered default (the core count in Node, 1 in a browser bundle).
 * Always 1 where no worker-thread runner is registered.
 */
export function resolveThreads(nJobs: number | undefined): number {
  if (nJobs !== undefined && !(nJobs === -1 || (Number.isInteger(nJobs) && nJobs >= 1)))
    throw new RangeError(`nJobs: expected a positive integer or -1 (every core), got ${nJobs}`);
  if (!runner) return 1;
  if (nJobs === undefined || nJobs === -1) return Math.max(1, runner.defaultThreads());
  return nJobs;
}

/** Run every task of `job`: on worker threads as well when `threads` > 1 and a runner is registered. */
export function runJob(job: PhasedJob, threads: number, local: TaskRunner): void {
  const tasks = job.phases.reduce((a, b) => a + b, 0);
  if (runner && threads > 1 && tasks > 1) {
    runner.run(job, threads, local);
    return;
  }
  job.phases.forEach((count, phase) => {
    for (let t = 0; t < count; t++) local(phase, t);
  });
}

/** A Float64Array other threads can see (shared memory where it exists). */
export function sharedFloat64(length: number): Float64Array {
  return typeof SharedArrayBuffer === 'undefined' ? new Float64Array(length) : new Float64Array(new SharedArrayBuffer(8 * length));
}

/** `a`'s values in shared memory when threads will read it (no copy for one thread). */
export function shareIf<T extends Float64Array | Int32Array>(a: T, threads: number): T {
  if (threads <= 1 || typeof SharedArrayBuffer === 'undefined' || a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as { new (buf: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a);
  return out;
}

// Layout of the control array every thread of a run shares: per phase a cursor (next task to
// take) and a done count, then the phase the calling thread has released, an abort flag, and one
// failure flag per task (a worker that could not run a task leaves it to the calling thread).
const RELEASED = 0;
const ABORT = 1;

/** The shared control array for `job`. */
export function controlArray(job: PhasedJob): Int32Array {
  const total = job.phases.reduce((a, b) => a + b, 0);
  return new Int32Array(new SharedArrayBuffer(4 * (2 + 2 * job.phases.length + total)));
}

/**
 * Take tasks of every phase in turn until none are left. The calling thread (`main`) waits for
 * each phase's tasks, reruns any a worker could not run (throwing its error, as the in-thread
 * run would), then releases the next phase; workers wait for that release.
 */
export function drainPhases(ctl: Int32Array, phases: number[], run: TaskRunner, main: boolean): void {
  const K = phases.length;
  const cursor = (k: number) => 2 + k;
  const done = (k: number) => 2 + K + k;
  let failedBase = 2 + 2 * K;
  for (let k = 0; k < K; k++) {
    const n = phases[k]!;
    for (;;) {
      if (Atomics.load(ctl, ABORT)) return;
      const t = Atomics.add(ctl, cursor(k), 1);
      if (t >= n) break;
      try {
        run(k, t);
      } catch (err) {
        if (main) {
          Atomics.store(ctl, ABORT, 1);
          throw err;
        }
        Atomics.store(ctl, failedBase + t, 1);
      }
      Atomics.add(ctl, done(k), 1);
      Atomics.notify(ctl, done(k));
    }
    if (main) {
      for (let d = Atomics.load(ctl, done(k)); d < n; d = Atomics.load(ctl, done(k))) Atomics.wait(ctl, done(k), d, 1000);
      for (let t = 0; t < n; t++) {
        if (!Atomics.load(ctl, failedBase + t)) continue;
        try {
          run(k, t);
        } catch (err) {
          Atomics.store(ctl, ABORT, 1);
          throw err;
        }
      }
      Atomics.store(ctl, RELEASED, k + 1);
      Atomics.notify(ctl, RELEASED);
    } else {
      for (let r = Atomics.load(ctl, RELEASED); r <= k; r = Atomics.load(ctl, RELEASED)) {
        if (Atomics.load(ctl, ABORT)) return;
        Atomics.wait(ctl, RELEASED, r, 100);
      }
    }
    failedBase += n;
  }
}

/** Tell the workers of a run to stop taking tasks. */
export function abortRun(ctl: Int32Array): void {
  Atomics.store(ctl, ABORT, 1);
  Atomics.notify(ctl, RELEASED);
}
