// From subject map files to nilearn-named output images and a clusters table with corrected p
// values and atlas names: what `neurodecode group` writes.
import type { NiftiImage } from '@neurodecode/nifti-io';
import { findClusters, atlasRegionsAt, type AtlasSpec, type ClusterRow, type ImgLike } from '@neurodecode/image-ops';
import { permutedOls, type PermutationOptions, type PermutationResult } from './permutation.js';
import { loadStack, unmask, type StackOptions, type SubjectStack } from './stack.js';

/**
 * Options of {@link groupInference}: loading (chance level, paired maps), the permutation
 * inference ({@link PermutationOptions}) and an atlas to name cluster peaks.
 */
export interface GroupOptions extends PermutationOptions, StackOptions {
  /** Name cluster peaks from this atlas (maps must be in its space, e.g. MNI for Harvard-Oxford). */
  atlas?: AtlasSpec;
}

/** One row of the clusters table: the cluster's extent and peak with its corrected p values. */
export interface GroupClusterRow extends ClusterRow {
  /** FWE-corrected cluster-size p value. */
  pSize: number;
  /** FWE-corrected cluster-mass p value. */
  pMass: number;
  /** Voxel-level FWE p at the peak (max-t). */
  pPeak: number;
}

/** What {@link groupInference} returns: the output images, the clusters table and the raw results. */
export interface GroupResult {
  /** Output images under nilearn's names: t, logp_max_t, and when computed size, mass, tfce, logp_max_*. */
  images: Record<string, NiftiImage>;
  /** Clusters at the cluster-forming threshold, strongest peak first (empty without a threshold). */
  clusters: GroupClusterRow[];
  /** The permutation results in mask order (nulls, dof, scheme...). */
  stats: PermutationResult;
  /** The loaded maps and mask. */
  stack: SubjectStack;
}

/** Maps a nilearn output name to the result field holding it. */
export const OUTPUT_MAPS = {
  t: 't',
  logp_max_t: 'logpMaxT',
  size: 'size',
  logp_max_size: 'logpMaxSize',
  mass: 'mass',
  logp_max_mass: 'logpMaxMass',
  tfce: 'tfce',
  logp_max_tfce: 'logpMaxTfce',
} as const;

/**
 * Group inference on subject maps, as nilearn's `non_parametric_inference`: load and check the
 * maps ({@link loadStack}), run {@link permutedOls}, put each map back on the mask's grid under
 * nilearn's output names ({@link OUTPUT_MAPS}; `size` as int32), and, with a cluster-forming
 * `threshold`, list the clusters of the t map (face connectivity) with their corrected p values
 * and, with `atlas`, the region at each peak. Writes nothing.
 * @throws Error naming the argument for bad maps, mask, chance level, design or options.
 */
export async function groupInference(maps: readonly ImgLike[], mask: ImgLike, opts: GroupOptions = {}): Promise<GroupResult> {
  const stack = await loadStack(maps, mask, opts);
  const stats = await permutedOls(stack.Y, stack.n, stack.graph, opts);
  const images: Record<string, NiftiImage> = {};
  for (const [name, key] of Object.entries(OUTPUT_MAPS)) {
    const values = stats[key];
    if (values) images[name] = unmask(values, stack, name === 'size' ? Int32Array : Float64Array);
  }
  const clusters: GroupClusterRow[] = [];
  if (stats.clusters && stats.thresholdT !== undefined) {
    const m = stack.mask;
    const tGrid = images.t!.data;
    const rows = findClusters(tGrid, m.shape.slice(0, 3), m.affine, { threshold: stats.thresholdT, twoSided: opts.twoSided ?? false });
    const maskIndex = new Map<number, number>();
    stack.graph.gridIndex.forEach((g, v) => maskIndex.set(g, v));
    const [nx, ny] = m.shape as [number, number];
    for (const row of rows) {
      const [i, j, k] = row.peakVoxel;
      const v = maskIndex.get(i + nx * (j + ny * k))!;
      const c = stats.clusters.labels[v]! - 1;
      clusters.push({ ...row, pSize: stats.clusters.pSize[c]!, pMass: stats.clusters.pMass[c]!, pPeak: 10 ** -stats.logpMaxT[v]! });
    }
    if (opts.atlas && clusters.length > 0) {
      const hits = await atlasRegionsAt(
        clusters.map((r) => r.peakMm),
        opts.atlas,
      );
      clusters.forEach((r, idx) => {
        const hit = hits[idx];
        if (hit) {
          r.region = hit.region;
          r.regionProbability = hit.probability;
        }
      });
    }
  }
  return { images, clusters, stats, stack };
}

/** The clusters table as TSV (one header line, one row per cluster). */
export function clustersTsv(rows: readonly GroupClusterRow[]): string {
  const header = [
    'cluster',
    'size',
    'peak_value',
    'peak_x',
    'peak_y',
    'peak_z',
    'peak_i',
    'peak_j',
    'peak_k',
    'p_fwe_size',
    'p_fwe_mass',
    'p_fwe_peak',
    'region',
    'region_probability',
  ];
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
  const lines = rows.map((r) =>
    [
      r.id,
      r.size,
      fmt(r.peakValue),
      ...r.peakMm.map(fmt),
      ...r.peakVoxel,
      fmt(r.pSize),
      fmt(r.pMass),
      fmt(r.pPeak),
      r.region ?? '',
      r.regionProbability ?? '',
    ].join('\t'),
  );
  return [header.join('\t'), ...lines].join('\n') + '\n';
}
