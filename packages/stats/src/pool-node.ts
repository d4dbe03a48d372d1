// The worker-thread runner of the permutation pool (Node only): the main entry registers it, so
// permutedOls and groupInference use every core; a browser bundle never imports this file.
import { Worker } from 'node:worker_threads';
import { runInThread, type PoolInput } from './pool.js';

/** Run the items on `threads` worker threads (in this thread when `threads` <= 1). */
export function runWorkerPool(input: PoolInput, threads: number, onItems: (items: number) => void): Promise<void> {
  if (threads <= 1) return runInThread(input, threads, onItems);
  const url = new URL('./worker.js', import.meta.url);
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let running = threads;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(url, { workerData: input });
      workers.push(w);
      w.on('message', (m: { type: string; items?: number; message?: string }) => {
        if (m.type === 'items') onItems(m.items!);
        else if (m.type === 'error') finish(new Error(m.message));
        else if (m.type === 'end' && --running === 0) finish();
      });
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => {
        if (code !== 0) finish(new Error(`stats: a worker thread exited with code ${code}`));
      });
    }
  });
}
