// Gaussian naive Bayes: per-class means and variances, with scikit-learn's variance smoothing
// (a fraction of the largest feature variance added to every variance).
import { Matrix } from '@neurodecode/matrix';
import { BaseClassifier, type ClassifierState } from './base.js';
import { checkClassification } from './labels.js';
import type { BatchedKernel, Classifier, FitOptions, Targets } from './types.js';

/** GaussianNB's parameters. */
export interface GaussianNBParams {
  varSmoothing: number;
  /** Class priors in sorted-class order; estimated from the data when absent. */
  priors: number[] | undefined;
}

interface GaussianNBState extends ClassifierState {
  /** k x p class means. */
  theta: Matrix;
  /** k x p smoothed class variances. */
  variance: Matrix;
  classPrior: Float64Array;
  classCount: Float64Array;
  epsilon: number;
}

/** Gaussian naive Bayes (scikit-learn's GaussianNB, with its variance smoothing). */
export class GaussianNB extends BaseClassifier<GaussianNBParams, GaussianNBState> implements Classifier<GaussianNBParams> {
  constructor(params: Partial<GaussianNBParams> = {}) {
    super('GaussianNB', { varSmoothing: 1e-9, priors: undefined }, params);
  }

  get theta(): Matrix {
    return this.fittedState('theta').theta;
  }
  get variance(): Matrix {
    return this.fittedState('variance').variance;
  }
  get classPrior(): Float64Array {
    return this.fittedState('classPrior').classPrior;
  }
  get epsilon(): number {
    return this.fittedState('epsilon').epsilon;
  }

  fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    if (opts?.sampleWeight) throw new Error('GaussianNB: sampleWeight is not supported');
    const { X: m, classes, codes } = checkClassification(X, y);
    const { varSmoothing, priors } = this.params;
    if (!(varSmoothing >= 0)) throw new RangeError(`GaussianNB: varSmoothing must be >= 0, got ${varSmoothing}`);
    const n = m.rows;
    const p = m.cols;
    const k = classes.length;
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) count[codes[i]!]!++;
    const theta = new Matrix(k, p);
    const variance = new Matrix(k, p);
    const total = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      const co = codes[i]! * p;
      for (let j = 0; j < p; j++) {
        theta.data[co + j]! += m.data[off + j]!;
        total[j]! += m.data[off + j]!;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) theta.data[c * p + j]! /= count[c]!;
    for (let j = 0; j < p; j++) total[j]! /= n;
    const overall = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      const co = codes[i]! * p;
      for (let j = 0; j < p; j++) {
        const d = m.data[off + j]! - theta.data[co + j]!;
        variance.data[co + j]! += d * d;
        const e = m.data[off + j]! - total[j]!;
        overall[j]! += e * e;
      }
    }
    let maxVar = 0;
    for (let j = 0; j < p; j++) maxVar = Math.max(maxVar, overall[j]! / n);
    const epsilon = varSmoothing * maxVar;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < p; j++) variance.data[c * p + j] = variance.data[c * p + j]! / count[c]! + epsilon;
    }
    let classPrior: Float64Array;
    if (priors !== undefined) {
      if (!Array.isArray(priors) || priors.length !== k) {
        throw new RangeError(`priors: expected ${k} values (one per class), got ${Array.isArray(priors) ? priors.length : typeof priors}`);
      }
      const sum = priors.reduce((a, b) => a + b, 0);
      if (priors.some((v) => !(v >= 0)) || Math.abs(sum - 1) > 1e-8) {
        throw new RangeError(`priors: must be non-negative and sum to 1, got [${priors.join(', ')}]`);
      }
      classPrior = Float64Array.from(priors);
    } else {
      classPrior = Float64Array.from(count, (c) => c / n);
    }
    this.state = { classes, nFeatures: p, theta, variance, classPrior, classCount: count, epsilon };
    return this;
  }

  /** Joint log-likelihood log P(c) + log P(x | c), n x k. */
  protected scores(X: Matrix): Matrix {
    const s = this.fittedState('predict');
    const k = s.classes.length;
    const p = X.cols;
    const out = new Matrix(X.rows, k);
    const logNorm = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let t = Math.log(s.classPrior[c]!);
      for (let j = 0; j < p; j++) t -= 0.5 * Math.log(2 * Math.PI * s.variance.data[c * p + j]!);
      logNorm[c] = t;
    }
    for (let i = 0; i < X.rows; i++) {
      const off = i * p;
      for (let c = 0; c < k; c++) {
        const co = c * p;
        let q = 0;
        for (let j = 0; j < p; j++) {
          const d = X.data[off + j]! - s.theta.data[co + j]!;
          q += (d * d) / s.variance.data[co + j]!;
        }
        out.data[i * k + c] = logNorm[c]! - 0.5 * q;
      }
    }
    return out;
  }

  /** Joint log-likelihood per class (n x k). */
  jointLogLikelihood(X: Matrix): Matrix {
    return this.scores(this.checkInput(X, 'jointLogLikelihood'));
  }

  predictLogProba(X: Matrix): Matrix {
    const jll = this.jointLogLikelihood(X);
    const k = jll.cols;
    for (let i = 0; i < jll.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, jll.data[i * k + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(jll.data[i * k + c]! - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < k; c++) jll.data[i * k + c]! -= logSum;
    }
    return jll;
  }

  predictProba(X: Matrix): Matrix {
    const out = this.predictLogProba(X);
    for (let i = 0; i < out.data.length; i++) out.data[i] = Math.exp(out.data[i]!);
    return out;
  }

  batchedKernel(): BatchedKernel {
    return { name: 'gnb', params: this.getParams() };
  }
}
