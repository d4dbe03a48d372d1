// Runs the permutation items on worker threads (or in this thread): every worker rebuilds the
// kernel from shared memory and takes chunks of items through an atomic cursor, writing the
// per-item maxima into a shared results array.
import { Worker } from 'node:worker_threads';
import type { Design } from './design.js';
import type { MaskGraph } from './graph.js';
import { PermutationKernel, STATS_PER_ITEM, type KernelOptions } from './kernel.js';

export interface PoolInput {
  Y: Float64Array;
  design: Design;
  graph: MaskGraph;
  kernel: KernelOptions;
  /** 'flips': items are n 0/1 flags; 'perms': items are n row indices. */
  kind: 'flips' | 'perms';
  items: Uint8Array | Int32Array;
  nItems: number;
  /** Shared: [next item to take]. */
  cursor: Int32Array;
  /** Shared: STATS_PER_ITEM values per item. */
  results: Float64Array;
}

export const CHUNK = 8;

/** Compute items until none are left; `tick` is told how many items each chunk held. */
export function drain(input: PoolInput, kernel: PermutationKernel, tick: (items: number) => void, stop?: () => boolean): void {
  const { n } = input.design;
  for (;;) {
    if (stop?.()) return;
    const start = Atomics.add(input.cursor, 0, CHUNK);
    if (start >= input.nItems) return;
    const end = Math.min(input.nItems, start + CHUNK);
    for (let item = start; item < end; item++) {
      if (input.kind === 'flips') kernel.tForFlips(input.items, item * n);
      else kernel.tForPermutation(input.items, item * n);
      kernel.maxima(input.results, item * STATS_PER_ITEM);
    }
    tick(end - start);
  }
}

export function makeKernel(input: PoolInput): PermutationKernel {
  return new PermutationKernel(input.Y, input.design, input.graph, input.kernel);
}

/** Copy a typed array into shared memory (so workers see it without a copy each). */
export function shared<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const Ctor = a.constructor as { new (buf: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a);
  return out;
}

export function runPool(input: PoolInput, threads: number, onItems: (items: number) => void): Promise<void> {
  if (threads <= 1) return runHere(input, onItems);
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

/** The same loop in this thread, yielding to the event loop between chunks of ~50 ms. */
async function runHere(input: PoolInput, onItems: (items: number) => void): Promise<void> {
  const kernel = makeKernel(input);
  for (;;) {
    const t0 = Date.now();
    let ran = false;
    drain(
      input,
      kernel,
      (k) => {
        ran = true;
        onItems(k);
      },
      () => ran && Date.now() - t0 > 50,
    );
    if (!ran) return;
    if (Atomics.load(input.cursor, 0) >= input.nItems) return;
    await new Promise((r) => setImmediate(r));
  }
}
