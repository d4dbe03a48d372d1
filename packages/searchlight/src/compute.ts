// The per-sphere work, shared by worker threads and the main thread: for each sphere of a chunk
// and each fold, fit on the training rows of the sphere's columns and score the test rows.
// Data are voxel-major (column c of sample s at X[c * nSamples + s]) so a sphere's columns are
// contiguous runs; each problem is gathered into reused scratch buffers.
import { choleskyFactor, choleskyFactorSolve, solveLogisticNewton, newtonWork, type NewtonWork } from './solvers.js';
import { GnbPredictor } from './gnb.js';
import { multinomialWork, solveMultinomialNewton, type MultinomialWork } from './multinomial.js';
import { SphereGram } from './sphere-gram.js';
import { HINGE_GRAM_READY, HINGE_SUM_READY, solveSquaredHingeNewton, hingeNewtonWork, type HingeNewtonWork } from './svm-newton.js';
import type { BatchedKernel, FoldPredictor } from '@neurodecode/estimators';

/**
 * The per-sphere path: a fast kernel ('gnb', 'linear-svc', 'logistic' for binary or one-vs-rest
 * logistic regression, 'logistic-multinomial', 'ridge'), a plugin's fold predictor ('plugin') or
 * fit/score of any estimator ('generic').
 */
