// Threshold-free cluster enhancement as fslmaths and nilearn 0.10 compute it: heights
// h = step, 2 step, ... with step = max / 100, exactly as numpy.arange(step, max + step, step)
// produces them (so the top height can land just above the maximum and count as 99 steps), a voxel with value >= h_s belongs at step s to its face-connected cluster, and
// gains size^E * h_s^H (no multiplication by the step). Instead of labelling the map 100 times,
// voxels are added from the highest step down into a union-find forest: a cluster's score only
// changes when it grows or merges, so each root keeps a running total flushed lazily with prefix
// sums of h^H, and each voxel's TFCE is its root's total minus the total when it joined (stored
// as offsets along the tree, kept through path compression). One pass costs O(voxels).
import type { MaskGraph } from './graph.js';

/** Number of height steps between 0 and the map's maximum (fslmaths' and nilearn's 100). */
export const TFCE_STEPS = 100;
const MAX_LEVELS = TFCE_STEPS + 2;

/**
 * The heights numpy.arange(step, max + step, step) gives with step = max / 100: its length is
 * ceil(((max + step) - step) / step) and element i is step + i * ((step + step) - step).
 */
export function tfceHeights(maxScore: number, out: Float64Array = new Float64Array(MAX_LEVELS)): number {
  const step = maxScore / TFCE_STEPS;
  const len = Math.min(MAX_LEVELS, Math.ceil((maxScore + step - step) / step));
  const delta = step + step - step;
  for (let i = 0; i < len; i++) out[i] = i === 0 ? step : i === 1 ? step + step : step + i * delta;
  return len;
}

/** TFCE exponents; the defaults (E = 0.5, H = 2) are fslmaths' and nilearn's. */
export interface TfceParams {
  /** Extent exponent (default 0.5). */
  E?: number;
  /** Height exponent (default 2). */
  H?: number;
}

/**
 * Threshold-free cluster enhancement on one mask, as fslmaths and nilearn 0.10 compute it: at each
 * height h of {@link tfceHeights}, a voxel with value >= h gains size^E x h^H, size being its
 * face-connected cluster's voxel count at that height. One pass costs O(mask voxels) (union-find
 * from the highest step down). Buffers are allocated once per computer, so one serves every
 * permutation of a run (not safe to share between threads).
 */
export class TfceComputer {
  private readonly graph: MaskGraph;
  private readonly E: number;
  private readonly H: number;
  private readonly level: Int32Array;
  private readonly order: Int32Array;
  private readonly bucketStart = new Int32Array(MAX_LEVELS + 2);
  private readonly heights = new Float64Array(MAX_LEVELS);
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private readonly lastStep: Int32Array;
  private readonly acc: Float64Array;
  private readonly delta: Float64Array;
  private readonly path: Int32Array;
  private readonly cum = new Float64Array(MAX_LEVELS + 1);
  private readonly extent: Float64Array;

