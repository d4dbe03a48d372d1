// The page's Web Worker: every analysis runs here, off the main thread. One job per worker; the
// page cancels a job by terminating its worker(s). Searchlight jobs use several of these workers
// over one shared plan (see searchlight-job.ts).
import { simulateFmriImages, SIMULATED_TR } from '@neurodecode/datasets/browser';
import {
  makeGenericScorer,
  factoryFromSpec,
  makeQueue,
  meanOverFolds,
  planSearchlight,
  resolveScorer,
  SphereComputer,
  takeChunks,
  type ChunkQueue,
  type ComputePlan,
} from '@neurodecode/searchlight/core';
import { runDecode, runPermutation } from './analysis.js';
import { imageFromMessage, imageMessage, type JobRequest, type SearchlightPlanMessage, type WorkerMessage } from './protocol.js';
import type { Value } from './labels.js';

const scope = self as unknown as {
  postMessage(m: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<JobRequest>) => void) | null;
};
const post = (m: WorkerMessage, transfer?: Transferable[]) => scope.postMessage(m, transfer);
const progress = (done: number, total: number) => post({ type: 'progress', done, total });

async function searchlightPlan(req: Extract<JobRequest, { kind: 'searchlight-plan' }>): Promise<SearchlightPlanMessage> {
  const { data } = req;
  const sp = await planSearchlight({
    func: imageFromMessage(data.func),
    mask: imageFromMessage(data.mask),
    // As the CLI: labels as strings, --targets selecting the volumes, runs as groups.
    y: data.labels.map(String),
    targets: data.targets,
    groups: data.groups,
    cv: req.cv,
    estimator: { name: req.estimator },
    scoring: 'accuracy',
    radius: req.radius,
    chunkSize: req.chunkSize,
  });
  return {
    plan: sp.plan,
    queue: makeQueue(sp.nSpheres, sp.chunkSize),
    labels: sp.labels,
    centres: sp.centres,
    shape: sp.geometry.shape,
    affine: sp.geometry.affine,
    nSpheres: sp.nSpheres,
    nFolds: sp.nFolds,
    kernel: sp.chosen.kernel,
    classes: sp.classes.map(String),
  };
}

async function searchlightCompute(
  plan: ComputePlan,
  queue: ChunkQueue,
  estimator: string,
  labels: Value[],
  returnScores: boolean,
): Promise<unknown> {
  const generic =
    plan.kernel === 'generic'
      ? makeGenericScorer(factoryFromSpec({ name: estimator }), await resolveScorer(plan.scoring), labels.map(String), plan.folds)
      : undefined;
  const computer = new SphereComputer(plan, generic);
  takeChunks(queue, (chunk, start, end) => {
    computer.run(start, end);
    Atomics.store(queue.done, chunk, 1);
    post({ type: 'chunk', spheres: end - start });
  });
  // Without shared memory (no cross-origin isolation) the scores live in this worker's copy of
  // the plan, so they travel back with the result.
  return returnScores ? { foldScores: plan.foldScores, scores: meanOverFolds(plan.foldScores, plan.folds.length) } : {};
}

async function handle(req: JobRequest): Promise<void> {
  switch (req.kind) {
    case 'simulate': {
      const sim = simulateFmriImages({ seed: req.seed });
      const bold = imageMessage(sim.bold),
        mask = imageMessage(sim.mask);
      post({ type: 'result', result: { bold, mask, labelsText: sim.labelsText, tr: SIMULATED_TR } }, [bold.data.buffer as ArrayBuffer]);
      return;
    }
    case 'decode':
      post({ type: 'result', result: await runDecode(req, progress) });
      return;
    case 'permutation':
      post({ type: 'result', result: await runPermutation(req, progress) });
      return;
    case 'searchlight-plan':
      post({ type: 'plan', plan: await searchlightPlan(req) });
      return;
    case 'searchlight-compute':
      post({ type: 'result', result: await searchlightCompute(req.plan, req.queue, req.estimator, req.labels, req.returnScores) });
      return;
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
