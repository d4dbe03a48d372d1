// Test helper: run the decoding package's threaded jobs on two worker threads through the Node
// runner, counting the jobs that reached it (so a test knows threads ran).
import { availableParallelism } from 'node:os';
import { setThreadRunner } from '../src/threads.js';
import { runOnWorkers } from '../src/threads-node.js';

/** Run `body` with a counting two-thread runner; `runs()` says how many jobs went to it so far. */
export async function withCountingRunner(body: (runs: () => number) => void | Promise<void>): Promise<void> {
  let count = 0;
  setThreadRunner(
    (job, threads, local) => {
      count++;
      runOnWorkers(job, threads, local);
    },
    () => 2,
  );
  try {
    await body(() => count);
  } finally {
    setThreadRunner(runOnWorkers, availableParallelism);
  }
}
