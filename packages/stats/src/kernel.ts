// One permutation's statistics: its t map, then the maxima the FWE nulls need (max t, largest
// cluster size and mass at the cluster-forming threshold, max TFCE). Shared by the main thread and
// the workers. For sign flips, the dot products y.c over subjects are split into groups of up to
// 8 subjects whose 2^g signed partial sums are tabulated once, so a permutation costs one addition
// per group and voxel instead of one multiply-add per subject and voxel.
import { ClusterMeasurer } from './cluster-measures.js';
import { tFromDots, type Design } from './design.js';
import type { MaskGraph } from './graph.js';
import { TfceComputer, type TfceParams } from './tfce.js';

/** What a {@link PermutationKernel} computes for each permutation. */
export interface KernelOptions {
  /** Cluster-forming threshold on the t scale (undefined: no cluster inference). */
  thresholdT?: number;
  /** Compute TFCE (the max TFCE of each permutation, the TFCE map of the observed one). */
  tfce: boolean;
  /** Count both signs: |t| for the max statistic, positive and negative clusters and TFCE. */
  twoSided: boolean;
  /** TFCE exponents (default E = 0.5, H = 2). */
  tfceParams?: TfceParams;
  /** Memory budget for the sign-flip tables in bytes (default 256 MiB). */
  tableBytes?: number;
}

/** Per-permutation maxima, stored 4 per item: max t, max size, max mass, max TFCE. */
export const STATS_PER_ITEM = 4;

/**
 * One permutation's statistics on a prepared stack: its t map, then the maxima the FWE nulls need
 * (max t, largest cluster size and mass at the cluster-forming threshold, max TFCE). Used by the
 * main thread and by each worker. For sign-flip designs the per-subject terms are tabulated in
 * groups of up to 8 subjects (within `tableBytes`), so a permutation costs one addition per group
 * and voxel. Holds its own buffers: one kernel per thread.
 */
export class PermutationKernel {
  /** Number of mask voxels (columns of Y). */
  readonly V: number;
  /** Number of subjects (rows of Y). */
  readonly n: number;
  private readonly Y: Float64Array;
  private readonly design: Design;
  private readonly cols: Float64Array[];
  private readonly opts: KernelOptions;
  private readonly B: Float64Array[];
  /** The current t map (overwritten by each call that computes one). */
  readonly t: Float64Array;
  private readonly clusters: ClusterMeasurer;
  private readonly tfce: TfceComputer;
  private readonly coef: Float64Array;
  /** Sign-flip tables: tables[k][g] holds 2^size(g) rows of V partial sums for column k. */
  private tables?: Float64Array[][];
  private groups?: number[][];

  /**
   * @param Y Targets from {@link prepareTargets}: n rows of V mask voxels.
   * @param design The design the targets were prepared with.
   * @param graph The mask's graph (clusters and TFCE).
   */
  constructor(Y: Float64Array, design: Design, graph: MaskGraph, opts: KernelOptions) {
    this.n = design.n;
    this.V = Y.length / design.n;
    this.Y = Y;
    this.design = design;
    this.cols = [design.x, ...design.Z];
    this.opts = opts;
    this.B = this.cols.map(() => new Float64Array(this.V));
    this.t = new Float64Array(this.V);
    this.clusters = new ClusterMeasurer(graph);
    this.tfce = new TfceComputer(graph, opts.tfceParams);
    this.coef = new Float64Array(this.n);
    if (design.interceptTest) this.buildTables(opts.tableBytes ?? 256 * 1024 ** 2);
  }

  private buildTables(budget: number): void {
    const { n, V } = this;
    const m = this.cols.length;
    let g = 8;
    while (g > 1 && m * Math.ceil(n / g) * 2 ** g * V * 8 > budget) g--;
    if (g < 3) return; // not worth it: the direct products are used
    const groups: number[][] = [];
    for (let start = 0; start < n; start += g) groups.push(Array.from({ length: Math.min(g, n - start) }, (_v, i) => start + i));
    this.groups = groups;
    this.tables = this.cols.map((c) =>
      groups.map((members) => {
        const rows = 2 ** members.length;
        const table = new Float64Array(rows * V);
        // Pattern 0: no flips.
        for (const i of members) {
          const ci = c[i]!,
            row = i * V;
          for (let v = 0; v < V; v++) table[v]! += ci * this.Y[row + v]!;
        }
        // Pattern p = pattern without its lowest set bit, with that subject's term negated.
        for (let p = 1; p < rows; p++) {
          const bit = 31 - Math.clz32(p & -p);
          const i = members[bit]!;
          const base = (p & (p - 1)) * V,
            dst = p * V,
            row = i * V;
          const two = 2 * c[i]!;
          for (let v = 0; v < V; v++) table[dst + v] = table[base + v]! - two * this.Y[row + v]!;
        }
        return table;
      }),
    );
  }

