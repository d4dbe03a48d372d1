// Allefeld, Görgen & Haynes (2016) population prevalence inference. The statistic is the minimum
// over subjects of their maps; its null comes from second-level permutations that pick one
// first-level permutation map per subject (the first second-level permutation is the neutral one:
// every subject's observed map). From the global-null p (all subjects at chance) follows, for a
// prevalence threshold gamma0, the majority-null p = ((1 - gamma0) pGN^(1/n) + gamma0)^n, and the
// largest gamma0 still rejected at alpha: (alpha^(1/n) - pGN^(1/n)) / (1 - pGN^(1/n)). Both
// uncorrected (per voxel) and FWE-corrected (max over voxels of the minimum) versions.
import { yieldToEventLoop } from './pool.js';
import { subjectDraws } from './rng.js';

/** The maps {@link prevalence} works on, all in one mask's order (see {@link NullStack}). */
export interface PrevalenceInput {
  /** observed[s * V + v]. */
  observed: Float64Array;
  /** nulls[s][k * V + v]: subject s's first-level permutation maps (the observed map excluded). */
  nulls: readonly Float32Array[];
  /** Number of permutation maps of each subject. */
  counts: readonly number[];
  /** Number of mask voxels. */
  V: number;
}

/** Options of {@link prevalence}. */
export interface PrevalenceOptions {
  /** Second-level permutations, the neutral one included (default 10000). */
  nPerm?: number;
  /** Seed of the second-level draws (default 0). */
  seed?: number;
  /** Prevalence threshold for the majority-null p map (default 0.5). */
  gamma0?: number;
  /** Significance level for the largest rejected gamma0 (default 0.05). */
  alpha?: number;
  /** Called at most every 100 ms with permutations done and `nPerm`. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link prevalence} returns; maps in mask order. */
export interface PrevalenceResult {
  /** Minimum over subjects of the observed maps. */
  minStat: Float64Array;
  /** Global-null p, uncorrected and FWE-corrected. */
  pGlobalUncorrected: Float64Array;
  /** Global-null p, FWE-corrected (against the null of the maximum over voxels). */
  pGlobal: Float64Array;
  /** Majority-null p for gamma0, uncorrected and FWE-corrected. */
  pMajorityUncorrected: Float64Array;
  /** Majority-null p for gamma0, FWE-corrected. */
  pMajority: Float64Array;
  /** Largest gamma0 rejected at alpha (0 where even the global null is not rejected), uncorrected and corrected. */
  gamma0MaxUncorrected: Float64Array;
  /** Largest gamma0 rejected at alpha, FWE-corrected. */
  gamma0Max: Float64Array;
  /** Null of the maximum over voxels of the minimum statistic, one per permutation. */
  h0MaxMin: Float64Array;
  /** Second-level permutations, the neutral one included. */
  nPerm: number;
  /** Number of subjects. */
  nSubjects: number;
  /** The prevalence threshold used. */
  gamma0: number;
  /** The significance level used. */
  alpha: number;
}

/** First-level map chosen for each subject in second-level permutation j (0 = observed, k + 1 = null k). */
export function prevalenceDraws(counts: readonly number[], nPerm: number, seed: number): Int32Array {
  return subjectDraws(
    counts.map((c) => c + 1),
    nPerm,
    seed,
    1,
  );
}

/**
 * Allefeld et al.'s majority-null p for prevalence threshold `gamma0` from the global-null p of
 * the minimum statistic over `n` subjects: ((1 - gamma0) pGlobal^(1/n) + gamma0)^n.
 */
export function majorityNullP(pGlobal: number, n: number, gamma0: number): number {
  return ((1 - gamma0) * pGlobal ** (1 / n) + gamma0) ** n;
}

/**
 * The largest prevalence threshold gamma0 still rejected at `alpha`, given the global-null p over
 * `n` subjects: (alpha^(1/n) - pGlobal^(1/n)) / (1 - pGlobal^(1/n)), or 0 when even the global
 * null is not rejected (pGlobal > alpha) or pGlobal is 1.
 */
export function largestGamma0(pGlobal: number, n: number, alpha: number): number {
  const a = alpha ** (1 / n),
    p = pGlobal ** (1 / n);
  return p <= a && p < 1 ? (a - p) / (1 - p) : 0;
}

/**
 * Allefeld, Görgen & Haynes (2016) population prevalence inference: the minimum over subjects of
 * their maps, tested against second-level permutations that pick one first-level map per subject
 * (the first permutation is the neutral one, every subject's observed map). Gives the global-null
 * and majority-null p maps and the largest gamma0 rejected, each uncorrected (per voxel) and
 * FWE-corrected (max over voxels of the minimum).
 * @throws Error naming `subjects` (fewer than 2), `nPerm`, `gamma0` (outside [0, 1)) or `alpha` (outside (0, 1)).
 */
export async function prevalence(input: PrevalenceInput, opts: PrevalenceOptions = {}): Promise<PrevalenceResult> {
  const { observed, nulls, counts, V } = input;
  const S = counts.length;
  if (S < 2) throw new Error(`subjects: prevalence inference needs at least 2 subjects, got ${S}`);
  const nPerm = opts.nPerm ?? 10000;
  if (!Number.isInteger(nPerm) || nPerm < 1) throw new Error(`nPerm: expected a positive integer, got ${nPerm}`);
  const gamma0 = opts.gamma0 ?? 0.5;
  const alpha = opts.alpha ?? 0.05;
  if (!(gamma0 >= 0 && gamma0 < 1)) throw new Error(`gamma0: expected a prevalence in [0, 1), got ${gamma0}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha: expected a level in (0, 1), got ${alpha}`);
  const draws = prevalenceDraws(counts, nPerm, opts.seed ?? 0);
  const minStat = new Float64Array(V).fill(Infinity);
  for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) minStat[v] = Math.min(minStat[v]!, observed[s * V + v]!);
  const atLeast = new Float64Array(V);
  const h0MaxMin = new Float64Array(nPerm);
  const m = new Float64Array(V);
  let last = Date.now();
  for (let j = 0; j < nPerm; j++) {
    m.fill(Infinity);
    for (let s = 0; s < S; s++) {
      const pick = draws[j * S + s]!;
      if (pick === 0) {
        for (let v = 0; v < V; v++) {
          const x = observed[s * V + v]!;
          if (x < m[v]!) m[v] = x;
        }
      } else {
        const rows = nulls[s]!,
          base = (pick - 1) * V;
        for (let v = 0; v < V; v++) {
          const x = rows[base + v]!;
          if (x < m[v]!) m[v] = x;
        }
      }
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      const x = m[v]!;
      if (x >= minStat[v]!) atLeast[v]!++;
      if (x > max) max = x;
    }
    h0MaxMin[j] = max;
    if (Date.now() - last > 100) {
      opts.onProgress?.(j + 1, nPerm);
      last = Date.now();
      await yieldToEventLoop();
    }
  }
  const sortedMax = Float64Array.from(h0MaxMin).sort();
  const pGlobalUncorrected = atLeast.map((c) => c / nPerm);
  const pGlobal = minStat.map((x) => {
    let lo = 0,
      hi = nPerm; // first index with sortedMax >= x
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedMax[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return (nPerm - lo) / nPerm;
  });
  opts.onProgress?.(nPerm, nPerm);
  return {
    minStat,
    pGlobalUncorrected,
    pGlobal,
    pMajorityUncorrected: pGlobalUncorrected.map((p) => majorityNullP(p, S, gamma0)),
    pMajority: pGlobal.map((p) => majorityNullP(p, S, gamma0)),
    gamma0MaxUncorrected: pGlobalUncorrected.map((p) => largestGamma0(p, S, alpha)),
    gamma0Max: pGlobal.map((p) => largestGamma0(p, S, alpha)),
    h0MaxMin,
    nPerm,
    nSubjects: S,
    gamma0,
    alpha,
  };
}
