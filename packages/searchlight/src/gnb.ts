// GaussianNB in closed form. Per fold, the class means and variances of every column are
// computed once; a sphere's model is just its columns' statistics. Per fold we also tabulate,
// for every column and test sample, (x - mean_c)^2 / var_c, so a sphere's log-likelihoods are
// sums of contiguous rows; with two classes only the difference of the two terms is kept (the
// decision needs no more), halving the sums. The variance smoothing (a tiny fraction of the sphere's largest
// variance) is left out of the table; a bound on what it could change flags the rare test
// samples whose decision is that close, and those are recomputed exactly.
import type { ComputePlan } from './compute.js';
import { sharedArray } from './queue.js';

/** The parts of a plan GaussianNB's per-fold statistics and table read: data, folds, classes and standardization. */
export type GnbStatsInput = Pick<ComputePlan, 'X' | 'nSamples' | 'nColumns' | 'folds' | 'codes' | 'nClasses' | 'shift' | 'scale'>;

/**
 * Values per column: K means, K variances, the overall variance, K log(2 pi var), and (filled by
 * the table builders) the largest sum over classes of (x - mean_c)^2 / var_c among the fold's test samples.
 */
export const gnbStride = (K: number) => 3 * K + 2;

/** Table values per test sample: the class-1 minus class-0 term with two classes, one per class otherwise. */
export const gnbTableWidth = (K: number) => (K === 2 ? 1 : K);

/**
 * One column's table row for one fold: for each test sample x' = (X - shift) * scale, the terms
 * (x' - mean_c)^2 * inv_c (or, with two classes, class 1's minus class 0's). Returns the largest
 * sum of the terms over the classes, which bounds what the left-out variance smoothing can change.
 */
export function writeTableRow(
  X: Float64Array,
  xb: number,
  test: Int32Array,
  shift: number,
  scale: number,
  mean: Float64Array,
  inv: Float64Array,
  K: number,
  table: Float64Array,
  at: number,
): number {
  let bound = 0;
  const nTest = test.length;
  if (K === 2) {
    const m0 = mean[0]!,
      m1 = mean[1]!,
      i0 = inv[0]!,
      i1 = inv[1]!;
    for (let t = 0; t < nTest; t++) {
      const x = (X[xb + test[t]!]! - shift) * scale;
      const d0 = x - m0,
        d1 = x - m1;
      const q0 = d0 * d0 * i0,
        q1 = d1 * d1 * i1;
      table[at + t] = q1 - q0;
      if (q0 + q1 > bound) bound = q0 + q1;
    }
    return bound;
  }
  for (let t = 0; t < nTest; t++) {
    const x = (X[xb + test[t]!]! - shift) * scale;
    let sum = 0;
    for (let c = 0; c < K; c++) {
      const d = x - mean[c]!;
      const q = d * d * inv[c]!;
      table[at + t * K + c] = q;
      sum += q;
    }
    if (sum > bound) bound = sum;
  }
  return bound;
}

/**
 * Per fold: nColumns * stride column statistics (population variances, in the standardized
 * space when standardizing), then K log priors.
 */
