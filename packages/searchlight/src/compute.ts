// The per-sphere work, shared by worker threads and the main thread: for each sphere of a chunk
// and each fold, fit on the training rows of the sphere's columns and score the test rows.
// Data are voxel-major (column c of sample s at X[c * nSamples + s]) so a sphere's columns are
// contiguous runs; each problem is gathered into reused scratch buffers.
import { solveLogisticNewton, newtonWork, type NewtonWork } from './solvers.js';
import { GnbPredictor } from './gnb.js';
import { SphereGram } from './sphere-gram.js';
import { HINGE_GRAM_READY, HINGE_SUM_READY, solveSquaredHingeNewton, hingeNewtonWork, type HingeNewtonWork } from './svm-newton.js';
import type { BatchedKernel, FoldPredictor } from '@neurodecode/estimators';

/** The per-sphere path: a fast kernel ('gnb', 'linear-svc', 'logistic'), a plugin's fold predictor ('plugin') or fit/score of any estimator ('generic'). */
export type KernelName = 'gnb' | 'linear-svc' | 'logistic' | 'plugin' | 'generic';
/** Scorings the fast kernels compute themselves. */
export type FastScoring = 'accuracy' | 'balanced_accuracy';

/** One cross-validation fold: row indices of its training and test samples. */
export interface FoldPlan {
  train: Int32Array;
  test: Int32Array;
}

/** Everything a thread needs; typed arrays may live in SharedArrayBuffers. */
export interface ComputePlan {
  kernel: KernelName;
  params: Record<string, unknown>;
  scoring: string;
  X: Float64Array;
  nSamples: number;
  nColumns: number;
  sphereOffsets: Int32Array;
  sphereIndices: Int32Array;
  folds: FoldPlan[];
  /** Class code (0..nClasses-1, classes sorted) of each sample. */
  codes: Int32Array;
  nClasses: number;
  /** Per fold and column, x' = (x - shift) * scale; empty when not standardizing. */
  shift: Float64Array;
  scale: Float64Array;
  /** GaussianNB per-fold statistics and (x - mean)^2 / var table (see gnb.ts); empty otherwise. */
  gnbStats: Float64Array;
  gnbTable: Float64Array;
  gnbTableOffsets: Int32Array;
  /** Output: per sphere and fold (sphere-major). */
  foldScores: Float64Array;
}

/** A generic per-fold fit-and-score; used when no fast path applies. */
export type GenericScorer = (train: Float64Array, nTrain: number, test: Float64Array, nTest: number, p: number, fold: number) => number;

/** Scores spheres of a plan fold by fold with the plan's kernel; one per thread, buffers reused across spheres. */
export class SphereComputer {
  private readonly plan: ComputePlan;
  private readonly trainBuf: Float64Array;
  private readonly testBuf: Float64Array;
  private readonly sign: Int8Array;
  private readonly weights: Float64Array;
  private readonly predicted: Int32Array;
  /** One-vs-rest: the best decision value so far per test sample, and the training Gram kept for every class. */
  private readonly best: Float64Array;
  private readonly gramCopy: Float64Array;
  /** One-vs-rest: per class, the sum of its training rows of [x, bias] (class-major, stride p + 1). */
  private readonly classSums: Float64Array;
  private readonly svm: HingeNewtonWork;
  private readonly gnb: GnbPredictor | undefined;
  private readonly sphereGram: SphereGram | undefined;
  private readonly newton: NewtonWork;
  private readonly recallHits: Float64Array;
  private readonly recallTotal: Float64Array;

  private readonly trainCodes: Int32Array;
  private readonly pluginPredictor: FoldPredictor | undefined;

