// Cluster tables of statistical maps (nilearn's get_clusters_table, without sub-peaks): the
// supra-threshold voxels grouped into connected clusters, one row per cluster with its size and
// peak, and optionally the atlas region at the peak.
import type { Affine, NiftiImage } from '@neurodecode/nifti-io';
import { atlasRegionsAt, type AtlasSpec } from './atlas.js';
import { labelComponents, type Connectivity } from './components.js';
import { loadImg, spatialShape, type ImgLike } from './io.js';

/** Options of the cluster table: threshold, minimum size, sidedness, connectivity, atlas labels and mask. */
export interface ClustersTableOptions {
  /** Voxels with value > threshold form clusters (and value < -threshold when two-sided). */
  threshold: number;
  /** Drop clusters with fewer voxels than this (default 1: keep all). */
  minSize?: number;
  /** Also find clusters of negative values (default false, as nilearn). */
  twoSided?: boolean;
  /** Neighbourhood: 6 (faces, default, as nilearn), 18 or 26. */
  connectivity?: Connectivity;
  /** Name the region at each peak from this atlas (the map must be in the atlas's space). */
  atlas?: AtlasSpec;
  /** Only voxels where this mask (same grid) is non-zero can belong to clusters. */
  mask?: ImgLike;
}

/** One row of a cluster table: size, sign, peak value and position, and the atlas region at the peak. */
export interface ClusterRow {
  /** 1 for the cluster with the largest |peak|, then 2, 3, ... */
  id: number;
  /** Number of voxels. */
  size: number;
  /** +1 for a cluster above threshold, -1 for one below -threshold. */
  sign: 1 | -1;
  /** Value at the peak (the most extreme voxel, signed). */
  peakValue: number;
  /** Peak position in mm (world coordinates through the map's affine). */
  peakMm: [number, number, number];
  /** Peak position in voxel indices (i, j, k). */
  peakVoxel: [number, number, number];
  /** Atlas region at the peak, when an atlas was given and the peak falls in a region. */
  region?: string;
  /** The region's probability (percent for Harvard-Oxford) at the peak; 1 for label atlases. */
  regionProbability?: number;
}

/** The synchronous core of clustersTable, on raw values (Fortran order, i fastest); no atlas. */
export function findClusters(
  values: ArrayLike<number>,
  shape: readonly number[],
  affine: Affine,
  opts: Omit<ClustersTableOptions, 'atlas' | 'mask'> & { mask?: ArrayLike<number> },
): ClusterRow[] {
  const { threshold } = opts;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw new Error(`threshold: expected a finite number, got ${String(threshold)}`);
  const minSize = opts.minSize ?? 1;
  if (!Number.isInteger(minSize) || minSize < 1) throw new Error(`minSize: expected a positive integer, got ${String(minSize)}`);
  const [nx, ny, nz] = shape as [number, number, number];
  const n = nx * ny * nz;
  if (values.length < n) throw new Error(`map: expected ${n} voxels, got ${values.length}`);
  if (opts.mask && opts.mask.length !== n) throw new Error(`mask: expected ${n} voxels, got ${opts.mask.length}`);
  const inside = new Uint8Array(n);
  const labelsBuf = new Int32Array(n),
    queue = new Int32Array(n);
  const rows: Omit<ClusterRow, 'id'>[] = [];
  for (const sign of opts.twoSided ? ([1, -1] as const) : ([1] as const)) {
    for (let v = 0; v < n; v++) inside[v] = sign * values[v]! > threshold && (!opts.mask || opts.mask[v] !== 0) ? 1 : 0;
    const { labels, count, sizes } = labelComponents(inside, shape, { connectivity: opts.connectivity ?? 6, out: labelsBuf, queue });
    const peakAt = new Int32Array(count).fill(-1);
    for (let v = 0; v < n; v++) {
      const c = labels[v]! - 1;
      if (c < 0) continue;
      if (peakAt[c]! < 0 || sign * values[v]! > sign * values[peakAt[c]!]!) peakAt[c] = v;
    }
    for (let c = 0; c < count; c++) {
      if (sizes[c]! < minSize) continue;
      const v = peakAt[c]!;
      const k = Math.floor(v / (nx * ny)),
        j = Math.floor((v - k * nx * ny) / nx),
        i = v - nx * (j + ny * k);
      const mm = [0, 1, 2].map((r) => affine[r]![0]! * i + affine[r]![1]! * j + affine[r]![2]! * k + affine[r]![3]!);
      rows.push({ size: sizes[c]!, sign, peakValue: values[v]!, peakMm: mm as [number, number, number], peakVoxel: [i, j, k] });
    }
  }
  rows.sort((a, b) => Math.abs(b.peakValue) - Math.abs(a.peakValue) || b.size - a.size);
  return rows.map((r, idx) => ({ id: idx + 1, ...r }));
}

/**
 * One row per cluster of supra-threshold voxels in a 3-D statistical map: size, signed peak value,
 * peak mm and voxel coordinates, and (with `atlas`) the region at the peak. Sorted by |peak|.
 */
export async function clustersTable(map: ImgLike, opts: ClustersTableOptions): Promise<ClusterRow[]> {
  if (!opts || typeof opts !== 'object') throw new Error('options: expected { threshold, ... }');
  const img: NiftiImage = await loadImg(map, {}, 'map');
  img.assertNumeric('map');
  if (img.nVolumes !== 1) throw new Error(`map: expected a 3-D image, got shape [${img.shape.join(', ')}]`);
  let mask: ArrayLike<number> | undefined;
  if (opts.mask !== undefined) {
    const m = await loadImg(opts.mask, {}, 'mask');
    const a = spatialShape(img),
      b = spatialShape(m);
    if (a.some((s, d) => s !== b[d])) throw new Error(`mask: shape [${b.join(', ')}] differs from the map's [${a.join(', ')}]`);
    mask = m.data;
  }
  const rows = findClusters(img.data, spatialShape(img), img.affine, { ...opts, mask });
  if (opts.atlas && rows.length > 0) {
    const hits = await atlasRegionsAt(
      rows.map((r) => r.peakMm),
      opts.atlas,
    );
    rows.forEach((r, idx) => {
      const hit = hits[idx];
      if (hit) {
        r.region = hit.region;
        r.regionProbability = hit.probability;
      }
    });
  }
  return rows;
}
