// DummyClassifier: the chance-level baseline that ignores the features.
import { Matrix } from '@neurodecode/matrix';
import { BaseClassifier, BaseEstimator, type ClassifierState } from './base.js';
import { checkClassification, checkMatrix, checkRegression, r2 } from './labels.js';
import { seededRandom } from './random.js';
import type { Classifier, FitOptions, Label, Regressor, Targets } from './types.js';

/** DummyClassifier's parameters (scikit-learn's names). */
export interface DummyClassifierParams {
  strategy: 'most_frequent' | 'prior' | 'stratified' | 'uniform';
  /** Seed for 'stratified' and 'uniform'; every predict call restarts from it. */
  seed: number;
}

const STRATEGIES = ['most_frequent', 'prior', 'stratified', 'uniform'];

interface DummyState extends ClassifierState {
  classPrior: Float64Array;
  seed: number;
}

/** A chance baseline that ignores X (scikit-learn's DummyClassifier: most_frequent, prior, stratified, uniform). */
export class DummyClassifier extends BaseClassifier<DummyClassifierParams, DummyState> implements Classifier<DummyClassifierParams> {
  constructor(params: Partial<DummyClassifierParams> = {}) {
    super('DummyClassifier', { strategy: 'prior', seed: 0 }, params);
  }

  get classPrior(): Float64Array {
    return this.fittedState('classPrior').classPrior;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    if (!STRATEGIES.includes(this.params.strategy)) {
      throw new RangeError(
        `DummyClassifier: strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(this.params.strategy)}`,
      );
    }
    const { X: m, classes, codes } = checkClassification(X, y);
    const prior = new Float64Array(classes.length);
    const w = opts.sampleWeight;
    let total = 0;
    for (let i = 0; i < codes.length; i++) {
      const wi = w ? w[i]! : 1;
      prior[codes[i]!]! += wi;
      total += wi;
    }
    for (let c = 0; c < prior.length; c++) prior[c]! /= total;
    this.state = { classes, nFeatures: m.cols, classPrior: prior, seed: opts.seed ?? this.params.seed };
    return this;
  }

  /** Class drawn for each row (only for the random strategies). */
  private draws(rows: number): Int32Array {
    const s = this.fittedState('predict');
    const random = seededRandom(s.seed);
    const k = s.classes.length;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const u = random();
      if (this.params.strategy === 'uniform') {
        out[i] = Math.min(k - 1, Math.floor(u * k));
        continue;
      }
      let c = 0;
      let acc = s.classPrior[0]!;
      while (c < k - 1 && u >= acc) acc += s.classPrior[++c]!;
      out[i] = c;
    }
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const s = this.fittedState('predictProba');
    const m = this.checkInput(X, 'predictProba');
    const k = s.classes.length;
    const out = new Matrix(m.rows, k);
    const strategy = this.params.strategy;
    if (strategy === 'stratified') {
      const d = this.draws(m.rows);
      for (let i = 0; i < m.rows; i++) out.data[i * k + d[i]!] = 1;
      return out;
    }
    let row: Float64Array;
    if (strategy === 'uniform') row = new Float64Array(k).fill(1 / k);
    else if (strategy === 'prior') row = s.classPrior;
    else {
      row = new Float64Array(k);
      row[argmaxIndex(s.classPrior)] = 1;
    }
    for (let i = 0; i < m.rows; i++) out.data.set(row, i * k);
    return out;
  }

  override predict(X: Matrix): Label[] {
    const s = this.fittedState('predict');
    const m = this.checkInput(X, 'predict');
    if (this.params.strategy === 'stratified' || this.params.strategy === 'uniform') {
      return Array.from(this.draws(m.rows), (c) => s.classes[c]!);
    }
    const best = s.classes[argmaxIndex(s.classPrior)]!;
    return new Array<Label>(m.rows).fill(best);
  }

  protected scores(X: Matrix): Matrix {
    return this.predictProba(X);
  }
}

function argmaxIndex(v: Float64Array): number {
  let best = 0;
  for (let c = 1; c < v.length; c++) if (v[c]! > v[best]!) best = c;
  return best;
}

/** Hyper-parameters of DummyRegressor: strategy 'mean' (default), 'median' or 'quantile'. */
export interface DummyRegressorParams {
  [key: string]: unknown;
  /** 'mean' (scikit-learn's default), 'median', or 'quantile' (with `quantile`). */
  strategy: 'mean' | 'median' | 'quantile';
  quantile: number;
}

/** DummyRegressor: predicts one constant learned from the training targets. */
export class DummyRegressor extends BaseEstimator<DummyRegressorParams> implements Regressor<DummyRegressorParams> {
  readonly kind = 'regressor' as const;
  private state: { constant: number; nFeatures: number } | undefined;

  constructor(params: Partial<DummyRegressorParams> = {}) {
    super('DummyRegressor', { strategy: 'mean', quantile: 0.5 }, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }

  /** The constant every prediction returns (scikit-learn's constant_). */
  get constant(): number {
    if (!this.state) throw this.notFitted('constant');
    return this.state.constant;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    const { strategy, quantile } = this.params;
    if (!['mean', 'median', 'quantile'].includes(strategy))
      throw new RangeError(`DummyRegressor: strategy must be "mean", "median" or "quantile", got ${JSON.stringify(strategy)}`);
    const { X: m, y: yy } = checkRegression(X, y);
    const w = opts.sampleWeight;
    let constant: number;
    if (strategy === 'mean') {
      let s = 0,
        t = 0;
      for (let i = 0; i < yy.length; i++) {
        const wi = w ? w[i]! : 1;
        s += wi * yy[i]!;
        t += wi;
      }
      constant = s / t;
    } else {
      const q = strategy === 'median' ? 0.5 : quantile;
      if (!(q >= 0 && q <= 1)) throw new RangeError(`DummyRegressor: quantile must be in [0, 1], got ${q}`);
      if (w) throw new Error('DummyRegressor: sampleWeight is supported with strategy "mean" only');
      const sorted = Float64Array.from(yy).sort();
      // numpy's linear interpolation between order statistics
      const pos = q * (sorted.length - 1);
      const lo = Math.floor(pos);
      constant = sorted[lo]! + (pos - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
    }
    this.state = { constant, nFeatures: m.cols };
    return this;
  }

  predict(X: Matrix): Float64Array {
    if (!this.state) throw this.notFitted('predict');
    const m = checkMatrix(X, 'X', this.state.nFeatures, this.estimatorName);
    return new Float64Array(m.rows).fill(this.state.constant);
  }

  score(X: Matrix, y: Targets): number {
    return r2(y as ArrayLike<number>, this.predict(X));
  }
}
