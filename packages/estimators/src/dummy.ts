// DummyClassifier: the chance-level baseline that ignores the features.
import { Matrix } from '@neurodecode/matrix';
import { BaseClassifier, type ClassifierState } from './base.js';
import { checkClassification } from './labels.js';
import { seededRandom } from './random.js';
import type { Classifier, FitOptions, Label, Targets } from './types.js';

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
      throw new RangeError(`DummyClassifier: strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(this.params.strategy)}`);
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