export function gnbStatistics(plan: GnbStatsInput): Float64Array {
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

/**
 * The (x - mean)^2 / var table per fold (layout: gnbTableWidth), column-major rows of nTest * width;
 * empty when too large or a variance is 0. Also fills each column's bound slot in `stats`.
 */
export function gnbTable(plan: GnbStatsInput, stats: Float64Array): { table: Float64Array; foldOffsets: Int32Array } {
  const { X, nSamples, nColumns, folds, nClasses: K, shift, scale } = plan;
  const stride = gnbStride(K);
  const width = gnbTableWidth(K);
  const perFold = nColumns * stride + K;
  const foldOffsets = new Int32Array(folds.length + 1);
  for (let f = 0; f < folds.length; f++) foldOffsets[f + 1] = foldOffsets[f]! + nColumns * folds[f]!.test.length * width;
  const total = foldOffsets[folds.length]!;
  for (let f = 0; f < folds.length; f++) {
    for (let col = 0; col < nColumns; col++) {
      for (let c = 0; c < K; c++) if (!(stats[f * perFold + col * stride + K + c]! > 0)) return { table: new Float64Array(0), foldOffsets };
    }
  }
  if (total > MAX_TABLE_VALUES) return { table: new Float64Array(0), foldOffsets };
  const table = sharedArray(Float64Array, total);
  const standardize = shift.length > 0;
  const mean = new Float64Array(K),
    inv = new Float64Array(K);
  for (let f = 0; f < folds.length; f++) {
    const test = folds[f]!.test;
    const rowLength = test.length * width;
    for (let col = 0; col < nColumns; col++) {
      const st = f * perFold + col * stride;
      for (let c = 0; c < K; c++) {
        mean[c] = stats[st + c]!;
        inv[c] = 1 / stats[st + K + c]!;
      }
      const m = standardize ? shift[f * nColumns + col]! : 0,
        sc = standardize ? scale[f * nColumns + col]! : 1;
      stats[st + 3 * K + 1] = writeTableRow(X, col * nSamples, test, m, sc, mean, inv, K, table, foldOffsets[f]! + col * rowLength);
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
    const { nColumns, nClasses: K, sphereIndices, gnbStats: stats, gnbTable: table } = this.plan;
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
    if (table.length === 0) {
      this.predictExact(lo, hi, f, test, predicted, eps, 0, nTest);
      return;
    }
    const priorsAt = foldBase + nColumns * stride;
    const { jll, classTerm, minVar } = this;
    let bound = 0;
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
    for (let j = lo; j < hi; j++) bound += stats[foldBase + sphereIndices[j]! * stride + 3 * K + 1]!;
    this.sumRows(lo, hi, f, nTest * gnbTableWidth(K));
    const p = hi - lo;
    if (K === 2) {
      // Leaving eps out moves class c's log-likelihood by at most eps/minVar_c * (Q_c + p) / 2,
      // with Q_c = sum of its (x - mean)^2 / var terms, and Q_0 + Q_1 <= bound.
      const base = classTerm[1]! - classTerm[0]!;
      const err = (0.5 * eps * (bound + 2 * p)) / Math.min(minVar[0]!, minVar[1]!);
      const margin = err + 1e-12 * (Math.abs(classTerm[0]!) + Math.abs(classTerm[1]!) + bound + 1);
      for (let t = 0; t < nTest; t++) {
        const v = base - 0.5 * jll[t]!;
        if (v > margin) predicted[t] = 1;
        else if (v < -margin) predicted[t] = 0;
        else this.predictExact(lo, hi, f, test, predicted, eps, t, t + 1);
      }
      return;
    }
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

  /** jll[0, rowLength) = the sum of the sphere's table rows for fold f, four rows per pass. */
  private sumRows(lo: number, hi: number, f: number, rowLength: number): void {
    const { sphereIndices, gnbTable: table, gnbTableOffsets } = this.plan;
    const jll = this.jll;
    const foldAt = gnbTableOffsets[f]!;
    jll.fill(0, 0, rowLength);
    let j = lo;
    for (; j + 3 < hi; j += 4) {
      const a = foldAt + sphereIndices[j]! * rowLength,
        b = foldAt + sphereIndices[j + 1]! * rowLength,
        c = foldAt + sphereIndices[j + 2]! * rowLength,
        d = foldAt + sphereIndices[j + 3]! * rowLength;
      for (let o = 0; o < rowLength; o++) jll[o] = jll[o]! + (table[a + o]! + table[b + o]!) + (table[c + o]! + table[d + o]!);
    }
    for (; j < hi; j++) {
      const a = foldAt + sphereIndices[j]! * rowLength;
      for (let o = 0; o < rowLength; o++) jll[o] = jll[o]! + table[a + o]!;
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
