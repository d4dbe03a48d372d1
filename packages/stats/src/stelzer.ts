// Stelzer, Chen & Turner (2013): group inference for searchlight accuracy maps from each subject's
// own label-permutation maps. A bootstrapped group null map averages one randomly chosen null map
// per subject; its voxel-wise distribution gives each voxel's p and its cluster-forming threshold
// (the value exceeded by a fraction `threshold` of the null); clusters of supra-threshold voxels in
// the null maps give the cluster-size distribution; observed clusters get its p, then
// Benjamini-Hochberg FDR over clusters. The null maps are never all held: the draws are replayed
// from the seed in two passes (thresholds first, cluster sizes second).
import type { MaskGraph } from './graph.js';
import { ClusterMeasurer } from './cluster-measures.js';
import { yieldToEventLoop } from './pool.js';
import { subjectDraws } from './rng.js';

/** The maps {@link stelzer} works on, all in one mask's order (see {@link NullStack}). */
export interface StelzerInput {
  /** observed[s * V + v]: subject s's map. */
  observed: Float64Array;
  /** nulls[s][k * V + v]: subject s's permutation maps. */
  nulls: readonly Float32Array[];
  /** Number of permutation maps of each subject. */
  counts: readonly number[];
  /** The mask's graph (V = its voxel count; clusters are face-connected). */
  graph: MaskGraph;
}

