// Worker thread for the permutation pool (see pool-node.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { drain, makeKernel, type PoolInput } from './pool.js';

try {
  const input = workerData as PoolInput;
  const kernel = makeKernel(input);
  let pending = 0,
    last = Date.now();
  drain(input, kernel, (k) => {
    pending += k;
    if (Date.now() - last > 100) {
      parentPort!.postMessage({ type: 'items', items: pending });
      pending = 0;
      last = Date.now();
    }
  });
  parentPort!.postMessage({ type: 'items', items: pending });
  parentPort!.postMessage({ type: 'end' });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
