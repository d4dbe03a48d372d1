// GaussianNB in closed form. Per fold, the class means and variances of every column are
// computed once; a sphere's model is just its columns' statistics. Per fold we also tabulate,
// for every column and test sample, (x - mean_c)^2 / var_c, so a sphere's log-likelihoods are
// sums of contiguous rows. The variance smoothing (a tiny fraction of the sphere's largest
// variance) is left out of the table; a bound on what it could change flags the rare test
// samples whose decision is that close, and those are recomputed exactly.
import type { ComputePlan } from './compute.js';
import { sharedArray } from './queue.js';

type StatsInput = Pick<ComputePlan, 'X' | 'nSamples' | 'nColumns' | 'folds' | 'codes' | 'nClasses' | 'shift' | 'scale'>;

/** Values per column: K means, K variances, the overall variance, K log(2 pi var). */
export const gnbStride = (K: number) => 3 * K + 1;

/**
 * Per fold: nColumns * stride column statistics (population variances, in the standardized
 * space when standardizing), then K log priors.
 */
export function gnbStatistics(plan: StatsInput): Float64Array {
  const { X, nSamples, nColumns, folds, codes, nClasses: K, shift, scale } = plan;
  const stride = gnbStride(K);
  const perFold = nColumns * stride + K;
  const out = sharedArray(Float64Array, folds.length * perFold);
  const counts = new Float64Array(K);
  const sums = new Float64Array(K);
  const standardize = shift.length > 0;
  for (let f = 0; f < folds.length; f++) {
    const train = folds[f]!.train;
    const base = f * perFold;
    counts.fill(0);
    for (let i = 0; i < train.length; i++) counts[codes[train[i]!]!]!++;
    for (let c = 0; c < K; c++) out[base + nColumns * stride + c] = Math.log(counts[c]! / train.length);
    for (let col = 0; col < nColumns; col++) {
      const xb = col * nSamples;
      const m = standardize ? shift[f * nColumns + col]! : 0,
        sc = standardize ? scale[f * nColumns + col]! : 1;
      sums.fill(0);
      let total = 0;
      for (let i = 0; i < train.length; i++) {
        const s = train[i]!;
        const v = (X[xb + s]! - m) * sc;
        sums[codes[s]!] += v;
        total += v;
      }
      const st = base + col * stride;
      const mean = total / train.length;
      for (let c = 0; c < K; c++) out[st + c] = sums[c]! / counts[c]!;
      let totalSq = 0;
      for (let i = 0; i < train.length; i++) {
        const s = train[i]!;
        const v = (X[xb + s]! - m) * sc;
        const d = v - out[st + codes[s]!]!;
        out[st + K + codes[s]!] += d * d;
        totalSq += (v - mean) * (v - mean);
      }
      for (let c = 0; c < K; c++) {
        out[st + K + c] = out[st + K + c]! / counts[c]!;
        out[st + 2 * K + 1 + c] = Math.log(2 * Math.PI * out[st + K + c]!);
      }
      out[st + 2 * K] = totalSq / train.length;
    }
  }
  return out;
}

/** Largest table (in values) worth building; beyond it spheres are evaluated directly. */
const MAX_TABLE_VALUES = 48 * 2 ** 20;

/** The (x - mean)^2 / var table per fold: column-major rows of nTest * K; empty when too large or a variance is 0. */
export function gnbTable(plan: StatsInput, stats: Float64Array): { table: Float64Array; foldOffsets: Int32Array } {
  const { X, nSamples, nColumns, folds, nClasses: K, shift, scale } = plan;
  const stride = gnbStride(K);
  const perFold = nColumns * stride + K;
  const foldOffsets = new Int32Array(folds.length + 1);
  for (let f = 0; f < folds.length; f++) foldOffsets[f + 1] = foldOffsets[f]! + nColumns * folds[f]!.test.length * K;
  const total = foldOffsets[folds.length]!;
  for (let f = 0; f < folds.length; f++) {
    for (let col = 0; col < nColumns; col++) {
      for (let c = 0; c < K; c++) if (!(stats[f * perFold + col * stride + K + c]! > 0)) return { table: new Float64Array(0), foldOffsets };
    }
  }
  if (total > MAX_TABLE_VALUES) return { table: new Float64Array(0), foldOffsets };
  const table = sharedArray(Float64Array, total);
  const standardize = shift.length > 0;
  for (let f = 0; f < folds.length; f++) {
    const test = folds[f]!.test;
    const rowLength = test.length * K;
    for (let col = 0; col < nColumns; col++) {
      const xb = col * nSamples;
      const st = f * perFold + col * stride;
      const m = standardize ? shift[f * nColumns + col]! : 0,
        sc = standardize ? scale[f * nColumns + col]! : 1;
      const at = foldOffsets[f]! + col * rowLength;
      for (let t = 0; t < test.length; t++) {
        const x = (X[xb + test[t]!]! - m) * sc;
        for (let c = 0; c < K; c++) {
          const d = x - stats[st + c]!;
          table[at + t * K + c] = (d * d) / stats[st + K + c]!;
        }
      }
    }
  }
  return { table, foldOffsets };
}

/** Gaussian naive Bayes predictions for one sphere and fold from precomputed per-voxel class statistics. */
export class GnbPredictor {
  private readonly jll: Float64Array;
  private readonly classTerm: Float64Array;
  private readonly minVar: Float64Array;
  private readonly mean: Float64Array;
  private readonly half: Float64Array;