/** Options of {@link stelzer}. */
export interface StelzerOptions {
  /** Bootstrap draws of the group null map (default 100000). */
  nDraws?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
  /** Voxel-wise cluster-forming p (default 0.001). */
  threshold?: number;
  /** FDR level over clusters (default 0.05). */
  fdr?: number;
  /** Called at most every 100 ms; `total` is 2 x nDraws (two passes over the draws). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link stelzer} returns; maps in mask order. */
export interface StelzerResult {
  /** Observed group mean map. */
  mean: Float64Array;
  /** Voxel-wise p: (1 + #{null draws >= observed}) / (1 + draws). */
  pVoxel: Float64Array;
  /** Cluster-forming threshold per voxel (on the map's scale). */
  voxelThreshold: Float64Array;
  /** Observed clusters: label per voxel (0 = none), size, p, FDR-significant flag. */
  labels: Int32Array;
  /** Size (voxels) of each observed cluster (index label - 1). */
  clusterSizes: number[];
  /** Cluster p: (1 + #{null clusters at least as large}) / (1 + #{null clusters}). */
  clusterP: number[];
  /** Whether each cluster survives Benjamini-Hochberg FDR at `fdr`. */
  significant: boolean[];
  /** Smallest cluster size significant at the FDR level (undefined: none). */
  sizeThreshold?: number;
  /** All null clusters' sizes: nullSizeCounts[s] = number of null clusters of size s. */
  nullSizeCounts: Float64Array;
  /** Bootstrap draws used. */
  nDraws: number;
}

/** The subjects' null-map choices of bootstrap draw b, replayable from the seed. */
export function stelzerDraws(counts: readonly number[], nDraws: number, seed: number): Int32Array {
  return subjectDraws(counts, nDraws, seed);
}

/**
 * Stelzer, Chen & Turner (2013) group inference from each subject's own permutation maps: a
 * bootstrapped group null map averages one randomly drawn null map per subject (`nDraws` times);
 * each voxel gets its p and a cluster-forming threshold (the value exceeded by a fraction
 * `threshold` of the null draws); the clusters of the null maps above those thresholds give the
 * cluster-size null, then each observed cluster's p and Benjamini-Hochberg FDR over clusters.
 * Draws are replayed from the seed, so the null maps are never all held in memory.
 * @throws Error naming `nDraws`, `threshold` or `subjects` (fewer than 2).
 */
export async function stelzer(input: StelzerInput, opts: StelzerOptions = {}): Promise<StelzerResult> {
  const { observed, nulls, counts, graph } = input;
  const S = counts.length,
    V = graph.nVoxels;
  const nDraws = opts.nDraws ?? 100000;
  const alpha = opts.threshold ?? 0.001;
  const q = opts.fdr ?? 0.05;
  if (!Number.isInteger(nDraws) || nDraws < 1) throw new Error(`nDraws: expected a positive integer, got ${nDraws}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`threshold: expected a p value in (0, 1), got ${alpha}`);
  if (S < 2) throw new Error(`subjects: Stelzer's test needs at least 2 subjects, got ${S}`);
  const mean = new Float64Array(V);
  for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) mean[v]! += observed[s * V + v]! / S;
  const draws = stelzerDraws(counts, nDraws, opts.seed ?? 0);
  const groupMap = new Float64Array(V);
  const drawMap = (b: number) => {
    groupMap.fill(0);
    for (let s = 0; s < S; s++) {
      const rows = nulls[s]!,
        base = draws[b * S + s]! * V;
      for (let v = 0; v < V; v++) groupMap[v]! += rows[base + v]!;
    }
    for (let v = 0; v < V; v++) groupMap[v]! /= S;
  };
  // Pass 1: per voxel, the K largest null values (K = ceil(alpha * draws)) and the count >= observed.
  const K = Math.max(1, Math.ceil(alpha * nDraws));
  const top = new Float64Array(V * K).fill(-Infinity); // per voxel a min-heap of size K
  const atLeast = new Float64Array(V);
  const total = 2 * nDraws;
  let lastTick = Date.now();
  const tick = async (done: number) => {
    if (Date.now() - lastTick > 100) {
      opts.onProgress?.(done, total);
      lastTick = Date.now();
      await yieldToEventLoop();
    }
  };
  for (let b = 0; b < nDraws; b++) {
    drawMap(b);
    for (let v = 0; v < V; v++) {
      const x = groupMap[v]!;
      if (x >= mean[v]!) atLeast[v]!++;
      const h = v * K;
      if (x > top[h]!) heapReplaceMin(top, h, K, x);
    }
    await tick(b + 1);
  }
  // Threshold: the K-th largest null value; a voxel is supra-threshold when its value exceeds it.
  const voxelThreshold = new Float64Array(V);
  for (let v = 0; v < V; v++) voxelThreshold[v] = top[v * K]!;
  const pVoxel = atLeast.map((c) => (1 + c) / (1 + nDraws));
  // Pass 2: sizes of every cluster in every null map.
  const measurer = new ClusterMeasurer(graph);
  const nullSizeCounts = new Float64Array(V + 1);
  const excess = new Float64Array(V);
  for (let b = 0; b < nDraws; b++) {
    drawMap(b);
    for (let v = 0; v < V; v++) excess[v] = groupMap[v]! - voxelThreshold[v]!;
    const maps = measurer.label(excess, 0, false);
    for (const size of maps.sizes) nullSizeCounts[size]!++;
    await tick(nDraws + b + 1);
  }
  for (let v = 0; v < V; v++) excess[v] = mean[v]! - voxelThreshold[v]!;
  const observedClusters = measurer.label(excess, 0, false);
  // P(null cluster size >= s), from the tail sums of the histogram.
  const tail = new Float64Array(V + 2);
  for (let s = V; s >= 0; s--) tail[s] = tail[s + 1]! + nullSizeCounts[s]!;
  const nNull = tail[1]!;
  const clusterP = observedClusters.sizes.map((s) => (1 + tail[s]!) / (1 + nNull));
  const significant = benjaminiHochberg(clusterP, q);
  const sigSizes = observedClusters.sizes.filter((_s, c) => significant[c]);
  opts.onProgress?.(total, total);
  return {
    mean,
    pVoxel,
    voxelThreshold,
    labels: observedClusters.labels,
    clusterSizes: observedClusters.sizes,
    clusterP,
    significant,
    sizeThreshold: sigSizes.length ? Math.min(...sigSizes) : undefined,
    nullSizeCounts,
    nDraws,
  };
}

/** Replace the minimum of the min-heap at a[h .. h + K) by x and restore the heap. */
function heapReplaceMin(a: Float64Array, h: number, K: number, x: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1,
      r = l + 1;
    let m = i,
      mv = x;
    if (l < K && a[h + l]! < mv) {
      m = l;
      mv = a[h + l]!;
    }
    if (r < K && a[h + r]! < mv) {
      m = r;
      mv = a[h + r]!;
    }
    if (m === i) break;
    a[h + i] = mv;
    i = m;
  }
  a[h + i] = x;
}

/** Benjamini-Hochberg: which p values are rejected at FDR level q. */
export function benjaminiHochberg(p: readonly number[], q: number): boolean[] {
  const m = p.length;
  const order = p.map((_x, i) => i).sort((a, b) => p[a]! - p[b]!);
  let k = -1;
  order.forEach((idx, rank) => {
    if (p[idx]! <= ((rank + 1) / m) * q) k = rank;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let r = 0; r <= k; r++) out[order[r]!] = true;
  return out;
}
