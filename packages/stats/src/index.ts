// @neurodecode/stats: group inference on subject maps. The Node entry: everything in core.ts,
// with permutations run on worker threads (by default one per available core).
import { availableParallelism } from 'node:os';
import { setPoolRunner } from './pool.js';
import { runWorkerPool } from './pool-node.js';

export * from './core.js';

setPoolRunner(runWorkerPool, availableParallelism);
