// StandardScaler: centre each column and divide by its population standard deviation.
import { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { checkLength, checkMatrix } from './labels.js';
import type { FitOptions, Targets, Transformer } from './types.js';

/** StandardScaler's parameters. */
export interface StandardScalerParams {
  withMean: boolean;
  withStd: boolean;
}

interface ScalerState {
  mean: Float64Array;
  variance: Float64Array;
  scale: Float64Array;
  nFeatures: number;
}

/** Centre each feature and divide by its population standard deviation. */
export class StandardScaler extends BaseEstimator<StandardScalerParams> implements Transformer<StandardScalerParams> {
  readonly kind = 'transformer' as const;
  private state: ScalerState | undefined;

  constructor(params: Partial<StandardScalerParams> = {}) {
    super('StandardScaler', { withMean: true, withStd: true }, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private fittedState(method: string): ScalerState {
    if (!this.state) throw this.notFitted(method);
    return this.state;
  }
  get mean(): Float64Array {
    return this.fittedState('mean').mean;
  }
  /** Population variance per column (ddof = 0). */
  get variance(): Float64Array {
    return this.fittedState('variance').variance;
  }
  /** Divisor per column: the standard deviation, or 1 where it is zero. */
  get scale(): Float64Array {
    return this.fittedState('scale').scale;
  }

  fit(X: Matrix, y?: Targets, _opts?: FitOptions): this {
    const m = checkMatrix(X, 'X');
    if (y !== undefined) checkLength(y, m.rows);
    const n = m.rows;
    const p = m.cols;
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += m.data[i * p + j]!;
    for (let j = 0; j < p; j++) mean[j]! /= n;
    const variance = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const d = m.data[i * p + j]! - mean[j]!;
        variance[j]! += d * d;
      }
    }
    const scale = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      variance[j]! /= n;
      const sd = Math.sqrt(variance[j]!);
      // A column that is constant up to rounding is left unscaled rather than blown up.
      scale[j] = sd < 10 * Number.EPSILON * Math.max(1, Math.abs(mean[j]!)) ? 1 : sd;
    }
    this.state = { mean, variance, scale, nFeatures: p };
    return this;
  }

  transform(X: Matrix): Matrix {
    return this.apply(X, 'transform', false);
  }

  inverseTransform(X: Matrix): Matrix {
    return this.apply(X, 'inverseTransform', true);
  }

  /** (x - mean) / scale, or its inverse x * scale + mean, column by column. */
  private apply(X: Matrix, method: string, inverse: boolean): Matrix {
    const s = this.fittedState(method);
    const m = checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
    const { withMean, withStd } = this.params;
    const out = new Matrix(m.rows, m.cols);
    const p = m.cols;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < p; j++) {
        let v = m.data[i * p + j]!;
        if (inverse) {
          if (withStd) v *= s.scale[j]!;
          if (withMean) v += s.mean[j]!;
        } else {
          if (withMean) v -= s.mean[j]!;
          if (withStd) v /= s.scale[j]!;
        }
        out.data[i * p + j] = v;
      }
    }
    return out;
  }

  fitTransform(X: Matrix, y?: Targets, opts?: FitOptions): Matrix {
    return this.fit(X, y, opts).transform(X);
  }
}
