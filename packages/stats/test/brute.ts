// Slow, obviously-right reference implementations used by the tests.
import type { MaskGraph } from '../src/graph.js';
import { tfceHeights } from '../src/tfce.js';

/** Components of the voxels where keep[v] is true (label per voxel, 0 = none) by repeated relaxation. */
export function bruteComponents(keep: boolean[], graph: MaskGraph): { labels: Int32Array; sizes: Map<number, number> } {
  const labels = new Int32Array(keep.length);
  keep.forEach((k, v) => { labels[v] = k ? v + 1 : 0; });
  for (let changed = true; changed;) {
    changed = false;
    for (let v = 0; v < keep.length; v++) {
      if (!labels[v]) continue;
      for (let d = 0; d < 6; d++) {
        const w = graph.neighbours[6 * v + d]!;
        if (w >= 0 && labels[w] && labels[w]! < labels[v]!) { labels[v] = labels[w]!; changed = true; }
      }
    }
  }
  const sizes = new Map<number, number>();
  labels.forEach((l) => { if (l) sizes.set(l, (sizes.get(l) ?? 0) + 1); });
  return { labels, sizes };
}

/** TFCE by labelling the map once per height, as nilearn 0.10 does. */
export function bruteTfce(values: ArrayLike<number>, graph: MaskGraph, twoSided: boolean, E = 0.5, H = 2): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  let top = 0;
  for (let v = 0; v < n; v++) top = Math.max(top, twoSided ? Math.abs(values[v]!) : values[v]!);
  if (!(top > 0)) return out;
  const h = new Float64Array(102);
  const L = tfceHeights(top, h);
  for (const sign of twoSided ? [1, -1] : [1]) {
    for (let s = 0; s < L; s++) {
      const keep = Array.from({ length: n }, (_x, v) => sign * values[v]! >= h[s]!);
      const { labels, sizes } = bruteComponents(keep, graph);
      for (let v = 0; v < n; v++) if (labels[v]) out[v]! += sign * sizes.get(labels[v]!)! ** E * h[s]! ** H;
    }
  }
  return out;
}