export type KernelName = 'gnb' | 'linear-svc' | 'logistic' | 'logistic-multinomial' | 'ridge' | 'plugin' | 'generic';
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
  /** Output: per sphere and fold (sphere-major); with labelSets, per label set, sphere and fold. */
  foldScores: Float64Array;
  /**
   * Optional, LinearSVC and logistic (both kernels) only: several label vectors (set-major, nSamples codes each)
   * scored in one pass, each sphere's data gathered and its Gram built once for all of them
   * (permutation null maps). `codes` is then unused.
   */
  labelSets?: Int32Array;
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
  /** Multinomial logistic: solver scratch, and the fitted weights (k x p) and intercepts. */
  private readonly multinomial: { work: MultinomialWork; W: Float64Array; b: Float64Array } | undefined;
  /** RidgeClassifier: centred Gram (p x p), per-class sums (k x p), means, one solution. */
  private readonly ridge: { G: Float64Array; S: Float64Array; mean: Float64Array; count: Float64Array; W: Float64Array; b: Float64Array };
  private readonly recallHits: Float64Array;
  private readonly recallTotal: Float64Array;

  private readonly trainCodes: Int32Array;
  /** Label vectors scored per sphere (plan.labelSets), 1 without them. */
  private readonly nSets: number;
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
    if (plan.labelSets && plan.kernel !== 'linear-svc' && plan.kernel !== 'logistic' && plan.kernel !== 'logistic-multinomial') {
      throw new Error(`SphereComputer: labelSets needs the linear-svc, logistic or logistic-multinomial kernel, got ${plan.kernel}`);
    }
    this.nSets = plan.labelSets ? plan.labelSets.length / plan.nSamples : 1;
    this.gramCopy = new Float64Array((plan.nClasses > 2 || this.nSets > 1) && plan.kernel === 'linear-svc' ? (maxP + 1) * (maxP + 1) : 0);
    this.classSums = new Float64Array(plan.nClasses > 2 && plan.kernel === 'linear-svc' ? (plan.nClasses + 1) * (maxP + 1) : 0);
    this.svm = hingeNewtonWork(maxTrain, maxP);
    this.gnb = plan.kernel === 'gnb' ? new GnbPredictor(plan, maxTest) : undefined;
    this.sphereGram = plan.kernel === 'linear-svc' ? SphereGram.create(plan, maxP) : undefined;
    this.newton = newtonWork(maxTrain, maxP);
    this.multinomial =
      plan.kernel === 'logistic-multinomial'
        ? {
            work: multinomialWork(maxTrain, maxP, plan.nClasses),
            W: new Float64Array(plan.nClasses * maxP),
            b: new Float64Array(plan.nClasses),
          }
        : undefined;
    const ridgeK = plan.kernel === 'ridge' ? (plan.nClasses === 2 ? 1 : plan.nClasses) : 0;
    const ridgeP = ridgeK ? maxP : 0;
    this.ridge = {
      G: new Float64Array(ridgeP * ridgeP),
      S: new Float64Array(plan.nClasses * ridgeP),
      mean: new Float64Array(ridgeP),
      count: new Float64Array(plan.nClasses),
      W: new Float64Array(ridgeK * ridgeP),
      b: new Float64Array(ridgeK),
    };
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
    const nFolds = this.plan.folds.length;
    for (let s = start; s < end; s++) {
      this.sphereGram?.loadSphere(this.plan.sphereOffsets[s]!, this.plan.sphereOffsets[s + 1]!);
      for (let f = 0; f < nFolds; f++) this.scoreSphereFold(s, f);
    }
  }

  /** Fold f of sphere s: fit and score every label set, writing plan.foldScores. */
  private scoreSphereFold(s: number, f: number): void {
    const plan = this.plan;
    const { foldScores } = plan;
    const nFolds = plan.folds.length;
    const lo = plan.sphereOffsets[s]!,
      hi = plan.sphereOffsets[s + 1]!;
    const p = hi - lo;
    const fold = plan.folds[f]!;
    const at = s * nFolds + f;
    if (plan.kernel === 'gnb') {
      this.gnb!.predict(lo, hi, f, fold.test, this.predicted);
      foldScores[at] = this.score(fold.test, plan.codes);
      return;
    }
    this.gather(lo, hi, f, fold.train, this.trainBuf);
    this.gather(lo, hi, f, fold.test, this.testBuf);
    if (plan.kernel === 'generic') {
      foldScores[at] = this.generic!(this.trainBuf, fold.train.length, this.testBuf, fold.test.length, p, f);
      return;
    }
    if (plan.kernel === 'plugin') {
      for (let i = 0; i < fold.train.length; i++) this.trainCodes[i] = plan.codes[fold.train[i]!]!;
      this.pluginPredictor!(this.trainBuf, this.trainCodes, fold.train.length, this.testBuf, fold.test.length, p, this.predicted);
      foldScores[at] = this.score(fold.test, plan.codes);
      return;
    }
    if (plan.kernel === 'ridge') {
      foldScores[at] = this.ridgeFold(p, fold);
      return;
    }
    const nSets = this.nSets,
      n = plan.nSamples,
      setStride = (plan.sphereOffsets.length - 1) * nFolds;
    if (plan.kernel === 'logistic-multinomial') {
      for (let l = 0; l < nSets; l++) {
        const codes = plan.labelSets ? plan.labelSets.subarray(l * n, (l + 1) * n) : plan.codes;
        this.multinomialFold(p, fold, codes);
        foldScores[l * setStride + at] = this.score(fold.test, codes);
      }
      return;
    }
    const svc = plan.kernel === 'linear-svc';
    const bias = svc
      ? plan.params.fitIntercept === false
        ? 0
        : Number(plan.params.interceptScaling ?? 1)
      : plan.params.fitIntercept === false
        ? 0
        : 1;
    const problems = plan.nClasses === 2 ? 1 : plan.nClasses;
    // The Gram of the sphere's training rows does not depend on the labels: built once, copied
    // for each class and label set when there are several.
    const keep = this.gramCopy.length > 0;
    if (svc) this.sphereGram?.trainingGram(f, bias, keep ? this.gramCopy : this.svm.hessSum);
    for (let l = 0; l < nSets; l++) {
      const codes = plan.labelSets ? plan.labelSets.subarray(l * n, (l + 1) * n) : plan.codes;
      this.fitAndPredict(f, p, codes, svc, bias, problems, keep);
      foldScores[l * setStride + at] = this.score(fold.test, codes);
    }
  }

  /**
   * LinearSVC or logistic on the gathered rows of fold f for labels `codes`, into this.predicted.
   * Two classes: one problem, positive = class 1. More: one-vs-rest, one problem per class on the
   * same training rows, and each test sample goes to the class with the largest decision value
   * (first on ties).
   */
  private fitAndPredict(f: number, p: number, codes: Int32Array, svc: boolean, bias: number, problems: number, keep: boolean): void {
    const plan = this.plan;
    const fold = plan.folds[f]!;
    const nTrain = fold.train.length;
    const nTest = fold.test.length;
    const C = Number(plan.params.C ?? 1);
    const d = p + 1;
    // One-vs-rest: b_c = sum_i y_i x~_i = 2 (class c's sum) - (the total), from one pass for all classes.
    const shared = svc && problems > 1 && this.sphereGram !== undefined;
    if (shared) this.sumClasses(fold.train, p, bias, codes);
    for (let c = 0; c < problems; c++) {
      const positive = problems === 1 ? 1 : c;
      for (let i = 0; i < nTrain; i++) this.sign[i] = codes[fold.train[i]!] === positive ? 1 : -1;
      const w = this.weights;
      if (svc) {
        if (keep && this.sphereGram) this.svm.hessSum.set(this.gramCopy.subarray(0, d * d));
        if (shared) {
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
  }

  /**
   * Multinomial logistic regression (LogisticRegression's default for L2 and more than two
   * classes) on the gathered rows of this fold for labels `codes`, into this.predicted: one softmax
   * problem over all classes, solved by Newton's method to LogisticRegression's tolerance; each
   * test sample goes to the class with the largest decision value (first on ties).
   */
  private multinomialFold(p: number, fold: FoldPlan, codes: Int32Array): void {
    const plan = this.plan;
    const k = plan.nClasses;
    const { work, W, b } = this.multinomial!;
    const nTrain = fold.train.length;
    for (let i = 0; i < nTrain; i++) this.trainCodes[i] = codes[fold.train[i]!]!;
    const C = Number(plan.params.C ?? 1);
    const relTol = Number(plan.params.tol ?? 1e-4) * 1e-6;
    const maxIter = Number(plan.params.maxIter ?? 100);
    solveMultinomialNewton(
      this.trainBuf,
      nTrain,
      p,
      this.trainCodes,
      k,
      C,
      plan.params.fitIntercept !== false,
      relTol,
      maxIter,
      W,
      b,
      work,
    );
    this.predictLinear(W, b, k, p, fold.test.length);
  }

  /**
   * this.predicted for the gathered test rows from k linear decision functions (W: k x p, b: k):
   * the first largest for several, positive (class 1) when above zero for one.
   */
  private predictLinear(W: Float64Array, b: Float64Array, k: number, p: number, nTest: number): void {
    for (let t = 0, o = 0; t < nTest; t++, o += p) {
      let best = 0,
        bestZ = -Infinity;
      for (let c = 0; c < k; c++) {
        let z = b[c]!;
        for (let j = 0, wo = c * p; j < p; j++) z += W[wo + j]! * this.testBuf[o + j]!;
        if (c === 0 || z > bestZ) {
          bestZ = z;
          best = c;
        }
      }
      this.predicted[t] = k === 1 ? (bestZ > 0 ? 1 : 0) : best;
    }
  }

  /** classSums: per class (then all classes, at row nClasses) the sum of the gathered training rows of [x, bias]. */
  private sumClasses(train: Int32Array, p: number, bias: number, codes: Int32Array): void {
    const K = this.plan.nClasses;
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

  /**
   * RidgeClassifier on -1/+1 targets, every class at once: one centred Gram X'X + alpha I per
   * sphere and fold, factored once and solved for each class's right-hand side (2 x the class's
   * sum of centred rows minus the total, which is 0 with an intercept). Predictions as
   * RidgeClassifier.predict: the sign of the one column for two classes, else the first largest.
   */
  private ridgeFold(p: number, fold: FoldPlan): number {
    const plan = this.plan;
    const { G, S, mean, count, W, b } = this.ridge;
    const X = this.trainBuf;
    const n = fold.train.length;
    const nTest = fold.test.length;
    const nClasses = plan.nClasses;
    const k = nClasses === 2 ? 1 : nClasses;
    const alpha = Number(plan.params.alpha ?? 1);
    const withIntercept = plan.params.fitIntercept !== false;
    mean.fill(0, 0, p);
    if (withIntercept) {
      for (let i = 0; i < n; i++) for (let j = 0, o = i * p; j < p; j++, o++) mean[j] = mean[j]! + X[o]!;
      for (let j = 0; j < p; j++) mean[j] = mean[j]! / n;
    }
    G.fill(0, 0, p * p);
    S.fill(0, 0, nClasses * p);
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const code = plan.codes[fold.train[i]!]!;
      count[code] = count[code]! + 1;
      const o = i * p;
      const sRow = code * p;
      for (let r = 0; r < p; r++) {
        const xr = X[o + r]! - mean[r]!;
        S[sRow + r] = S[sRow + r]! + xr;
        const gRow = r * p;
        for (let c = 0; c <= r; c++) G[gRow + c] = G[gRow + c]! + xr * (X[o + c]! - mean[c]!);
      }
    }
    for (let j = 0; j < p; j++) G[j * p + j] = G[j * p + j]! + alpha;
    if (!choleskyFactor(G, p))
      throw new Error(`estimator: RidgeClassifier's system is singular in a sphere (alpha ${alpha}); use alpha > 0`);
    const rhs = this.svm.grad;
    for (let c = 0; c < k; c++) {
      const positive = k === 1 ? 1 : c;
      // sum_i (x_i - mean) y_i with y = +1 in the class, -1 elsewhere.
      for (let j = 0; j < p; j++) {
        let total = 0;
        for (let q = 0; q < nClasses; q++) total += S[q * p + j]!;
        rhs[j] = 2 * S[positive * p + j]! - total;
      }
      const w = W.subarray(c * p, (c + 1) * p);
      choleskyFactorSolve(G, p, rhs, w);
      let intercept = 0;
      if (withIntercept) {
        intercept = (2 * count[positive]! - n) / n;
        for (let j = 0; j < p; j++) intercept -= mean[j]! * w[j]!;
      }
      b[c] = intercept;
    }
    this.predictLinear(W, b, k, p, nTest);
    return this.score(fold.test, plan.codes);
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

  private score(test: Int32Array, codes: Int32Array): number {
    const { nClasses } = this.plan;
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
