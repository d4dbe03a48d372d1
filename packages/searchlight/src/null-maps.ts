// Per-subject permutation (null) maps for group inference (Stelzer et al. 2013, Allefeld et al.
// 2016): the observed searchlight map plus one map per label permutation, labels shuffled within
// runs (groups). Everything that does not depend on the labels is done once and shared by all
// permutations: reading and masking the data into shared memory, the spheres, the folds, the
// per-fold standardization; each permutation only recomputes what the labels change (GaussianNB
// class statistics, the classifiers' fits) on the same worker pool code.
import { availableParallelism } from 'node:os';
import { NiftiImage } from '@neurodecode/nifti-io';
import type { Label } from '@neurodecode/estimators';
import { SphereComputer, type ComputePlan } from './compute.js';
import type { SearchlightOptions } from './engine.js';
import { planSearchlight } from './plan.js';
import { sharedArray } from './queue.js';
import { factoryFromSpec, makeGenericScorer, resolveScorer } from './generic.js';
import { makeQueue, runInThisThread, type WorkerInput } from './pool.js';
import { PermutedGnb } from './null-gnb.js';
import { Worker } from 'node:worker_threads';
import { selectRows, toLabels } from './prepare.js';
import { meanOverFolds, scoresImage } from './shards.js';
import { seededRandom, type AnyEstimator } from '@neurodecode/estimators';

/** searchlight() options plus the number of label permutations and their seed (no shards or checkpoints). */
export interface NullMapsOptions
  extends Omit<SearchlightOptions, 'shard' | 'checkpoint' | 'checkpointInterval' | 'returnFoldScores' | 'onProgress'> {
  /** Number of label permutations (null maps). */
  nPermutations: number;
  /** Seed of the label shuffles (default 0). */
  seed?: number;
  /** Called with (spheres done, total spheres over the observed run and every permutation). */
  onProgress?: (done: number, total: number) => void;
}

/** The observed map and the K null maps (one per within-run label permutation), with run facts. */
export interface NullMapsResult {
  /** Observed scores (3-D float32) and mean scores per centre. */
  scoresImg: NiftiImage;
  scores: Float64Array;
  /** 4-D float32: one map per permutation. */
  nullImg: NiftiImage;
  /** nullScores[k * nSpheres + s]. */
  nullScores: Float64Array;
  nSpheres: number;
  nFolds: number;
  kernel: string;
  threads: number;
  seconds: number;
}

/** Seeded label permutation within groups: sample i takes the label of sample perm[i] of its own group. */
export function permuteWithinGroups(groups: readonly Label[] | undefined, n: number, next: () => number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_x, i) => i);
  const members = new Map<Label, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups ? groups[i]! : 0;
    if (!members.has(g)) members.set(g, []);
    members.get(g)!.push(i);
  }
  for (const idx of members.values()) {
    const shuffled = idx.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    idx.forEach((sample, k) => {
      perm[sample] = shuffled[k]!;
    });
  }
  return perm;
}

/**
 * Per-subject null maps for group inference (Stelzer, prevalence): the observed searchlight map plus
 * one map per label permutation within `groups`, sharing all label-independent work across them.
 */
