// The mask's face-neighbour graph: for each mask voxel (in the mask's own order) the indices of its
// six face neighbours that are also in the mask, -1 otherwise. Clusters and TFCE walk this graph
// instead of the full 3-D grid, so every pass costs O(mask voxels).

/** A mask's voxels and their face neighbours inside the mask, as {@link maskGraph} builds them. */
export interface MaskGraph {
  /** Number of mask voxels. */
  nVoxels: number;
  /** neighbours[6 * v + d]: mask index of neighbour d of voxel v, or -1. */
  neighbours: Int32Array;
  /** Flat grid index (Fortran order, i fastest) of each mask voxel. */
  gridIndex: Int32Array;
  /** The grid's spatial shape. */
  shape: [number, number, number];
}

/** Mask voxels in the grid's Fortran order (i fastest), as images store them. */
export function maskGraph(mask: ArrayLike<number>, shape: readonly number[]): MaskGraph {
  const [nx, ny, nz] = shape as [number, number, number];
  const n = nx * ny * nz;
  if (mask.length !== n) throw new Error(`mask: expected ${n} voxels for shape [${shape.join(', ')}], got ${mask.length}`);
  const toMask = new Int32Array(n).fill(-1);
  let count = 0;
  for (let g = 0; g < n; g++) if (mask[g] !== 0 && !Number.isNaN(mask[g])) toMask[g] = count++;
  const gridIndex = new Int32Array(count);
  const neighbours = new Int32Array(6 * count).fill(-1);
  const nxy = nx * ny;
  for (let g = 0; g < n; g++) {
    const v = toMask[g]!;
    if (v < 0) continue;
    gridIndex[v] = g;
    const k = Math.floor(g / nxy),
      j = Math.floor((g - k * nxy) / nx),
      i = g - k * nxy - j * nx;
    const o = 6 * v;
    if (i > 0) neighbours[o] = toMask[g - 1]!;
    if (i < nx - 1) neighbours[o + 1] = toMask[g + 1]!;
    if (j > 0) neighbours[o + 2] = toMask[g - nx]!;
    if (j < ny - 1) neighbours[o + 3] = toMask[g + nx]!;
    if (k > 0) neighbours[o + 4] = toMask[g - nxy]!;
    if (k < nz - 1) neighbours[o + 5] = toMask[g + nxy]!;
  }
  return { nVoxels: count, neighbours, gridIndex, shape: [nx, ny, nz] };
}
