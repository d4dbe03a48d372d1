// The searchlight across Web Workers: one worker plans (masks, samples, folds, spheres; the plan's
// arrays live in SharedArrayBuffers), then N workers take chunks of spheres from one shared atomic
// queue, writing fold scores straight into shared memory: the searchlight package's own code, the
// same as its Node worker threads run. Without cross-origin isolation there is no
// SharedArrayBuffer: one worker computes everything and sends its scores back.
import { NiftiImage } from '@neurodecode/nifti-io/browser';
import { meanOverFolds, scoresImage, type KernelName } from '@neurodecode/searchlight/core';
import { CancelledError, startWorker, type WorkerHandle } from './jobs.js';
import type { DatasetMessage, JobRequest, SearchlightPlanMessage, WorkerMessage } from './protocol.js';

export interface SearchlightSettings {
  estimator: string;
  cv: string;
  radius: number;
  workers: number;
  chunkSize?: number;
}

export interface SearchlightOutcome {
  scoresImg: NiftiImage;
  /** Mean score over folds per sphere centre, in mask C order. */
  scores: Float64Array;
  nSpheres: number;
  nFolds: number;
  kernel: KernelName;
  workers: number;
  shared: boolean;
  classes: string[];
  seconds: number;
}

/** True when this page may share memory between workers (served with COOP/COEP). */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export async function runSearchlight(
  data: DatasetMessage,
  settings: SearchlightSettings,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<SearchlightOutcome> {
  const started = performance.now();
  let done = 0;
  let total = 0;
  const onMessage = (m: WorkerMessage) => {
    if (m.type === 'chunk') {
      done += m.spheres;
      onProgress(done, total);
    }
  };
  const handles: WorkerHandle[] = [startWorker(onMessage)];
  const aborted = new Promise<never>((_, fail) => {
    const stop = () => {
      for (const h of handles) h.worker.terminate();
      fail(new CancelledError('searchlight'));
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => undefined);
  const expect = async (h: WorkerHandle, type: WorkerMessage['type']) => {
    const m = await Promise.race([h.next(), aborted]);
    if (m.type !== type) throw new Error(`searchlight: unexpected message "${m.type}" from a worker`);
    return m;
  };
  try {
    const chunkSize = settings.chunkSize ?? 16;
    const planRequest: JobRequest = {
      kind: 'searchlight-plan',
      data,
      estimator: settings.estimator,
      cv: settings.cv,
      radius: settings.radius,
      chunkSize,
    };
    handles[0]!.worker.postMessage(planRequest);
    const planned = ((await expect(handles[0]!, 'plan')) as { plan: SearchlightPlanMessage }).plan;
    total = planned.nSpheres;
    onProgress(0, total);
    const shared = canShareMemory();
    const nChunks = Math.ceil(planned.nSpheres / chunkSize);
    const nWorkers = shared ? Math.max(1, Math.min(settings.workers, nChunks)) : 1;
    while (handles.length < nWorkers) handles.push(startWorker(onMessage));
    const compute: JobRequest = {
      kind: 'searchlight-compute',
      plan: planned.plan,
      queue: planned.queue,
      estimator: settings.estimator,
      labels: planned.labels,
      returnScores: !shared,
    };
    for (const h of handles) h.worker.postMessage(compute);
    const results = await Promise.all(handles.map((h) => expect(h, 'result')));
    const scores = shared
      ? meanOverFolds(planned.plan.foldScores, planned.nFolds)
      : (results[0] as { result: { scores: Float64Array } }).result.scores;
    return {
      scoresImg: scoresImage(planned.shape, planned.affine, planned.centres, scores),
      scores,
      nSpheres: planned.nSpheres,
      nFolds: planned.nFolds,
      kernel: planned.kernel,
      workers: nWorkers,
      shared,
      classes: planned.classes,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const h of handles) h.worker.terminate();
  }
}