  /** t map for sign flips (flips[i] = 1: subject i negated), written to this.t. */
  tForFlips(flips: ArrayLike<number>, offset = 0): Float64Array {
    const { V, n, B } = this;
    if (this.tables) {
      for (let k = 0; k < B.length; k++) {
        const b = B[k]!;
        const groups = this.groups!;
        for (let gi = 0; gi < groups.length; gi++) {
          const members = groups[gi]!;
          let p = 0;
          for (let j = 0; j < members.length; j++) if (flips[offset + members[j]!]) p |= 1 << j;
          const table = this.tables[k]![gi]!;
          const base = p * V;
          if (gi === 0) for (let v = 0; v < V; v++) b[v] = table[base + v]!;
          else for (let v = 0; v < V; v++) b[v]! += table[base + v]!;
        }
      }
    } else {
      for (let k = 0; k < B.length; k++) {
        const c = this.cols[k]!;
        for (let i = 0; i < n; i++) this.coef[i] = flips[offset + i] ? -c[i]! : c[i]!;
        this.products(this.coef, B[k]!);
      }
    }
    return this.finishT();
  }

  /** t map for a row permutation (row i takes the design row perm[i]), written to this.t. */
  tForPermutation(perm: ArrayLike<number>, offset = 0): Float64Array {
    const { n, B } = this;
    for (let k = 0; k < B.length; k++) {
      const c = this.cols[k]!;
      for (let i = 0; i < n; i++) this.coef[i] = c[perm[offset + i]!]!;
      this.products(this.coef, B[k]!);
    }
    return this.finishT();
  }

  /** t map of the unpermuted data. */
  observedT(): Float64Array {
    const { n, B } = this;
    for (let k = 0; k < B.length; k++) this.products(this.cols[k]!, B[k]!);
    void n;
    return this.finishT();
  }

  private products(coef: Float64Array, out: Float64Array): void {
    const { V, n, Y } = this;
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const ci = coef[i]!,
        row = i * V;
      if (ci === 0) continue;
      for (let v = 0; v < V; v++) out[v]! += ci * Y[row + v]!;
    }
  }

  private finishT(): Float64Array {
    const { V, B, t } = this;
    const dof = this.design.dof;
    const b0 = B[0]!;
    if (B.length === 1) {
      for (let v = 0; v < V; v++) t[v] = tFromDots(b0[v]!, 0, dof);
    } else {
      for (let v = 0; v < V; v++) {
        let a2 = 0;
        for (let k = 1; k < B.length; k++) a2 += B[k]![v]! ** 2;
        t[v] = tFromDots(b0[v]!, a2, dof);
      }
    }
    return t;
  }

  /** The four maxima of the current t map, written at out[offset..offset + 4). */
  maxima(out: Float64Array, offset: number): void {
    const { t, V, opts } = this;
    let maxT = -Infinity;
    if (opts.twoSided)
      for (let v = 0; v < V; v++) {
        const a = Math.abs(t[v]!);
        if (a > maxT) maxT = a;
      }
    else for (let v = 0; v < V; v++) if (t[v]! > maxT) maxT = t[v]!;
    out[offset] = maxT;
    if (opts.thresholdT !== undefined) {
      const { size, mass } = this.clusters.maxima(t, opts.thresholdT, opts.twoSided);
      out[offset + 1] = size;
      out[offset + 2] = mass;
    }
    if (opts.tfce) {
      const top = Math.max(maxT, 0);
      let best = this.tfce.compute(t, 1, top);
      if (opts.twoSided) best = Math.max(best, this.tfce.compute(t, -1, top));
      out[offset + 3] = best;
    }
  }

  /** Full TFCE map (signed when two-sided) of the current t map. */
  tfceMap(): Float64Array {
    const { t, V, opts } = this;
    const out = new Float64Array(V);
    let top = 0;
    for (let v = 0; v < V; v++) top = Math.max(top, opts.twoSided ? Math.abs(t[v]!) : t[v]!);
    this.tfce.compute(t, 1, top, out);
    if (opts.twoSided) this.tfce.compute(t, -1, top, out);
    return out;
  }

  /** Clusters of the current t map at the cluster-forming threshold. */
  clusterMaps() {
    if (this.opts.thresholdT === undefined) throw new Error('clusterMaps: no cluster-forming threshold');
    return this.clusters.label(this.t, this.opts.thresholdT, this.opts.twoSided);
  }
}
