// GaussianNB statistics and (x - mean)^2 / var table for permuted labels, in gnb.ts's layout (so
// GnbPredictor scores the spheres unchanged), reusing what the labels do not change. When the
// folds partition the samples (each sample tested once, trained on elsewhere: KFold, LeaveOneGroupOut)
// one pass per column accumulates sums and sums of squares per (test fold, class); a fold's
// training statistics are then the totals minus its own test part. gnbStatistics instead walks the
// training rows twice per fold. Values are centred on their column's mean (label-independent, computed once), so E[x^2] - E[x]^2
// loses no precision to the BOLD baseline; a variance that still cancels to a tiny fraction of its
// second moment is recomputed in two passes. Without a partition, or when standardizing per fold,
// gnb.ts's functions are used.
import type { ComputePlan } from './compute.js';
import { gnbStatistics, gnbStride, gnbTable, gnbTableWidth, writeTableRow } from './gnb.js';
import { sharedArray } from './queue.js';

type GnbTables = Pick<ComputePlan, 'gnbStats' | 'gnbTable' | 'gnbTableOffsets'>;

/** Below this fraction of its second moment a one-pass variance is recomputed in two passes. */
const CANCELLATION = 1e-8;

export class PermutedGnb {
  private readonly foldOf: Int32Array | undefined;
  private readonly colMean: Float64Array;

  constructor(private readonly base: ComputePlan) {
    const { X, nSamples: n, nColumns: V, folds, shift } = base;
    this.foldOf = shift.length === 0 ? partition(folds, n) : undefined;
    this.colMean = new Float64Array(this.foldOf ? V : 0);
    if (!this.foldOf) return;
    for (let col = 0; col < V; col++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[col * n + i]!;
      this.colMean[col] = s / n;
    }
  }

  /** The tables for class codes `codes` (a permutation of the base plan's). */
  build(codes: Int32Array): GnbTables {
    const plan = { ...this.base, codes };
    if (!this.foldOf) {
      const gnbStats = gnbStatistics(plan);
      const { table, foldOffsets } = gnbTable(plan, gnbStats);
      return { gnbStats, gnbTable: table, gnbTableOffsets: foldOffsets };
    }
    const { nSamples: n, nColumns: V, folds, nClasses: K } = this.base;
    const F = folds.length;
    const foldOf = this.foldOf,
      X = this.base.X;
    const stride = gnbStride(K);
    const width = gnbTableWidth(K);
    const perFold = V * stride + K;
    const stats = sharedArray(Float64Array, F * perFold);
    const offsets = new Int32Array(F + 1);
    for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f]! + V * folds[f]!.test.length * width;
    const table = sharedArray(Float64Array, offsets[F]!);
    // Class counts per test fold and overall; training counts are their differences.
    const cell = new Int32Array(n);
    const count = new Float64Array(F * K),
      total = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      cell[i] = foldOf[i]! * K + codes[i]!;
      count[cell[i]!]!++;
      total[codes[i]!]!++;
    }
    const nTrain = new Float64Array(F * K);
    for (let f = 0; f < F; f++) {
      const trainSize = n - folds[f]!.test.length;
      for (let c = 0; c < K; c++) {
        nTrain[f * K + c] = total[c]! - count[f * K + c]!;
        stats[f * perFold + V * stride + c] = Math.log(nTrain[f * K + c]! / trainSize);
      }
    }
    const s1 = new Float64Array(F * K),
      s2 = new Float64Array(F * K),
      t1 = new Float64Array(K),
      t2 = new Float64Array(K);
    const mean = new Float64Array(K),
      inv = new Float64Array(K);
    let usable = true;
    for (let col = 0; col < V; col++) {
      const xb = col * n,
        cm = this.colMean[col]!;
      s1.fill(0);
      s2.fill(0);
      t1.fill(0);
      t2.fill(0);
      for (let i = 0; i < n; i++) {
        const v = X[xb + i]! - cm,
          k = cell[i]!;
        s1[k] += v;
        s2[k] += v * v;
      }
      for (let f = 0; f < F; f++)
        for (let c = 0; c < K; c++) {
          t1[c] += s1[f * K + c]!;
          t2[c] += s2[f * K + c]!;
        }
      for (let f = 0; f < F; f++) {
        const st = f * perFold + col * stride;
        let a1 = 0,
          a2 = 0,
          aN = 0;
        for (let c = 0; c < K; c++) {
          const m = f * K + c;
          const n1 = nTrain[m]!,
            sum = t1[c]! - s1[m]!,
            sq = t2[c]! - s2[m]!;
          const mu = sum / n1;
          let v = sq / n1 - mu * mu;
          if (!(v > CANCELLATION * (sq / n1))) v = this.twoPass(col, f, codes, c, mu);
          mean[c] = mu;
          stats[st + c] = mu + cm;
          stats[st + K + c] = v;
          stats[st + 2 * K + 1 + c] = Math.log(2 * Math.PI * v);
          if (!(v > 0)) usable = false;
          inv[c] = 1 / v;
          a1 += sum;
          a2 += sq;
          aN += n1;
        }
        const overallMean = a1 / aN;
        stats[st + 2 * K] = Math.max(0, a2 / aN - overallMean * overallMean);
        if (!usable) continue;
        const test = folds[f]!.test;
        stats[st + 3 * K + 1] = writeTableRow(X, xb, test, cm, 1, mean, inv, K, table, offsets[f]! + col * test.length * width);
      }
    }
    // A zero variance: no table, GnbPredictor evaluates those spheres directly (as gnbTable does).
    return { gnbStats: stats, gnbTable: usable ? table : new Float64Array(0), gnbTableOffsets: offsets };
  }

  /** Class c's training variance in fold f, around its (centred) mean mu, in two passes. */
  private twoPass(col: number, f: number, codes: Int32Array, c: number, mu: number): number {
    const { nSamples: n, folds } = this.base;
    const train = folds[f]!.train;
    let ss = 0,
      m = 0;
    for (let i = 0; i < train.length; i++) {
      const s = train[i]!;
      if (codes[s] !== c) continue;
      const d = this.base.X[col * n + s]! - this.colMean[col]! - mu;
      ss += d * d;
      m++;
    }
    return ss / m;
  }
}

/** fold[i] = the one fold testing sample i when the folds partition the samples, else undefined. */
function partition(folds: ComputePlan['folds'], n: number): Int32Array | undefined {
  const foldOf = new Int32Array(n).fill(-1);
  for (let f = 0; f < folds.length; f++) {
    const { train, test } = folds[f]!;
    if (train.length + test.length !== n) return undefined;
    for (let t = 0; t < test.length; t++) {
      if (foldOf[test[t]!] !== -1) return undefined;
      foldOf[test[t]!] = f;
    }
  }
  if (foldOf.some((x) => x < 0)) return undefined;
  // train = complement of test: sizes add up and the tests are disjoint, so check membership.
  const inTest = new Uint8Array(n);
  for (let f = 0; f < folds.length; f++) {
    const { train, test } = folds[f]!;
    inTest.fill(0);
    for (let t = 0; t < test.length; t++) inTest[test[t]!] = 1;
    for (let i = 0; i < train.length; i++) if (inTest[train[i]!]) return undefined;
  }
  return foldOf;
}
