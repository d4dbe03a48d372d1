// Worker thread: takes chunks of spheres from a shared queue (work stealing through an atomic
// cursor) until none are left, writing fold scores straight into shared memory. Started with
// workerData it runs that one job; started without, it stays and runs each job posted to it
// (searchlightNullMaps keeps its workers for every label set).
import { parentPort, workerData } from 'node:worker_threads';
import { SphereComputer, type GenericScorer } from './compute.js';
import { factoryFromSpec, loadEstimatorModules, makeGenericScorer, resolveScorer } from './generic.js';
import { takeChunks, type WorkerInput } from './pool.js';
import type { BatchedKernel } from '@neurodecode/estimators';

async function run(input: WorkerInput): Promise<void> {
  let generic: GenericScorer | undefined;
  if (input.plan.kernel === 'generic') {
    const spec = input.estimator!;
    await loadEstimatorModules(spec);
    generic = makeGenericScorer(factoryFromSpec(spec), await resolveScorer(input.plan.scoring), input.labels, input.plan.folds);
  }
  let pluginKernel: BatchedKernel | undefined;
  if (input.plan.kernel === 'plugin') {
    await loadEstimatorModules(input.estimator!);
    pluginKernel = factoryFromSpec(input.estimator!)().batchedKernel!();
  }
  const computer = new SphereComputer(input.plan, generic, pluginKernel);
  takeChunks(input.queue, (chunk, start, end) => {
    computer.run(start, end);
    Atomics.store(input.queue.done, chunk, 1);
    parentPort!.postMessage({ type: 'chunk', chunk, spheres: end - start });
  });
  parentPort!.postMessage({ type: 'end' });
}

function report(err: unknown): void {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}

if (workerData) run(workerData as WorkerInput).catch(report);
else
  parentPort!.on('message', (input: WorkerInput) => {
    run(input).catch(report);
  });
