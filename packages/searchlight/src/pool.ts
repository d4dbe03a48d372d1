// Node worker threads over the shared chunk queue (queue.ts), so uneven spheres still balance
// across threads.
import { Worker } from 'node:worker_threads';
import type { Label } from '@neurodecode/estimators';
import type { ComputePlan, SphereComputer } from './compute.js';
import type { EstimatorSpec } from './generic.js';
import { takeChunks, type ChunkQueue } from './queue.js';

export { sharedArray, makeQueue, takeChunks, type ChunkQueue } from './queue.js';

export interface WorkerInput {
  plan: ComputePlan;
  queue: ChunkQueue;
  estimator?: EstimatorSpec;
  labels: Label[];
}

export interface PoolCallbacks {
  onChunk(chunk: number, spheres: number): void;
  signal?: AbortSignal;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : new Error('searchlight: aborted');
}

/** Compute every queued chunk on `threads` worker threads sharing the plan's memory. */
export function runWorkers(input: WorkerInput, threads: number, cb: PoolCallbacks): Promise<void> {
  const url = new URL('./worker.js', import.meta.url);
  const workers: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = threads;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      cb.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(abortError(cb.signal!));
    if (cb.signal?.aborted) return finish(abortError(cb.signal));
    cb.signal?.addEventListener('abort', onAbort);
    for (let t = 0; t < threads; t++) {
      const w = new Worker(url, { workerData: input });
      workers.push(w);
      w.on('message', (m: { type: string; chunk?: number; spheres?: number; message?: string }) => {
        if (m.type === 'chunk') cb.onChunk(m.chunk!, m.spheres!);
        else if (m.type === 'error') finish(new Error(m.message));
        else if (m.type === 'end' && --running === 0) finish();
      });
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => {
        if (code !== 0 && !settled) finish(new Error(`searchlight: a worker thread exited with code ${code}`));
      });
    }
  });
}

/** The same loop in the calling thread (for estimator instances that cannot be rebuilt in a worker). */
export async function runInThisThread(computer: SphereComputer, queue: ChunkQueue, cb: PoolCallbacks): Promise<void> {
  let last = Date.now();
  let failure: Error | undefined;
  const stop = () => {
    if (cb.signal?.aborted) {
      failure = abortError(cb.signal);
      return true;
    }
    return false;
  };
  for (;;) {
    let ranOne = false;
    // Hand control back to the event loop every ~50 ms so progress, checkpoints and aborts happen.
    takeChunks(
      queue,
      (chunk, start, end) => {
        computer.run(start, end);
        queue.done[chunk] = 1;
        cb.onChunk(chunk, end - start);
        ranOne = true;
      },
      () => stop() || (ranOne && Date.now() - last > 50),
    );
    if (failure) throw failure;
    if (!ranOne) return;
    await new Promise((r) => setImmediate(r));
    last = Date.now();
  }
}
