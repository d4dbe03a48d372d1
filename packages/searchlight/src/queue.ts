// The chunk queue: spheres are cut into fixed chunks and threads take the next pending chunk
// from a shared atomic cursor (work stealing). Pure typed-array code, so Node worker threads and
// browser Web Workers share it.
/** Chunks of spheres shared between threads: pending ids, an atomic cursor and per-chunk done flags. */
export interface ChunkQueue {
  /** Chunk ids still to compute. */
  pending: Int32Array;
  /** Next position in `pending` (shared, advanced atomically). */
  cursor: Int32Array;
  /** 1 once a chunk's scores are written (shared). */
  done: Uint8Array;
  chunkSize: number;
  nSpheres: number;
}

/** A typed array on shared memory where available (plain memory elsewhere), so threads share it. */
export function sharedArray<T extends Float64Array | Int32Array | Uint8Array>(
  Ctor: { new (buf: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  // Browsers define SharedArrayBuffer only on cross-origin isolated pages; elsewhere one thread
  // computes alone and a plain buffer does (Atomics work on both).
  const Buffer = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : ArrayBuffer;
  return new Ctor(new Buffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT) as SharedArrayBuffer);
}

/** A queue of the chunks of nSpheres spheres, skipping the chunks alreadyDone marks. */
export function makeQueue(nSpheres: number, chunkSize: number, alreadyDone?: Uint8Array): ChunkQueue {
  const nChunks = Math.ceil(nSpheres / chunkSize);
  const done = sharedArray(Uint8Array, nChunks);
  const todo: number[] = [];
  for (let c = 0; c < nChunks; c++) {
    if (alreadyDone?.[c]) done[c] = 1;
    else todo.push(c);
  }
  const pending = sharedArray(Int32Array, todo.length);
  pending.set(todo);
  const cursor = sharedArray(Int32Array, 1);
  return { pending: pending.subarray(0, todo.length), cursor, done, chunkSize, nSpheres };
}

/** Run `work` on chunks taken from the queue until it is empty (or `stop` says so). */
export function takeChunks(queue: ChunkQueue, work: (chunk: number, start: number, end: number) => void, stop?: () => boolean): void {
  for (;;) {
    if (stop?.()) return;
    const at = Atomics.add(queue.cursor, 0, 1);
    if (at >= queue.pending.length) return;
    const chunk = queue.pending[at]!;
    const start = chunk * queue.chunkSize;
    work(chunk, start, Math.min(queue.nSpheres, start + queue.chunkSize));
  }
}
