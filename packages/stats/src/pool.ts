// Runs the permutation items through a pool runner: in this thread (the default, and all a browser
// bundle gets), or on worker threads when the Node entry has registered pool-node.ts's runner.
// Every thread rebuilds the kernel from shared memory and takes chunks of items through an atomic
// cursor, writing the per-item maxima into a shared results array. No Node imports here.
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

/**
 * Copy a typed array into shared memory (so workers see it without a copy each). Where
 * SharedArrayBuffer does not exist (a page that is not cross-origin isolated) the array is
 * returned as it is: only the in-thread runner can run there, and it needs no sharing.
 */
export function shared<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  if (typeof SharedArrayBuffer === 'undefined') return a;
  const Ctor = a.constructor as { new (buf: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a);
  return out;
}

/** Computes every item of `input`, telling `onItems` how many each finished chunk held. */
export type PoolRunner = (input: PoolInput, threads: number, onItems: (items: number) => void) => Promise<void>;

let runner: { run: PoolRunner; defaultThreads: () => number } = { run: runInThread, defaultThreads: () => 1 };

/** Use `run` for every permutation run from now on; `defaultThreads` gives the thread count when none is asked for. */
export function setPoolRunner(run: PoolRunner, defaultThreads: () => number): void {
  runner = { run, defaultThreads };
}

/** The registered runner (in-thread unless the Node entry registered the worker pool). */
export function poolRunner(): { run: PoolRunner; defaultThreads: () => number } {
  return runner;
}

/** Let the event loop run (timers, I/O, progress output): setImmediate in Node, a 0 ms timeout elsewhere. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** The loop in this thread (whatever `threads` says), yielding to the event loop between chunks of ~50 ms. */
export async function runInThread(input: PoolInput, _threads: number, onItems: (items: number) => void): Promise<void> {
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
    await yieldToEventLoop();
  }
}
