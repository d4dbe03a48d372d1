// Stelzer and prevalence inference from files: subject maps plus each subject's 4-D null maps in,
// named output images and a summary out.
import type { NiftiImage } from '@neurodecode/nifti-io';
import { atlasRegionsAt, findClusters, type AtlasSpec, type ImgLike } from '@neurodecode/image-ops';
import { loadNullStack } from './null-stack.js';
import { prevalence } from './prevalence.js';
import { stelzer } from './stelzer.js';
import { unmask } from './stack.js';

/** Inputs and settings of {@link runNullMethod}. */
export interface NullMethodOptions {
  /** One 3-D map per subject (paths or images). */
  maps: readonly ImgLike[];
  /** One 4-D file of permutation maps per subject, in the order of `maps`. */
  nullMaps: readonly ImgLike[];
  /** 3-D mask on the maps' grid. */
  mask: ImgLike;
  /** Value subtracted from every map and null map (default 0). */
  chance?: number;
  /** stelzer: bootstrap draws; prevalence: second-level permutations. */
  nPerm?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
  /** stelzer: voxel-wise cluster-forming p. */
  threshold?: number;
  /** prevalence: the prevalence threshold (default 0.5). */
  gamma0?: number;
  /** prevalence: the significance level (default 0.05). */
  alpha?: number;
  /** stelzer: name cluster peaks from this atlas (maps in its space). */
  atlas?: AtlasSpec;
  /** Progress of the draws or permutations, at most every 100 ms. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link runNullMethod} returns: images on the mask's grid, a clusters table and a JSON summary. */
export interface NullMethodResult {
  /**
   * prevalence: `min`, `logp_global[_uncorrected]`, `logp_majority[_uncorrected]`,
   * `gamma0_max[_uncorrected]` (p maps as -log10 p); stelzer: `mean`, `logp_voxel`, `clusters`
   * (int32 labels), `logp_cluster`, `significant` (1 in FDR-significant clusters).
   */
  images: Record<string, NiftiImage>;
  /** stelzer only: one row per cluster, smallest p first, with its peak and atlas region. */
  clustersTsv?: string;
  /** Counts, settings and (stelzer) the clusters, snake_case for the CLI's JSON. */
  summary: Record<string, unknown>;
}

const logp = (p: Float64Array) => p.map((x) => -Math.log10(x));

/**
 * Stelzer or prevalence inference from files, as `neurodecode group --method stelzer|prevalence`
 * runs it: load the maps and null maps ({@link loadNullStack}), run {@link stelzer} or
 * {@link prevalence}, and put the results back on the mask's grid. Writes nothing.
 * @throws Error naming the argument when the maps, null maps or mask do not match, or a setting is out of range.
 */
export async function runNullMethod(method: 'stelzer' | 'prevalence', o: NullMethodOptions): Promise<NullMethodResult> {
  const st = await loadNullStack(o.maps, o.nullMaps, o.mask, { chance: o.chance });
  const V = st.graph.nVoxels;
  const base = { n_subjects: st.n, n_voxels: V, null_maps_per_subject: st.counts };
  if (method === 'prevalence') {
    const r = await prevalence(
      { observed: st.Y, nulls: st.nulls, counts: st.counts, V },
      {
        nPerm: o.nPerm,
        seed: o.seed,
        gamma0: o.gamma0,
        alpha: o.alpha,
        onProgress: o.onProgress,
      },
    );
    const images = {
      min: unmask(r.minStat, st),
      logp_global_uncorrected: unmask(logp(r.pGlobalUncorrected), st),
      logp_global: unmask(logp(r.pGlobal), st),
      logp_majority_uncorrected: unmask(logp(r.pMajorityUncorrected), st),
      logp_majority: unmask(logp(r.pMajority), st),
      gamma0_max_uncorrected: unmask(r.gamma0MaxUncorrected, st),
      gamma0_max: unmask(r.gamma0Max, st),
    };
    const count = (p: Float64Array) => p.reduce((n, x) => n + (x <= r.alpha ? 1 : 0), 0);
    return {
      images,
      summary: {
        ...base,
        n_perm: r.nPerm,
        gamma0: r.gamma0,
        alpha: r.alpha,
        significant_voxels: {
          global: count(r.pGlobal),
          majority: count(r.pMajority),
          global_uncorrected: count(r.pGlobalUncorrected),
          majority_uncorrected: count(r.pMajorityUncorrected),
        },
        largest_gamma0: Math.max(0, ...r.gamma0Max),
        largest_gamma0_uncorrected: Math.max(0, ...r.gamma0MaxUncorrected),
      },
    };
  }
  // Stelzer works on the subjects' maps themselves (accuracies), averaged; chance only shifts them.
  const r = await stelzer(
    { observed: st.Y, nulls: st.nulls, counts: st.counts, graph: st.graph },
    {
      nDraws: o.nPerm,
      seed: o.seed,
      threshold: o.threshold,
      onProgress: o.onProgress,
    },
  );
  const clusterPMap = new Float64Array(V),
    sigMap = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    const c = r.labels[v]! - 1;
    if (c < 0) continue;
    clusterPMap[v] = -Math.log10(r.clusterP[c]!);
    sigMap[v] = r.significant[c] ? 1 : 0;
  }
  const images = {
    mean: unmask(r.mean, st),
    logp_voxel: unmask(logp(r.pVoxel), st),
    clusters: unmask(r.labels, st, Int32Array),
    logp_cluster: unmask(clusterPMap, st),
    significant: unmask(sigMap, st),
  };
  // Clusters table: peaks of the mean map within each observed cluster.
  const grid = images.mean.data;
  const labelsGrid = images.clusters.data;
  const shape = st.mask.shape.slice(0, 3);
  const rows = r.clusterSizes
    .map((size, c) => {
      const only = Float64Array.from(grid, (x, g) => (labelsGrid[g] === c + 1 ? x : -Infinity));
      const [row] = findClusters(only, shape, st.mask.affine, { threshold: -1e300 });
      return { ...row!, id: c + 1, size, p: r.clusterP[c]!, significant: r.significant[c]! };
    })
    .sort((a, b) => a.p - b.p || b.size - a.size);
  const hits =
    o.atlas && rows.length
      ? await atlasRegionsAt(
          rows.map((x) => x.peakMm),
          o.atlas,
        )
      : [];
  const header = 'cluster\tsize\tpeak_value\tpeak_x\tpeak_y\tpeak_z\tp_cluster\tfdr_significant\tregion';
  const tsv =
    [
      header,
      ...rows.map((x, i) =>
        [x.id, x.size, x.peakValue.toPrecision(6), ...x.peakMm, x.p.toPrecision(6), x.significant ? 1 : 0, hits[i]?.region ?? ''].join(
          '\t',
        ),
      ),
    ].join('\n') + '\n';
  return {
    images,
    clustersTsv: tsv,
    summary: {
      ...base,
      n_draws: r.nDraws,
      significant_voxels: {
        voxel: r.pVoxel.reduce((n, p) => n + (p < (o.threshold ?? 0.001) ? 1 : 0), 0),
        fdr_clusters: sigMap.reduce((a, b) => a + b, 0),
      },
      cluster_size_threshold: r.sizeThreshold ?? null,
      clusters: rows.map((x, i) => ({
        id: x.id,
        size: x.size,
        peak_value: x.peakValue,
        peak_mm: x.peakMm,
        p_cluster: x.p,
        fdr_significant: x.significant,
        region: hits[i]?.region,
      })),
    },
  };
}