export async function searchlightNullMaps(options: NullMapsOptions): Promise<NullMapsResult> {
  const t0 = performance.now();
  const K = options.nPermutations;
  if (!Number.isInteger(K) || K < 1) throw new Error(`nPermutations: expected a positive integer, got ${K}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed: expected a non-negative integer, got ${seed}`);
  const scoring = options.scoring ?? 'accuracy';
  // Everything label-independent, planned once: masks, samples in shared memory, folds, spheres,
  // the per-fold standardization (the observed labels' plan is the first label set's).
  const {
    plan: observed,
    geometry,
    samples,
    classes,
    folds,
    chosen,
    centres,
    nSpheres,
    nFolds,
    chunkSize,
  } = await planSearchlight({ ...options, shard: undefined });
  const codes = observed.codes;
  const n = samples.nSamples;
  let groups: Label[] | undefined;
  if (options.groups !== undefined) {
    const g = toLabels(options.groups, 'groups');
    const rows = selectRows(toLabels(options.y, 'y'), options.targets);
    groups = Array.from(rows, (r) => g[r]!);
  }
  const threadsWanted = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const canUseWorkers = chosen.kernel !== 'generic' || chosen.spec !== undefined;
  const total = (K + 1) * nSpheres;
  let done = 0;
  const next = seededRandom(seed);

  const permutedGnb = chosen.kernel === 'gnb' ? new PermutedGnb(observed) : undefined;
  /** The label-dependent part of a run: the plan for one label vector (GaussianNB statistics included). */
  const makePlan = (labelCodes: Int32Array): ComputePlan => {
    if (labelCodes === codes) return observed;
    const foldScores = sharedArray(Float64Array, nSpheres * nFolds).subarray(0, nSpheres * nFolds);
    const plan: ComputePlan = { ...observed, codes: labelCodes, foldScores };
    if (chosen.kernel === 'gnb') Object.assign(plan, permutedGnb!.build(labelCodes));
    return plan;
  };
  const runPlan = async (plan: ComputePlan, sets = 1): Promise<void> => {
    const queue = makeQueue(nSpheres, chunkSize);
    const threads = Math.min(threadsWanted, queue.pending.length);
    const onChunk = (_c: number, count: number) => {
      done += count * sets;
      options.onProgress?.(done, total);
    };
    const permutedLabels = Array.from(plan.codes, (c) => classes[c]!);
    if (pool && threads > 1) {
      await pool.run({ plan, queue, estimator: chosen.spec, labels: permutedLabels }, onChunk, options.signal);
    } else {
      const generic =
        chosen.kernel === 'generic'
          ? makeGenericScorer(
              chosen.spec ? factoryFromSpec(chosen.spec) : () => chosen.instance!.clone() as AnyEstimator,
              await resolveScorer(scoring),
              permutedLabels,
              folds,
            )
          : undefined;
      await runInThisThread(new SphereComputer(plan, generic), queue, { onChunk, signal: options.signal });
    }
  };

  // One set of workers for every label set.
  const pool =
    canUseWorkers && Math.min(threadsWanted, Math.ceil(nSpheres / chunkSize)) > 1
      ? new NullPool(Math.min(threadsWanted, Math.ceil(nSpheres / chunkSize)))
      : undefined;

  // Label vectors: the observed one, then K shuffles within runs.
  const labelSets = [codes];
  for (let k = 0; k < K; k++) {
    const perm = permuteWithinGroups(groups, n, next);
    labelSets.push(Int32Array.from(perm, (j) => codes[j]!));
  }
  const [nx, ny, nz] = geometry.shape as [number, number, number];
  const vol = nx * ny * nz;
  const nullData = new Float32Array(vol * K);
  const nullScores = new Float64Array(K * nSpheres);
  let scores: Float64Array = new Float64Array(0);
  const setScores = (i: number, s: Float64Array) => {
    if (i === 0) scores = s;
    else {
      nullScores.set(s, (i - 1) * nSpheres);
      for (let c = 0; c < nSpheres; c++) nullData[(i - 1) * vol + centres[c]!] = s[c]!;
    }
  };
  // LinearSVC and logistic regression: every label set in one pass over the spheres, so each sphere's rows
  // are gathered (and standardized) and its training Grams built once for all of them.
  const allSetsAtOnce = chosen.kernel === 'linear-svc' || chosen.kernel === 'logistic' || chosen.kernel === 'logistic-multinomial';
  // Otherwise pipelined: while the workers score label set i, this thread prepares the plan of set i + 1.
  try {
    if (allSetsAtOnce) {
      const L = labelSets.length;
      const sets = sharedArray(Int32Array, L * n).subarray(0, L * n);
      labelSets.forEach((c, l) => sets.set(c, l * n));
      const per = nSpheres * nFolds;
      const foldScores = sharedArray(Float64Array, L * per).subarray(0, L * per);
      await runPlan({ ...observed, labelSets: sets, foldScores }, L);
      for (let i = 0; i < L; i++) setScores(i, meanOverFolds(foldScores.subarray(i * per, (i + 1) * per), nFolds));
    }
    let plan = makePlan(labelSets[0]!);
    for (let i = 0; i < (allSetsAtOnce ? 0 : labelSets.length); i++) {
      const running = runPlan(plan);
      let following: ComputePlan | undefined;
      if (i + 1 < labelSets.length) {
        // Let the workers start before this thread gets busy.
        await new Promise((r) => setImmediate(r));
        following = makePlan(labelSets[i + 1]!);
      }
      await running;
      setScores(i, meanOverFolds(plan.foldScores, nFolds));
      if (following) plan = following;
    }
  } finally {
    await pool?.close();
  }
  const scoresImg = scoresImage(geometry.shape, geometry.affine, centres, scores);
  const nullImg = new NiftiImage({ data: nullData, shape: [nx, ny, nz, K], affine: scoresImg.affine });
  return {
    scoresImg,
    scores,
    nullImg,
    nullScores,
    nSpheres,
    nFolds,
    kernel: chosen.kernel,
    threads: canUseWorkers ? Math.min(threadsWanted, Math.ceil(nSpheres / chunkSize)) : 1,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Worker threads (worker.ts without workerData) kept for all the label sets of a run. */
class NullPool {
  private readonly workers: Worker[] = [];

  constructor(threads: number) {
    const url = new URL('./worker.js', import.meta.url);
    for (let t = 0; t < threads; t++) this.workers.push(new Worker(url));
  }

  /** Score one label set's queue on every worker. */
  run(input: WorkerInput, onChunk: (chunk: number, spheres: number) => void, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let running = this.workers.length;
      let settled = false;
      const detach: (() => void)[] = [];
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        for (const d of detach) d();
        if (err) reject(err);
        else resolve();
      };
      if (signal?.aborted) return finish(signal.reason instanceof Error ? signal.reason : new Error('searchlight: aborted'));
      const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new Error('searchlight: aborted'));
      signal?.addEventListener('abort', onAbort);
      detach.push(() => signal?.removeEventListener('abort', onAbort));
      for (const w of this.workers) {
        const onMessage = (m: { type: string; chunk?: number; spheres?: number; message?: string }) => {
          if (m.type === 'chunk') onChunk(m.chunk!, m.spheres!);
          else if (m.type === 'error') finish(new Error(m.message));
          else if (m.type === 'end' && --running === 0) finish();
        };
        const onError = (err: Error) => finish(err);
        const onExit = (code: number) => finish(new Error(`searchlight: a worker thread exited with code ${code}`));
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        detach.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
        w.postMessage(input);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
