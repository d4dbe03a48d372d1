// Connected-component labelling of 3-D binary volumes, shared by figures (automatic cut
// coordinates), group statistics (cluster tables, cluster-size inference) and anything else that
// needs clusters. Works on raw arrays in the images' own voxel order (i fastest) so hot callers
// can reuse buffers; scipy.ndimage.label's conventions: voxels outside the volume are background.
import { checkOptions, optionKeys } from '@neurodecode/matrix';

/** Voxel neighbourhood: 6 (faces), 18 (+ edges) or 26 (+ corners). */
export type Connectivity = 6 | 18 | 26;

/** Neighbour offsets for a connectivity: 6 faces, 18 adds edges, 26 adds corners. */
export function neighbourOffsets(connectivity: Connectivity): [number, number, number][] {
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new Error(`connectivity: expected 6, 18 or 26, got ${String(connectivity)}`);
  }
  const out: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const order = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (order === 0) continue;
        if (order === 1 || (order === 2 && connectivity >= 18) || (order === 3 && connectivity === 26)) out.push([dx, dy, dz]);
      }
  return out;
}

/** Connected components of a volume: a label per voxel and the number of clusters. */
export interface Components {
  /** One label per voxel: 0 for background, 1..count for the clusters (in order of first voxel). */
  labels: Int32Array;
  /** Number of clusters. */
  count: number;
  /** sizes[c - 1] = number of voxels of cluster c. */
  sizes: Int32Array;
}

/** Options of labelComponents: neighbourhood and an optional output buffer. */
export interface LabelOptions {
  /** Neighbourhood (default 6, faces only, as scipy.ndimage.label and nilearn use). */
  connectivity?: Connectivity;
  /** Reuse this buffer for the labels (length nx*ny*nz); it is overwritten. */
  out?: Int32Array;
  /** Reuse this buffer as the flood-fill queue (length nx*ny*nz). */
  queue?: Int32Array;
}

/**
 * Label the connected clusters of the voxels where `inside[v]` is non-zero, for a volume of shape
 * [nx, ny, nz] in Fortran order (index = i + nx*(j + ny*k)). Breadth-first flood fill with one
 * preallocated queue: no allocation per voxel.
 */
export function labelComponents(inside: ArrayLike<number>, shape: readonly number[], opts: LabelOptions = {}): Components {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (inside.length !== n) throw new Error(`inside: expected ${n} values for shape [${shape.join(', ')}], got ${inside.length}`);
  checkOptions('labelComponents', opts, optionKeys<LabelOptions>({ connectivity: true, out: true, queue: true }));
  const offsets = neighbourOffsets(opts.connectivity ?? 6);
  const labels = opts.out ?? new Int32Array(n);
  if (labels.length !== n) throw new Error(`out: expected length ${n}, got ${labels.length}`);
  labels.fill(0);
  const queue = opts.queue ?? new Int32Array(n);
  const sizes: number[] = [];
  const dxs = offsets.map((o) => o[0]),
    dys = offsets.map((o) => o[1]),
    dzs = offsets.map((o) => o[2]);
  const nOff = offsets.length;
  const nxy = nx * ny;
  let count = 0;
  for (let seed = 0; seed < n; seed++) {
    if (inside[seed] === 0 || labels[seed] !== 0) continue;
    count++;
    labels[seed] = count;
    let head = 0,
      tail = 0;
    queue[tail++] = seed;
    while (head < tail) {
      const v = queue[head++];
      const k = (v / nxy) | 0;
      const rem = v - k * nxy;
      const j = (rem / nx) | 0;
      const i = rem - j * nx;
      for (let o = 0; o < nOff; o++) {
        const ii = i + dxs[o],
          jj = j + dys[o],
          kk = k + dzs[o];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const w = ii + nx * jj + nxy * kk;
        if (inside[w] !== 0 && labels[w] === 0) {
          labels[w] = count;
          queue[tail++] = w;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
