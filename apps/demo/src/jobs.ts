// Jobs on Web Workers with a progress bar, an ETA and a cancel button each. Cancelling terminates
// the job's workers at once (a synchronous fit cannot be interrupted any other way) and the page
// stays usable: the next run starts fresh workers.
import type { JobRequest, WorkerMessage } from './protocol.js';

export const WORKER_URL = 'worker.js';

export class CancelledError extends Error {
  constructor(job: string) {
    super(`${job}: cancelled; nothing was kept from this run`);
  }
}

/** The progress bar, ETA line and cancel button of one job kind (section #job-<name>). */
export class JobPanel {
  readonly bar: HTMLProgressElement;
  readonly text: HTMLElement;
  readonly cancel: HTMLButtonElement;
  private started = 0;
  private onCancel: (() => void) | undefined;

  constructor(readonly name: string) {
    const root = document.getElementById(`job-${name}`);
    if (!root) throw new Error(`page: #job-${name} is missing`);
    this.bar = root.querySelector('progress')!;
    this.text = root.querySelector('.eta')!;
    this.cancel = root.querySelector('button.cancel')!;
    this.cancel.addEventListener('click', () => this.onCancel?.());
  }

  begin(onCancel: () => void): void {
    this.started = performance.now();
    this.onCancel = onCancel;
    this.bar.hidden = false;
    this.bar.removeAttribute('value'); // indeterminate until the first progress report
    this.cancel.hidden = false;
    this.cancel.disabled = false;
    this.text.textContent = 'starting...';
  }

  update(done: number, total: number, unit = ''): void {
    this.bar.max = total;
    this.bar.value = done;
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
    this.text.textContent = `${done} / ${total}${unit}, ${elapsed.toFixed(1)} s elapsed${Number.isFinite(eta) && done < total ? `, about ${eta.toFixed(1)} s left` : ''}`;
  }

  end(message: string): void {
    this.onCancel = undefined;
    this.cancel.hidden = true;
    this.bar.hidden = true;
    this.text.textContent = message;
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

export interface WorkerHandle {
  worker: Worker;
  /** Resolves with the next 'result' (or 'plan') message; rejects on 'error' or a crash. */
  next(): Promise<WorkerMessage>;
}

/** Start a module worker; progress and chunk messages go to `onProgress`, the rest to next(). */
export function startWorker(onProgress: (m: WorkerMessage) => void): WorkerHandle {
  const worker = new Worker(WORKER_URL, { type: 'module', name: 'neurodecode' });
  const queue: WorkerMessage[] = [];
  let waiting: { ok: (m: WorkerMessage) => void; fail: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  const deliver = () => {
    if (!waiting) return;
    if (queue.length) {
      const w = waiting;
      waiting = undefined;
      w.ok(queue.shift()!);
    } else if (failure) {
      const w = waiting;
      waiting = undefined;
      w.fail(failure);
    }
  };
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    if (m.type === 'progress' || m.type === 'chunk') onProgress(m);
    else if (m.type === 'error') failure = new Error(m.message);
    else queue.push(m);
    deliver();
  };
  worker.onerror = (e) => {
    e.preventDefault();
    failure = new Error(`a worker failed: ${e.message || 'it could not start (is worker.js served?)'}`);
    deliver();
  };
  return {
    worker,
    next: () =>
      new Promise<WorkerMessage>((ok, fail) => {
        waiting = { ok, fail };
        deliver();
      }),
  };
}

/** Run one request on one worker; cancelling (abort) terminates it. */
export async function runOnWorker<T>(
  request: JobRequest,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
  name: string,
  transfer: Transferable[] = [],
): Promise<T> {
  const handle = startWorker((m) => {
    if (m.type === 'progress') onProgress(m.done, m.total);
  });
  const aborted = new Promise<never>((_, fail) => {
    const stop = () => {
      handle.worker.terminate();
      fail(new CancelledError(name));
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    handle.worker.postMessage(request, transfer);
    const m = await Promise.race([handle.next(), aborted]);
    if (m.type !== 'result') throw new Error(`${name}: unexpected message "${m.type}" from the worker`);
    return m.result as T;
  } finally {
    handle.worker.terminate();
  }
}
