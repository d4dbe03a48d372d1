// @neurodecode/decoding's Node entry: everything in core.ts, with the Decoder's independent fits
// run on worker threads (nJobs, by default one per available core). A browser bundle gets
// core.ts, which runs them in the calling thread.
import { availableParallelism } from 'node:os';
import { setThreadRunner } from './threads.js';
import { runOnWorkers } from './threads-node.js';

export * from './core.js';

setThreadRunner(runOnWorkers, availableParallelism);