  constructor(
    private readonly plan: ComputePlan,
    maxTest: number,
  ) {
    const K = plan.nClasses;
    this.jll = new Float64Array(maxTest * K);
    this.classTerm = new Float64Array(K);
    this.minVar = new Float64Array(K);
    this.mean = new Float64Array(K);
    this.half = new Float64Array(K);
  }

  /** Predicted class codes of fold f's test samples from the sphere's columns [lo, hi). */
  predict(lo: number, hi: number, f: number, test: Int32Array, predicted: Int32Array): void {
    const { nColumns, nClasses: K, sphereIndices, gnbStats: stats, gnbTable: table, gnbTableOffsets } = this.plan;
    const stride = gnbStride(K);
    const foldBase = f * (nColumns * stride + K);
    const smoothing = Number(this.plan.params.varSmoothing ?? 1e-9);
    let maxVar = 0;
    for (let j = lo; j < hi; j++) {
      const v = stats[foldBase + sphereIndices[j]! * stride + 2 * K]!;
      if (v > maxVar) maxVar = v;
    }
    const eps = smoothing * maxVar;
    const nTest = test.length;
    if (table.length === 0) return this.predictExact(lo, hi, f, test, predicted, eps, 0, nTest);
    const priorsAt = foldBase + nColumns * stride;
    const { jll, classTerm, minVar } = this;
    for (let c = 0; c < K; c++) {
      let s = 0,
        mv = Infinity;
      for (let j = lo; j < hi; j++) {
        const st = foldBase + sphereIndices[j]! * stride;
        s += stats[st + 2 * K + 1 + c]!;
        const v = stats[st + K + c]!;
        if (v < mv) mv = v;
      }
      classTerm[c] = stats[priorsAt + c]! - 0.5 * s;
      minVar[c] = mv;
    }
    const rowLength = nTest * K;
    jll.fill(0, 0, rowLength);
    const foldAt = gnbTableOffsets[f]!;
    for (let j = lo; j < hi; j++) {
      const at = foldAt + sphereIndices[j]! * rowLength;
      for (let o = 0; o < rowLength; o++) jll[o] = jll[o]! + table[at + o]!;
    }
    const p = hi - lo;
    for (let t = 0; t < nTest; t++) {
      let best = 0,
        bestValue = -Infinity,
        second = -Infinity,
        secondClass = 0;
      for (let c = 0; c < K; c++) {
        const v = classTerm[c]! - 0.5 * jll[t * K + c]!;
        if (v > bestValue) {
          second = bestValue;
          secondClass = best;
          bestValue = v;
          best = c;
        } else if (v > second) {
          second = v;
          secondClass = c;
        }
      }
      // Leaving eps out moves class c's log-likelihood by at most eps/minVar * (sum + p) / 2.
      const errBest = (0.5 * eps * (jll[t * K + best]! + p)) / minVar[best]!;
      const errSecond = K > 1 ? (0.5 * eps * (jll[t * K + secondClass]! + p)) / minVar[secondClass]! : 0;
      const rounding = 1e-12 * (Math.abs(bestValue) + Math.abs(second) + 1);
      if (K > 1 && bestValue - second <= errBest + errSecond + rounding) this.predictExact(lo, hi, f, test, predicted, eps, t, t + 1);
      else predicted[t] = best;
    }
  }

  /** GaussianNB's log-likelihoods with the smoothing included, for test samples [from, to). */
  private predictExact(
    lo: number,
    hi: number,
    f: number,
    test: Int32Array,
    predicted: Int32Array,
    eps: number,
    from: number,
    to: number,
  ): void {
    const { X, nSamples, nColumns, nClasses: K, sphereIndices, shift, scale, gnbStats: stats } = this.plan;
    const stride = gnbStride(K);
    const foldBase = f * (nColumns * stride + K);
    const priorsAt = foldBase + nColumns * stride;
    const { jll, classTerm, mean, half } = this;
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = lo; j < hi; j++) s += Math.log(2 * Math.PI * (stats[foldBase + sphereIndices[j]! * stride + K + c]! + eps));
      classTerm[c] = stats[priorsAt + c]! - 0.5 * s;
    }
    jll.fill(0, from * K, to * K);
    const standardize = shift.length > 0;
    for (let j = lo; j < hi; j++) {
      const col = sphereIndices[j]!;
      const base = col * nSamples;
      const st = foldBase + col * stride;
      const m = standardize ? shift[f * nColumns + col]! : 0,
        sc = standardize ? scale[f * nColumns + col]! : 1;
      for (let c = 0; c < K; c++) {
        mean[c] = stats[st + c]!;
        half[c] = 0.5 / (stats[st + K + c]! + eps);
      }
      for (let t = from; t < to; t++) {
        const x = (X[base + test[t]!]! - m) * sc;
        for (let c = 0; c < K; c++) {
          const d = x - mean[c]!;
          jll[t * K + c] = jll[t * K + c]! + d * d * half[c]!;
        }
      }
    }
    for (let t = from; t < to; t++) {
      let best = 0,
        bestValue = -Infinity;
      for (let c = 0; c < K; c++) {
        const v = classTerm[c]! - jll[t * K + c]!;
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      predicted[t] = best;
    }
  }
}