  constructor(
    plan: ComputePlan,
    private readonly generic?: GenericScorer,
    pluginKernel?: BatchedKernel,
  ) {
    this.plan = plan;
    let maxP = 1;
    for (let s = 0; s + 1 < plan.sphereOffsets.length; s++) maxP = Math.max(maxP, plan.sphereOffsets[s + 1]! - plan.sphereOffsets[s]!);
    let maxTrain = 1,
      maxTest = 1;
    for (const f of plan.folds) {
      maxTrain = Math.max(maxTrain, f.train.length);
      maxTest = Math.max(maxTest, f.test.length);
    }
    this.trainBuf = new Float64Array(maxTrain * maxP);
    this.testBuf = new Float64Array(maxTest * maxP);
    this.sign = new Int8Array(maxTrain);
    this.weights = new Float64Array(maxP + 1);
    this.predicted = new Int32Array(maxTest);
    this.best = new Float64Array(maxTest);
    this.gramCopy = new Float64Array(plan.nClasses > 2 && plan.kernel === 'linear-svc' ? (maxP + 1) * (maxP + 1) : 0);
    this.classSums = new Float64Array(plan.nClasses > 2 && plan.kernel === 'linear-svc' ? (plan.nClasses + 1) * (maxP + 1) : 0);
    this.svm = hingeNewtonWork(maxTrain, maxP);
    this.gnb = plan.kernel === 'gnb' ? new GnbPredictor(plan, maxTest) : undefined;
    this.sphereGram = plan.kernel === 'linear-svc' ? SphereGram.create(plan, maxP) : undefined;
    this.newton = newtonWork(maxTrain, maxP);
    this.recallHits = new Float64Array(plan.nClasses);
    this.recallTotal = new Float64Array(plan.nClasses);
    this.trainCodes = new Int32Array(maxTrain);
    if (plan.kernel === 'plugin' && typeof pluginKernel?.createFoldPredictor !== 'function') {
      throw new Error("SphereComputer: the plan uses a plugin kernel; pass the estimator's batchedKernel() (with createFoldPredictor)");
    }
    this.pluginPredictor =
      plan.kernel === 'plugin'
        ? pluginKernel!.createFoldPredictor!({ nClasses: plan.nClasses, maxTrain, maxTest, maxFeatures: maxP })
        : undefined;
  }

  /** Score spheres [start, end) (positions in the plan's sphere list). */
  run(start: number, end: number): void {
    const { folds, foldScores } = this.plan;
    const nFolds = folds.length;
    for (let s = start; s < end; s++) {
      this.sphereGram?.loadSphere(this.plan.sphereOffsets[s]!, this.plan.sphereOffsets[s + 1]!);
      for (let f = 0; f < nFolds; f++) foldScores[s * nFolds + f] = this.scoreSphereFold(s, f);
    }
  }

  private scoreSphereFold(s: number, f: number): number {
    const plan = this.plan;
    const lo = plan.sphereOffsets[s]!,
      hi = plan.sphereOffsets[s + 1]!;
    const p = hi - lo;
    const fold = plan.folds[f]!;
    if (plan.kernel === 'gnb') {
      this.gnb!.predict(lo, hi, f, fold.test, this.predicted);
      return this.score(fold.test);
    }
    this.gather(lo, hi, f, fold.train, this.trainBuf);
    this.gather(lo, hi, f, fold.test, this.testBuf);
    if (plan.kernel === 'generic') {
      return this.generic!(this.trainBuf, fold.train.length, this.testBuf, fold.test.length, p, f);
    }
    if (plan.kernel === 'plugin') {
      for (let i = 0; i < fold.train.length; i++) this.trainCodes[i] = plan.codes[fold.train[i]!]!;
      this.pluginPredictor!(this.trainBuf, this.trainCodes, fold.train.length, this.testBuf, fold.test.length, p, this.predicted);
      return this.score(fold.test);
    }
    const nTrain = fold.train.length;
    const nTest = fold.test.length;
    const C = Number(plan.params.C ?? 1);
    const svc = plan.kernel === 'linear-svc';
    const bias = svc
      ? plan.params.fitIntercept === false
        ? 0
        : Number(plan.params.interceptScaling ?? 1)
      : plan.params.fitIntercept === false
        ? 0
        : 1;
    // Two classes: one problem, positive = class 1. More: one-vs-rest, one problem per class on
    // the same training rows (the sphere's training Gram is built once and copied per class),
    // and each test sample goes to the class with the largest decision value (first on ties).
    const problems = plan.nClasses === 2 ? 1 : plan.nClasses;
    const d = p + 1;
    if (svc) this.sphereGram?.trainingGram(f, bias, problems > 1 ? this.gramCopy : this.svm.hessSum);
    // One-vs-rest: b_c = sum_i y_i x~_i = 2 (class c's sum) - (the total), from one pass for all classes.
    const shared = svc && problems > 1 && this.sphereGram !== undefined;
    if (shared) this.sumClasses(fold.train, p, bias);
    for (let c = 0; c < problems; c++) {
      const positive = problems === 1 ? 1 : c;
      for (let i = 0; i < nTrain; i++) this.sign[i] = plan.codes[fold.train[i]!] === positive ? 1 : -1;
      const w = this.weights;
      if (svc) {
        if (shared) {
          this.svm.hessSum.set(this.gramCopy.subarray(0, d * d));
          const sums = this.classSums,
            K = plan.nClasses;
          for (let j = 0; j < d; j++) this.svm.b[j] = 2 * sums[c * d + j]! - sums[K * d + j]!;
        }
        const ready = shared ? HINGE_GRAM_READY | HINGE_SUM_READY : this.sphereGram ? HINGE_GRAM_READY : 0;
        solveSquaredHingeNewton(this.trainBuf, nTrain, p, this.sign, C, bias, 200, w, this.svm, ready);
      } else {
        solveLogisticNewton(this.trainBuf, nTrain, p, this.sign, C, bias !== 0, 1e-12, 200, w, this.newton);
      }
      for (let t = 0; t < nTest; t++) {
        let z = w[p]! * bias;
        for (let j = 0, o = t * p; j < p; j++, o++) z += w[j]! * this.testBuf[o]!;
        if (problems === 1) this.predicted[t] = z > 0 ? 1 : 0;
        else if (c === 0 || z > this.best[t]!) {
          this.best[t] = z;
          this.predicted[t] = c;
        }
      }
    }
    return this.score(fold.test);
  }

