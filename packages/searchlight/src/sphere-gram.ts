// The squared-hinge Newton solver starts with every training sample active, so its first
// Hessian is the training Gram matrix of [x, bias]. When the test sets partition the samples
// (KFold, leave-one-group-out), each fold's training Gram is the sum of the other folds' test-block
// Grams: one pass over a sphere's samples serves all folds, instead of one pass per fold.
// Blocks are built on data centred by the column means over all samples (keeping the sums well
// conditioned) and mapped to each fold's (standardized) space in O(p^2).
import type { ComputePlan } from './compute.js';

export class SphereGram {
  private readonly centred: Float64Array;
  private readonly blockGram: Float64Array;
  private readonly blockSum: Float64Array;
  private readonly foldOf: Int32Array;
  private readonly gram: Float64Array;
  private readonly sum: Float64Array;
  private readonly delta: Float64Array;
  private readonly factor: Float64Array;
  /** Mean over all samples of every column. */
  private readonly columnMean: Float64Array;
  private p = 0;
  private sphereStart = 0;

  /** Undefined unless the folds' test sets partition the samples. */
  static create(plan: ComputePlan, maxP: number): SphereGram | undefined {
    const foldOf = new Int32Array(plan.nSamples).fill(-1);
    for (let f = 0; f < plan.folds.length; f++) {
      for (const i of plan.folds[f]!.test) {
        if (foldOf[i] !== -1) return undefined;
        foldOf[i] = f;
      }
    }
    for (let f = 0; f < plan.folds.length; f++) {
      if (plan.folds[f]!.train.length + plan.folds[f]!.test.length !== plan.nSamples) return undefined;
    }
    if (foldOf.includes(-1)) return undefined;
    return new SphereGram(plan, maxP, foldOf);
  }

  private constructor(
    private readonly plan: ComputePlan,
    maxP: number,
    foldOf: Int32Array,
  ) {
    const nFolds = plan.folds.length;
    this.foldOf = foldOf;
    this.centred = new Float64Array(plan.nSamples * maxP);
    this.blockGram = new Float64Array(nFolds * maxP * maxP);
    this.blockSum = new Float64Array(nFolds * maxP);
    this.gram = new Float64Array(maxP * maxP);
    this.sum = new Float64Array(maxP);
    this.delta = new Float64Array(maxP);
    this.factor = new Float64Array(maxP);
    const { X, nSamples: n, nColumns } = plan;
    this.columnMean = new Float64Array(nColumns);
    for (let c = 0; c < nColumns; c++) {
      let s = 0;
      for (let i = c * n, e = i + n; i < e; i++) s += X[i]!;
      this.columnMean[c] = s / n;
    }
  }

  /** Per-fold test-block Grams and sums of the sphere's columns [lo, hi). */
  loadSphere(lo: number, hi: number): void {
    const { X, nSamples: n, sphereIndices, folds } = this.plan;
    const p = hi - lo;
    this.p = p;
    this.sphereStart = lo;
    const { centred, blockGram, blockSum, foldOf } = this;
    for (let j = 0; j < p; j++) {
      const col = sphereIndices[lo + j]!;
      const g = this.columnMean[col]!;
      const base = col * n;
      for (let i = 0; i < n; i++) centred[i * p + j] = X[base + i]! - g;
    }
    blockGram.fill(0, 0, folds.length * p * p);
    blockSum.fill(0, 0, folds.length * p);
    for (let i = 0; i < n; i++) {
      const f = foldOf[i]!;
      const G = f * p * p,
        S = f * p,
        off = i * p;
      for (let r = 0; r < p; r++) {
        const xr = centred[off + r]!;
        blockSum[S + r] = blockSum[S + r]! + xr;
        const row = G + r * p;
        for (let c = 0; c <= r; c++) blockGram[row + c] = blockGram[row + c]! + xr * centred[off + c]!;
      }
    }
  }

  /**
   * Lower triangle of the training Gram of [x', bias] for fold f, x' = (x - shift) * scale, into
   * `out` with row stride p + 1 (the layout the hinge Newton solver uses).
   */
  trainingGram(f: number, bias: number, out: Float64Array): void {
    const { plan, p, blockGram, blockSum, gram, sum, delta, factor } = this;
    const { folds, shift, scale, nColumns, sphereIndices } = plan;
    const nFolds = folds.length;
    gram.fill(0, 0, p * p);
    sum.fill(0, 0, p);
    for (let k = 0; k < nFolds; k++) {
      if (k === f) continue;
      const G = k * p * p,
        S = k * p;
      for (let r = 0; r < p; r++) {
        sum[r] = sum[r]! + blockSum[S + r]!;
        for (let c = 0; c <= r; c++) gram[r * p + c] = gram[r * p + c]! + blockGram[G + r * p + c]!;
      }
    }
    const T = folds[f]!.train.length;
    const standardize = shift.length > 0;
    const lo = this.sphereStart;
    for (let j = 0; j < p; j++) {
      const col = sphereIndices[lo + j]!;
      delta[j] = (standardize ? shift[f * nColumns + col]! : 0) - this.columnMean[col]!;
      factor[j] = standardize ? scale[f * nColumns + col]! : 1;
    }
    const d = p + 1;
    for (let r = 0; r < p; r++) {
      const dr = delta[r]!,
        sr = factor[r]!,
        Sr = sum[r]!;
      for (let c = 0; c <= r; c++) {
        out[r * d + c] = sr * factor[c]! * (gram[r * p + c]! - dr * sum[c]! - Sr * delta[c]! + T * dr * delta[c]!);
      }
    }
    for (let c = 0; c < p; c++) out[p * d + c] = bias * factor[c]! * (sum[c]! - T * delta[c]!);
    out[p * d + p] = T * bias * bias;
  }
}
