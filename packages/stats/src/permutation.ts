// Permutation inference on a stack of subject maps (nilearn's permuted_ols with a masker):
// observed t, max-t FWE, cluster-size and cluster-mass FWE at a cluster-forming p threshold, TFCE
// FWE, as -log10 p maps. Sign flips repeat when 2^n is not much larger than the number of
// permutations (12 subjects: 4,096 patterns); each distinct pattern is computed once and counted
// as often as it was drawn, which gives exactly the same nulls.
import { buildDesign, prepareTargets, type DesignInput } from './design.js';
import type { MaskGraph } from './graph.js';
import { PermutationKernel, STATS_PER_ITEM, type KernelOptions } from './kernel.js';
import { poolRunner, shared, type PoolInput } from './pool.js';
import { Rng } from './rng.js';
import { tIsf } from './tdist.js';

/**
 * Options of {@link permutedOls}: the design (tested variable, confounds, intercept; default a
 * one-sample test of the group mean) and the inference to run.
 */
export interface PermutationOptions extends Omit<DesignInput, 'n'> {
  /** Number of permutations (default 10000; 0: observed maps only). */
  nPerm?: number;
  /** Seed of the permutation stream (default 0). */
  seed?: number;
  /** Test both signs (default false: positive effects only, as the reference). */
  twoSided?: boolean;
  /** Cluster-forming threshold as an uncorrected p (e.g. 0.001); omitted: no cluster inference. */
  threshold?: number;
  /** Threshold-free cluster enhancement (default false). */
  tfce?: boolean;
  /**
   * Worker threads (default: available cores; 1 runs in this thread). Under the browser entry the
   * permutations always run in the calling thread.
   */
  threads?: number;
  /** Compute each distinct sign pattern once (default true; results are identical either way). */
  reuseRepeats?: boolean;
  /**
   * Normalise float32 maps in float32 as nilearn does (default false: float64 throughout). Only
   * for reproducing nilearn's maps to ~1e-14; see prepareTargets.
   */
  nilearnFloat32?: boolean;
  /** Called as permutations finish. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What {@link permutedOls} returns: maps in mask order (one value per mask voxel), the null
 * distributions of the maxima, and the observed clusters. The `tfce` fields are present with
 * `tfce`, the size/mass/cluster fields with `threshold`. p maps are -log10 FWE-corrected p values.
 */
export interface PermutationResult {
  /** Observed t statistic (mask order). */
  t: Float64Array;
  /** -log10 of the max-t FWE p of each voxel (|t| when two-sided). */
  logpMaxT: Float64Array;
  /** Observed TFCE map (signed when two-sided). */
  tfce?: Float64Array;
  /** -log10 FWE p of each voxel's |TFCE| against the max-TFCE null. */
  logpMaxTfce?: Float64Array;
  /** Size (voxels) of the cluster each voxel belongs to, 0 outside clusters. */
  size?: Float64Array;
  /** -log10 cluster-size FWE p of each voxel's cluster (outside clusters: the p of size 0). */
  logpMaxSize?: Float64Array;
  /** Mass of the cluster each voxel belongs to, 0 outside clusters. */
  mass?: Float64Array;
  /** -log10 cluster-mass FWE p of each voxel's cluster. */
  logpMaxMass?: Float64Array;
  /** Null distributions of the maxima, one value per permutation (in draw order). */
  h0MaxT: Float64Array;
  /** Max TFCE of each permutation. */
  h0MaxTfce?: Float64Array;
  /** Largest cluster size of each permutation. */
  h0MaxSize?: Float64Array;
  /** Largest cluster mass of each permutation. */
  h0MaxMass?: Float64Array;
  /** Observed clusters at the cluster-forming threshold (labels in mask order, 1-based). */
  clusters?: { labels: Int32Array; sizes: number[]; masses: number[]; signs: (1 | -1)[]; pSize: number[]; pMass: number[] };
  /** t threshold used for clusters, the t statistic's degrees of freedom, and the permutation scheme. */
  thresholdT?: number;
  /** Residual degrees of freedom of the t statistic. */
  dof: number;
  /** Permutations drawn. */
  nPerm: number;
  /** Sign flips for a test on the intercept, row permutations otherwise. */
  scheme: 'sign-flip' | 'row-permutation';
  /** Distinct permutations actually computed. */
  computed: number;
}

/**
 * Y: the subjects' values, n rows of V mask voxels (Y[i * V + v]), already minus the chance level.
 * graph: the mask's neighbour graph (maskGraph), needed for clusters and TFCE.
 */
export async function permutedOls(Y: Float64Array, n: number, graph: MaskGraph, opts: PermutationOptions = {}): Promise<PermutationResult> {
  const V = graph.nVoxels;
  if (Y.length !== n * V) throw new Error(`maps: expected ${n} x ${V} values, got ${Y.length}`);
  for (let i = 0; i < Y.length; i++) {
    if (!Number.isFinite(Y[i]!))
      throw new Error(`maps: map ${Math.floor(i / V) + 1} has a non-finite value inside the mask (voxel ${i % V} in mask order)`);
  }
  const nPerm = opts.nPerm ?? 10000;
  if (!Number.isInteger(nPerm) || nPerm < 0) throw new Error(`nPerm: expected a non-negative integer, got ${opts.nPerm}`);
  const seed = opts.seed ?? 0;
  const twoSided = opts.twoSided ?? false;
  const tfce = opts.tfce ?? false;
  if (opts.threshold !== undefined && !(opts.threshold > 0 && opts.threshold < 1)) {
    throw new Error(`threshold: expected a p value in (0, 1), got ${opts.threshold}`);
  }
  const design = buildDesign({ n, tested: opts.tested, confounds: opts.confounds, modelIntercept: opts.modelIntercept });
  const thresholdT = opts.threshold === undefined ? undefined : tIsf(twoSided ? opts.threshold / 2 : opts.threshold, design.dof);
  const kernelOpts: KernelOptions = { thresholdT, tfce, twoSided };
  const targets = prepareTargets(Y, n, design, opts.nilearnFloat32 ?? false);

  // Observed maps.
  const observed = new PermutationKernel(targets, design, graph, { ...kernelOpts, tableBytes: 0 });
  const t = observed.observedT().slice();
  const tfceMap = tfce ? observed.tfceMap() : undefined;
  const clusterMaps = thresholdT !== undefined ? observed.clusterMaps() : undefined;

  // Permutations, drawn in the main thread so the result depends only on the seed.
  const { items, nItems, itemOfPerm } = drawPermutations(n, design.interceptTest, nPerm, seed, twoSided, opts.reuseRepeats ?? true);
  const results = shared(new Float64Array(nItems * STATS_PER_ITEM));
  const input: PoolInput = {
    Y: shared(targets),
    design,
    kernel: kernelOpts,
    graph: { ...graph, neighbours: shared(graph.neighbours), gridIndex: shared(graph.gridIndex) },
    kind: design.interceptTest ? 'flips' : 'perms',
    items: shared(items),
    nItems,
    cursor: shared(new Int32Array(1)),
    results,
  };
  const { run, defaultThreads } = poolRunner();
  const threads = Math.max(1, Math.min(opts.threads ?? defaultThreads(), Math.ceil(nItems / 32)));
  let doneItems = 0;
  if (nItems > 0) {
    await run(input, threads, (k) => {
      doneItems += k;
      opts.onProgress?.(Math.round((doneItems / nItems) * nPerm), nPerm);
    });
  }

  const h0 = (stat: number) => Float64Array.from(itemOfPerm, (item) => results[item * STATS_PER_ITEM + stat]!);
  const h0MaxT = h0(0);
  const out: PermutationResult = {
    t,
    logpMaxT: maxStatLogp(twoSided ? t.map(Math.abs) : t, h0MaxT),
    h0MaxT,
    dof: design.dof,
    nPerm,
    thresholdT,
    scheme: design.interceptTest ? 'sign-flip' : 'row-permutation',
    computed: nItems,
  };
  if (tfceMap) {
    out.tfce = tfceMap;
    out.h0MaxTfce = h0(3);
    out.logpMaxTfce = maxStatLogp(tfceMap.map(Math.abs), out.h0MaxTfce);
  }
  if (clusterMaps) {
    const h0Size = h0(1),
      h0Mass = h0(2);
    const pSize = clusterMaps.sizes.map((s) => clusterP(s, h0Size));
    const pMass = clusterMaps.masses.map((m) => clusterP(m, h0Mass));
    const size = new Float64Array(V),
      mass = new Float64Array(V);
    const outsideP = nPerm > 0 ? clusterP(0, h0Size) : 1;
    const logpSize = new Float64Array(V).fill(-Math.log10(outsideP));
    const logpMass = new Float64Array(V).fill(-Math.log10(outsideP));
    for (let v = 0; v < V; v++) {
      const c = clusterMaps.labels[v]! - 1;
      if (c < 0) continue;
      size[v] = clusterMaps.sizes[c]!;
      mass[v] = clusterMaps.masses[c]!;
      logpSize[v] = -Math.log10(pSize[c]!);
      logpMass[v] = -Math.log10(pMass[c]!);
    }
    Object.assign(out, { size, mass, logpMaxSize: logpSize, logpMaxMass: logpMass, h0MaxSize: h0Size, h0MaxMass: h0Mass });
    out.clusters = { ...clusterMaps, pSize, pMass };
  }
  return out;
}

/**
 * The permutations of a run: sign patterns (n flags per item, 1 = negate) when `signFlips`, else row
 * permutations (n indices per item); itemOfPerm[p] is the item of draw p (repeated sign patterns
 * share an item when `reuse`). Deterministic in the seed.
 */
export function drawPermutations(
  n: number,
  signFlips: boolean,
  nPerm: number,
  seed: number,
  twoSided: boolean,
  reuse: boolean,
): { items: Uint8Array | Int32Array; nItems: number; itemOfPerm: Int32Array } {
  const rng = new Rng(seed);
  const itemOfPerm = new Int32Array(nPerm);
  if (!signFlips) {
    const items = new Int32Array(nPerm * n);
    const perm = new Int32Array(n);
    for (let p = 0; p < nPerm; p++) {
      items.set(rng.permutation(n, perm), p * n);
      itemOfPerm[p] = p;
    }
    return { items, nItems: nPerm, itemOfPerm };
  }
  const flips = new Uint8Array(nPerm * n);
  const seen = new Map<string, number>();
  const row = new Uint8Array(n);
  let nItems = 0;
  for (let p = 0; p < nPerm; p++) {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (i % 32 === 0) bits = rng.nextU32();
      row[i] = (bits >>> (i % 32)) & 1;
    }
    // Two-sided statistics are the same for a pattern and its complement (t -> -t).
    if (twoSided && row[0] === 1) for (let i = 0; i < n; i++) row[i] = 1 - row[i]!;
    if (reuse) {
      const key = row.join('');
      const known = seen.get(key);
      if (known !== undefined) {
        itemOfPerm[p] = known;
        continue;
      }
      seen.set(key, nItems);
    }
    flips.set(row, nItems * n);
    itemOfPerm[p] = nItems++;
  }
  return { items: flips.slice(0, nItems * n), nItems, itemOfPerm };
}

/** nilearn's voxel-level FWE p: (1 + #{null >= observed}) / (nPerm + 1), as -log10. */
export function maxStatLogp(observed: Float64Array, h0: Float64Array): Float64Array {
  const sorted = Float64Array.from(h0).sort();
  const m = sorted.length;
  return observed.map((x) => -Math.log10((1 + (m - lowerBound(sorted, x))) / (m + 1)));
}

/**
 * nilearn's cluster-level p (null_to_p, 'larger'): #{null >= value} / nPerm, kept inside
 * [1 / nPerm, 1 - 1 / nPerm].
 */
export function clusterP(value: number, h0: Float64Array): number {
  const m = h0.length;
  if (m === 0) return 1;
  let count = 0;
  for (let i = 0; i < m; i++) if (h0[i]! >= value) count++;
  const smallest = Math.max(Number.EPSILON, 1 / m);
  return Math.max(smallest, Math.min(count / m, 1 - smallest));
}

/** First index i with sorted[i] >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
