// searchlight(): masks -> spheres -> per-sphere cross-validated scores, in parallel over shared
// memory, with fast paths for GaussianNB, LinearSVC and logistic regression, shards and checkpoints.
import { existsSync, promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { checkOptions, optionKeys, rejectPromise, type Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import type { AnyEstimator, Label, Targets } from '@neurodecode/estimators';
import { SphereComputer, type KernelName } from './compute.js';
import { factoryFromSpec, makeGenericScorer, resolveScorer, type EstimatorSpec } from './generic.js';
import { resolveSpecModules } from './modules.js';
import { makeQueue, runInThisThread, runWorkers } from './pool.js';
import type { ImgLike, SplitterLike } from './prepare.js';
import { planSearchlight } from './plan.js';
import {
  fingerprint,
  meanOverFolds,
  readPartial,
  scoresImage,
  writeAtomic,
  encodePartial,
  type PartialFile,
  type PartialHeader,
} from './shards.js';

/** Inputs and settings of a searchlight run (nilearn's SearchLight parameters, camel-cased, plus threads, shards and checkpoints). */
export interface SearchlightOptions {
  /** 4-D image(s) (paths or images; several are concatenated in time) or a samples x mask-voxels matrix. */
  func: ImgLike | ImgLike[] | Matrix;
  mask: ImgLike;
  /** Sphere centres (a subset of the mask); the whole mask by default. */
  processMask?: ImgLike;
  /** One label per volume (row of func). */
  y: Targets;
  /** Keep only the volumes with these labels (e.g. ['face', 'house']). */
  targets?: Label[];
  /** One group per volume (runs), for group-aware splitters. */
  groups?: Targets;
  /** A splitter (e.g. new KFold({nSplits: 4})) or a spec ('kfold:4', 'logo'). Default 'kfold:5'. */
  cv?: SplitterLike | string;
  /** A registered name ('svc', 'gnb', 'logistic', ...), a spec with plugin modules, or an instance. Default 'svc'. */
  estimator?: string | EstimatorSpec | AnyEstimator;
  /** Default 'accuracy'. */
  scoring?: string;
  /** Sphere radius in mm. */
  radius: number;
  /** z-score each sphere's features with the training fold's mean and std (StandardScaler). */
  standardize?: boolean;
  /** Worker threads; default: the core count. */
  threads?: number;
  /** Use the estimator's batched kernel when it has one (default true). */
  fastPath?: boolean;
  onProgress?: (done: number, total: number) => void;
  returnFoldScores?: boolean;
  /** Compute only shard `index` of `count` (a contiguous block of centres). */
  shard?: { index: number; count: number };
  /** Resume from / periodically save to this file. */
  checkpoint?: string;
  /** Milliseconds between checkpoint writes (default 10,000). */
  checkpointInterval?: number;
  /** Spheres per scheduling chunk (default 64). */
  chunkSize?: number;
  signal?: AbortSignal;
}

/** A searchlight's scores (image and per-centre values), the path taken and the threads used. */
export interface SearchlightResult {
  /** 3-D float32 scores, 0 outside the computed centres. */
  scoresImg: NiftiImage;
  /** Mean score over folds for each computed centre, in process-mask C order. */
  scores: Float64Array;
  /** Per centre and fold (centre-major), when returnFoldScores. */
  foldScores?: Float64Array;
  nSpheres: number;
  nFolds: number;
  /** The path taken: 'gnb', 'linear-svc', 'logistic', 'logistic-multinomial', 'ridge', 'plugin' (a plugin's fold predictor) or 'generic'. */
  kernel: KernelName;
  threads: number;
  seconds: number;
  /** The shard's partial result (write it with savePartial) when `shard` was given. */
  partial?: PartialFile;
}

const SEARCHLIGHT_OPTIONS = optionKeys<SearchlightOptions>({
  func: true,
  mask: true,
  processMask: true,
  y: true,
  targets: true,
  groups: true,
  cv: true,
  estimator: true,
  scoring: true,
  radius: true,
  standardize: true,
  threads: true,
  fastPath: true,
  onProgress: true,
  returnFoldScores: true,
  shard: true,
  checkpoint: true,
  checkpointInterval: true,
  chunkSize: true,
  signal: true,
});

/** Cross-validated scores of an estimator in a sphere around every process-mask voxel, on worker threads (nilearn's SearchLight). */
export async function searchlight(options: SearchlightOptions): Promise<SearchlightResult> {
  checkOptions('searchlight', options, SEARCHLIGHT_OPTIONS);
  rejectPromise(options.func, 'func');
  rejectPromise(options.mask, 'mask');
  const t0 = performance.now();
  const scoring = options.scoring ?? 'accuracy';
  // Plugin modules resolve from the caller's folder (Node's ESM rules) before planning, so the
  // plan's spec carries file URLs that every worker imports.
  const given = options.estimator;
  const estimator =
    given !== undefined && typeof given !== 'string' && typeof (given as AnyEstimator).fit === 'function'
      ? given
      : await resolveSpecModules(typeof given === 'object' ? (given as EstimatorSpec) : { name: given ?? 'svc' });
  const { plan, geometry, samples, labels, classes, folds, chosen, start, end, centres, nSpheres, nFolds, chunkSize } =
    await planSearchlight({ ...options, estimator });
  const codes = plan.codes;
  const runId = fingerprint([
    samples.X,
    codes,
    JSON.stringify(classes),
    geometry.maskVoxels,
    geometry.centres,
    JSON.stringify({ shape: geometry.shape, affine: geometry.affine }),
    ...folds.flatMap((f) => [f.train, f.test]),
    JSON.stringify({
      estimator: chosen.description,
      kernel: chosen.kernel,
      scoring,
      radius: options.radius,
      standardize: !!options.standardize,
    }),
  ]);
  const totalCentres = geometry.centres.length;
  const shard = options.shard ?? { index: 0, count: 1 };
  const foldScoresShared = plan.foldScores;
  let resumed: Uint8Array | undefined;
  const header: PartialHeader = {
    kind: 'checkpoint',
    fingerprint: runId,
    shard,
    start,
    end,
    totalCentres,
    nFolds,
    shape: geometry.shape,
    affine: geometry.affine,
    chunkSize,
  };
  if (options.checkpoint && existsSync(options.checkpoint)) {
    const saved = await readPartial(options.checkpoint);
    const h = saved.header;
    if (h.kind !== 'checkpoint' || h.fingerprint !== runId || h.start !== start || h.end !== end || h.chunkSize !== chunkSize) {
      throw new Error(
        `checkpoint: ${options.checkpoint} belongs to a different run (inputs, parameters, shard or chunk size differ); delete it to start over`,
      );
    }
    foldScoresShared.set(saved.foldScores);
    resumed = new Uint8Array(Math.ceil(nSpheres / chunkSize));
    for (const c of h.doneChunks ?? []) resumed[c] = 1;
  }
  const queue = makeQueue(nSpheres, chunkSize, resumed);

  let done = 0;
  for (let c = 0; c < queue.done.length; c++) if (queue.done[c]) done += Math.min(nSpheres, (c + 1) * chunkSize) - c * chunkSize;
  const saveCheckpoint = async () => {
    if (!options.checkpoint) return;
    const doneChunks: number[] = [];
    for (let c = 0; c < queue.done.length; c++) if (Atomics.load(queue.done, c)) doneChunks.push(c);
    const bytes = encodePartial({ header: { ...header, doneChunks }, centres: geometry.centres, foldScores: foldScoresShared.slice() });
    await writeAtomic(options.checkpoint, bytes);
  };
  let lastSave = Date.now();
  let saving: Promise<void> | undefined;
  // A checkpoint that cannot be written stops the run at once with that error (never an
  // unhandled rejection from the periodic save).
  let saveError: Error | undefined;
  const stop = new AbortController();
  const forwardAbort = () => stop.abort(options.signal!.reason);
  if (options.signal?.aborted) forwardAbort();
  else options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const interval = options.checkpointInterval ?? 10_000;
  const onChunk = (_chunk: number, count: number) => {
    done += count;
    options.onProgress?.(done, nSpheres);
    if (options.checkpoint && !saving && !saveError && Date.now() - lastSave >= interval) {
      lastSave = Date.now();
      saving = saveCheckpoint()
        .catch((e: Error) => {
          saveError ??= e;
          stop.abort(e);
        })
        .finally(() => {
          saving = undefined;
        });
    }
  };
  options.onProgress?.(done, nSpheres);

  const canUseWorkers = (chosen.kernel !== 'generic' && chosen.kernel !== 'plugin') || chosen.spec !== undefined;
  // No more threads than chunks left to compute.
  const threads = Math.max(1, Math.min(Math.floor(options.threads ?? availableParallelism()), queue.pending.length));
  try {
    if (queue.pending.length > 0) {
      if (canUseWorkers && threads > 1) {
        await runWorkers({ plan, queue, estimator: chosen.spec, labels }, threads, { onChunk, signal: stop.signal });
      } else {
        const generic =
          chosen.kernel === 'generic'
            ? makeGenericScorer(
                chosen.spec ? factoryFromSpec(chosen.spec) : () => chosen.instance!.clone() as AnyEstimator,
                await resolveScorer(scoring),
                labels,
                folds,
              )
            : undefined;
        const pluginKernel = chosen.kernel === 'plugin' ? chosen.instance!.batchedKernel!() : undefined;
        await runInThisThread(new SphereComputer(plan, generic, pluginKernel), queue, { onChunk, signal: stop.signal });
      }
    }
  } catch (err) {
    if (saving) await saving;
    if (saveError) throw new Error(`checkpoint: ${saveError.message}`);
    await saveCheckpoint();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
  }
  if (saving) await saving;
  if (saveError) throw new Error(`checkpoint: ${saveError.message}`);

  const foldScores = foldScoresShared.slice();
  const scores = meanOverFolds(foldScores, nFolds);
  const partial = options.shard
    ? { header: { ...header, kind: 'shard' as const, chunkSize: undefined }, centres: geometry.centres, foldScores }
    : undefined;
  if (options.checkpoint) await fsp.rm(options.checkpoint, { force: true });
  return {
    scoresImg: scoresImage(geometry.shape, geometry.affine, centres, scores),
    scores,
    foldScores: options.returnFoldScores ? foldScores : undefined,
    nSpheres,
    nFolds,
    kernel: chosen.kernel,
    threads: canUseWorkers ? threads : 1,
    seconds: (performance.now() - t0) / 1000,
    partial,
  };
}

/** Write a shard's partial result (atomically). */
export async function savePartial(path: string, partial: PartialFile): Promise<void> {
  await writeAtomic(path, encodePartial(partial));
}
