// Supra-threshold clusters on the mask graph (face connectivity): voxels with sign * value >
// threshold, grouped by breadth-first search from a preallocated queue. Size = voxel count, mass
// = sum of (|value| - threshold), as nilearn's cluster-level inference defines them.
import type { MaskGraph } from './graph.js';

/** The clusters of one map, as {@link ClusterMeasurer.label} returns them. */
export interface ClusterMaps {
  /** Cluster label per mask voxel (0 outside clusters; positive clusters first, then negative). */
  labels: Int32Array;
  /** Per cluster (index label - 1): size, mass, sign. */
  sizes: number[];
  /** Mass of each cluster: the sum over its voxels of |value| - threshold. */
  masses: number[];
  /** Sign of each cluster: 1 above +threshold, -1 below -threshold. */
  signs: (1 | -1)[];
}

/**
 * Finds the supra-threshold clusters of maps on one mask (face connectivity, the 6-neighbourhood):
 * voxels with sign x value > threshold, joined when they share a face. Size is the voxel count,
 * mass the sum of |value| - threshold, as nilearn defines them. Buffers are allocated once, so
 * one measurer serves every permutation of a run (not safe to share between threads).
 */
export class ClusterMeasurer {
  private readonly graph: MaskGraph;
  private readonly labels: Int32Array;
  private readonly queue: Int32Array;

  /** A measurer for maps in the mask order of `graph`. */
  constructor(graph: MaskGraph) {
    this.graph = graph;
    this.labels = new Int32Array(graph.nVoxels);
    this.queue = new Int32Array(graph.nVoxels);
  }

  /**
   * Largest cluster size and mass among the clusters of sign * values > threshold (both signs
   * when `twoSided`).
   */
  maxima(values: ArrayLike<number>, threshold: number, twoSided: boolean): { size: number; mass: number } {
    let size = 0,
      mass = 0;
    this.labels.fill(0);
    const visit = (sz: number, ms: number) => {
      if (sz > size) size = sz;
      if (ms > mass) mass = ms;
    };
    this.scan(values, threshold, 1, 1, visit);
    if (twoSided) this.scan(values, threshold, -1, 1, visit);
    return { size, mass };
  }

  /** Every cluster with its voxels labelled (for the observed map). */
  label(values: ArrayLike<number>, threshold: number, twoSided: boolean): ClusterMaps {
    this.labels.fill(0);
    const sizes: number[] = [],
      masses: number[] = [],
      signs: (1 | -1)[] = [];
    for (const sign of twoSided ? ([1, -1] as const) : ([1] as const)) {
      this.scan(values, threshold, sign, sizes.length + 1, (sz, ms) => {
        sizes.push(sz);
        masses.push(ms);
        signs.push(sign);
      });
    }
    return { labels: this.labels.slice(), sizes, masses, signs };
  }

  private scan(
    values: ArrayLike<number>,
    threshold: number,
    sign: 1 | -1,
    firstLabel: number,
    found: (size: number, mass: number) => void,
  ): void {
    const { labels, queue } = this;
    const nb = this.graph.neighbours;
    const n = this.graph.nVoxels;
    let label = firstLabel;
    for (let seed = 0; seed < n; seed++) {
      if (!(sign * values[seed]! > threshold) || labels[seed] !== 0) continue;
      labels[seed] = label;
      let head = 0,
        tail = 0,
        mass = 0;
      queue[tail++] = seed;
      while (head < tail) {
        const v = queue[head++]!;
        mass += sign * values[v]! - threshold;
        for (let d = 0; d < 6; d++) {
          const w = nb[6 * v + d]!;
          if (w >= 0 && labels[w] === 0 && sign * values[w]! > threshold) {
            labels[w] = label;
            queue[tail++] = w;
          }
        }
      }
      found(tail, mass);
      label++;
    }
  }
}