  /** classSums: per class (then all classes, at row nClasses) the sum of the gathered training rows of [x, bias]. */
  private sumClasses(train: Int32Array, p: number, bias: number): void {
    const { codes, nClasses: K } = this.plan;
    const d = p + 1;
    const sums = this.classSums,
      A = this.trainBuf;
    sums.fill(0, 0, (K + 1) * d);
    for (let i = 0; i < train.length; i++) {
      const at = codes[train[i]!]! * d;
      for (let j = 0, o = i * p; j < p; j++, o++) sums[at + j] = sums[at + j]! + A[o]!;
      sums[at + p] = sums[at + p]! + bias;
    }
    for (let c = 0; c < K; c++) for (let j = 0; j < d; j++) sums[K * d + j] = sums[K * d + j]! + sums[c * d + j]!;
  }

  /** Rows `samples` of the sphere's columns, standardized for fold f when asked, row-major into out. */
  private gather(lo: number, hi: number, f: number, samples: Int32Array, out: Float64Array): void {
    const { X, nSamples, sphereIndices, shift, scale, nColumns } = this.plan;
    const p = hi - lo;
    const n = samples.length;
    const standardize = shift.length > 0;
    for (let j = 0; j < p; j++) {
      const col = sphereIndices[lo + j]!;
      const base = col * nSamples;
      if (standardize) {
        const m = shift[f * nColumns + col]!,
          sc = scale[f * nColumns + col]!;
        for (let i = 0; i < n; i++) out[i * p + j] = (X[base + samples[i]!]! - m) * sc;
      } else {
        for (let i = 0; i < n; i++) out[i * p + j] = X[base + samples[i]!]!;
      }
    }
  }

  private score(test: Int32Array): number {
    const { codes, nClasses } = this.plan;
    const n = test.length;
    if (this.plan.scoring === 'balanced_accuracy') {
      this.recallHits.fill(0);
      this.recallTotal.fill(0);
      for (let t = 0; t < n; t++) {
        const truth = codes[test[t]!]!;
        this.recallTotal[truth]!++;
        if (this.predicted[t] === truth) this.recallHits[truth]!++;
      }
      let sum = 0,
        present = 0;
      for (let c = 0; c < nClasses; c++)
        if (this.recallTotal[c]! > 0) {
          sum += this.recallHits[c]! / this.recallTotal[c]!;
          present++;
        }
      return sum / present;
    }
    let hits = 0;
    for (let t = 0; t < n; t++) if (this.predicted[t] === codes[test[t]!]) hits++;
    return hits / n;
  }
}

/** Per-fold StandardScaler parameters per column: training mean and 1 / population std (1 when the std is 0). */
export function standardization(
  X: Float64Array,
  nSamples: number,
  nColumns: number,
  folds: FoldPlan[],
): { shift: Float64Array; scale: Float64Array } {
  const shift = new Float64Array(folds.length * nColumns);
  const scale = new Float64Array(folds.length * nColumns);
  for (let f = 0; f < folds.length; f++) {
    const train = folds[f]!.train;
    const n = train.length;
    for (let col = 0; col < nColumns; col++) {
      const xb = col * nSamples;
      let s = 0;
      for (let i = 0; i < n; i++) s += X[xb + train[i]!]!;
      const mean = s / n;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const d = X[xb + train[i]!]! - mean;
        ss += d * d;
      }
      const std = Math.sqrt(ss / n);
      shift[f * nColumns + col] = mean;
      scale[f * nColumns + col] = std > 0 ? 1 / std : 1;
    }
  }
  return { shift, scale };
}