  /** A computer for maps in the mask order of `graph`. */
  constructor(graph: MaskGraph, params: TfceParams = {}) {
    this.graph = graph;
    this.E = params.E ?? 0.5;
    this.H = params.H ?? 2;
    const n = graph.nVoxels;
    this.level = new Int32Array(n);
    this.order = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n);
    this.lastStep = new Int32Array(n);
    this.acc = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.path = new Int32Array(n);
    // size^E for every possible cluster size, computed once.
    this.extent = new Float64Array(n + 1);
    for (let s = 0; s <= n; s++) this.extent[s] = this.E === 0.5 ? Math.sqrt(s) : s ** this.E;
  }

  /**
   * TFCE of `sign * values` (values in mask order) with the steps of `maxScore` (the largest value
   * the steps reach; nilearn uses the map's maximum, or max |value| when two-sided). Returns the
   * largest TFCE value; with `out`, adds sign * TFCE to out[v] for every voxel.
   */
  compute(values: ArrayLike<number>, sign: 1 | -1, maxScore: number, out?: Float64Array): number {
    if (!(maxScore > 0)) return 0;
    const n = this.graph.nVoxels;
    const { level, order, bucketStart, parent, size, lastStep, acc, delta, cum } = this;
    const h = this.heights;
    const L = tfceHeights(maxScore, h);
    const step = maxScore / TFCE_STEPS;
    cum[0] = 0;
    for (let s = 1; s <= L; s++) cum[s] = cum[s - 1]! + (this.H === 2 ? h[s - 1]! * h[s - 1]! : h[s - 1]! ** this.H);
    // Level of a voxel: how many heights it reaches (0: none); then a counting sort by level.
    bucketStart.fill(0);
    for (let v = 0; v < n; v++) {
      const x = sign * values[v]!;
      let s = 0;
      if (x >= h[0]!) {
        s = Math.min(L, Math.floor(x / step));
        while (s < L && h[s]! <= x) s++;
        while (s > 0 && h[s - 1]! > x) s--;
      }
      level[v] = s;
      bucketStart[s + 1]!++;
    }
    for (let s = 1; s <= L + 1; s++) bucketStart[s]! += bucketStart[s - 1]!;
    for (let v = 0; v < n; v++) order[bucketStart[level[v]!]!++] = v;
    // bucketStart[s] now holds the end of bucket s; bucket s starts at the end of bucket s - 1.
    const nb = this.graph.neighbours;
    parent.fill(-1);
    for (let s = L; s >= 1; s--) {
      const begin = bucketStart[s - 1]!,
        end = bucketStart[s]!;
      for (let o = begin; o < end; o++) {
        const v = order[o]!;
        parent[v] = v;
        size[v] = 1;
        acc[v] = 0;
        delta[v] = 0;
        lastStep[v] = s;
        let ra = v; // v's root, kept up to date as v's cluster absorbs its neighbours' clusters
        for (let d = 0; d < 6; d++) {
          const w = nb[6 * v + d]!;
          if (w < 0 || parent[w]! < 0) continue;
          const rb = parent[w] === w ? w : this.find(w);
          if (ra === rb) continue;
          this.flush(ra, s);
          this.flush(rb, s);
          // Union by size; the child's offset keeps its members' running totals unchanged.
          const big = size[ra]! >= size[rb]! ? ra : rb;
          const small = big === ra ? rb : ra;
          parent[small] = big;
          delta[small] = acc[small]! - acc[big]!;
          size[big]! += size[small]!;
          ra = big;
        }
      }
    }
    // Close every cluster at step 0 and read each voxel's total.
    const first = bucketStart[0]!;
    let best = 0;
    for (let o = first; o < n; o++) {
      const v = order[o]!;
      if (parent[v] === v) this.flush(v, 0);
    }
    for (let o = first; o < n; o++) {
      const v = order[o]!;
      const r = this.find(v);
      const value = r === v ? acc[v]! : delta[v]! + acc[r]!;
      if (value > best) best = value;
      if (out) out[v]! += sign * value;
    }
    return best;
  }

  /** Add the contributions of root r's current cluster for the steps above `s` not yet counted. */
  private flush(r: number, s: number): void {
    const last = this.lastStep[r]!;
    if (last > s) this.acc[r]! += this.extent[this.size[r]!]! * (this.cum[last]! - this.cum[s]!);
    this.lastStep[r] = s;
  }

  /** Root of v, compressing the path and folding the offsets so delta[v] is relative to the root. */
  private find(v: number): number {
    const { parent, delta, path } = this;
    let len = 0;
    let r = v;
    while (parent[r] !== r) {
      path[len++] = r;
      r = parent[r]!;
    }
    // path[len - 1] is a child of the root: its delta is already relative to the root.
    for (let i = len - 2; i >= 0; i--) {
      const u = path[i]!;
      delta[u]! += delta[parent[u]!]!;
      parent[u] = r;
    }
    if (len > 0) parent[path[len - 1]!] = r;
    return r;
  }
}
