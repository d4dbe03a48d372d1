// A Decoder's outer folds (FREM's, and every string estimator's) as a job for threads.ts: each
// fold (ReNA clustering of its training rows for FREM, screening, the grid choice, the fit) is one task, and a worker writes what the fold gives
// (score, chosen parameters, voxel weights, intercept, test decisions) into shared memory. The
// calling thread keeps the folds it runs itself as they are; results are the same either way,
// since every fold's inputs are fixed before any fold runs.
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import type { Label, Params } from '@neurodecode/estimators';
import type { ParamGrid } from '@neurodecode/cv';
import type { FoldOutcome, FoldSetup, Problem } from './decoder.js';
import { sharedFloat64, shareIf, type PhasedJob } from './threads.js';

/** Room for one fold's chosen parameters as JSON. */
const PARAMS_BYTES = 1024;

/** The job the threads share: the decoder's settings, inputs, and outputs in shared memory. */
export interface FoldJob extends PhasedJob {
  kind: 'folds';
  classifier: boolean;
  /** The options a worker's decoder is built from (all a fold reads of them). */
  options: { estimator?: string; paramGrid?: ParamGrid | ParamGrid[]; scoring?: string };
  clustering: { percentile: number; weights: 'mean' | 'spread' };
  rows: number;
  cols: number;
  data: Float64Array;
  problems: { label?: Label; y: Float64Array }[];
  setup: FoldSetup;
  /** The mask FREM clusters in (undefined without clustering). */
  mask?: { shape: number[]; data: ArrayLike<number> };
  /** X X^T of all rows, when the folds fit from its blocks (no screening). */
  fullGram?: Float64Array;
  /** Outer folds finished, by any thread (one counter, shared memory). */
  finished: Int32Array;
  scores: Float64Array;
  intercepts: Float64Array;
  /** Voxel weights per problem and fold: (p * O + o) * cols. */
  coefs: Float64Array;
  /** Test decisions per problem over all rows: p * rows + row. */
  held: Float64Array;
  params: Uint8Array;
}

/** A FoldJob for these inputs (shared memory for everything the threads read or write). */
export function planFoldJob(
  base: Pick<FoldJob, 'classifier' | 'options' | 'clustering'>,
  X: Matrix,
  problems: Problem[],
  setup: FoldSetup,
  mask: NiftiImage | undefined,
  threads: number,
  fullGram?: Float64Array,
): FoldJob {
  const P = problems.length;
  const O = setup.splits.length;
  return {
    kind: 'folds',
    phases: [O],
    ...base,
    rows: X.rows,
    cols: X.cols,
    data: shareIf(X.data, threads),
    problems: problems.map((p) => ({ label: p.label, y: p.y })),
    setup: { ...setup, allRowDistances: setup.allRowDistances && shareIf(setup.allRowDistances, threads) },
    mask: mask && { shape: Array.from(mask.shape), data: mask.data as ArrayLike<number> },
    fullGram: fullGram && shareIf(fullGram, threads),
    finished: new Int32Array(typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(4) : new SharedArrayBuffer(4)),
    scores: sharedFloat64(P * O),
    intercepts: sharedFloat64(P * O),
    coefs: sharedFloat64(P * O * X.cols),
    held: sharedFloat64(P * X.rows),
    params: new Uint8Array(new SharedArrayBuffer(P * O * PARAMS_BYTES)),
  };
}

/** The job's data as the fold code reads it: X, the problems, the mask. */
export function foldJobInputs(job: FoldJob): { X: Matrix; problems: Problem[]; mask: NiftiImage | undefined } {
  return {
    X: new Matrix(job.rows, job.cols, job.data),
    problems: job.problems,
    mask: job.mask as unknown as NiftiImage | undefined,
  };
}

/** Write fold o's outcomes (one per problem) into the job's shared outputs. */
export function writeFoldOutcomes(job: FoldJob, o: number, outcomes: FoldOutcome[]): void {
  const O = job.setup.splits.length;
  const test = job.setup.splits[o]!.test;
  const encoder = new TextEncoder();
  outcomes.forEach(({ result, held }, p) => {
    if (!result.coef || result.intercept === undefined) throw new Error('folds: a worker returns linear fold models only');
    const at = p * O + o;
    const json = encoder.encode(JSON.stringify(result.params));
    if (json.length >= PARAMS_BYTES) throw new Error('folds: the chosen parameters do not fit the shared buffer');
    job.params.set(json, at * PARAMS_BYTES);
    job.params[at * PARAMS_BYTES + json.length] = 0;
    job.scores[at] = result.score;
    job.intercepts[at] = result.intercept;
    job.coefs.set(result.coef, at * job.cols);
    for (let a = 0; a < test.length; a++) job.held[p * job.rows + test[a]!] = held[a]!;
  });
}

/** Fold o's outcomes as a worker wrote them. */
export function readFoldOutcomes(job: FoldJob, o: number): FoldOutcome[] {
  const O = job.setup.splits.length;
  const test = job.setup.splits[o]!.test;
  const decoder = new TextDecoder();
  return job.problems.map((_, p) => {
    const at = p * O + o;
    const bytes = job.params.subarray(at * PARAMS_BYTES, (at + 1) * PARAMS_BYTES);
    const end = bytes.indexOf(0);
    // TextDecoder does not read shared memory: copy the bytes out first.
    const params = JSON.parse(decoder.decode(bytes.slice(0, end < 0 ? bytes.length : end))) as Params;
    return {
      result: {
        score: job.scores[at]!,
        params,
        coef: job.coefs.slice(at * job.cols, (at + 1) * job.cols),
        intercept: job.intercepts[at]!,
      },
      held: Float64Array.from(test, (i) => job.held[p * job.rows + i]!),
    };
  });
}
