// Univariate feature screening: ANOVA F scores and SelectPercentile.
import type { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { checkClassification, checkLength, checkMatrix, checkRegression } from './labels.js';
import { fSurvival } from './stats.js';
import type { FitOptions, Targets, Transformer } from './types.js';

/** ANOVA F statistics and their p-values, one per feature. */
export interface FScores {
  /** F statistic per feature (NaN for a feature constant within every class). */
  F: Float64Array;
  /** p-value per feature from the F distribution. */
  p: Float64Array;
}

/** Options of fClassif / fRegression. */
export interface FTestOptions {
  /**
   * 'float64' (default) computes in double precision. 'float32' reproduces scikit-learn on
   * float32 data (what nilearn's maskers return) operation for operation: values rounded to
   * float32, sums accumulated row by row per class in float32, p from the float32 F. Use it
   * when screening must select exactly the features nilearn selects.
   */
  precision?: 'float64' | 'float32';
}

/** One-way ANOVA F test of each column of X across the classes of y. */
export function fClassif(X: Matrix, y: Targets, opts: FTestOptions = {}): FScores {
  const { X: m, classes, codes } = checkClassification(X, y);
  if (opts.precision === 'float32') return fClassifFloat32(m, classes.length, codes);
  if (opts.precision !== undefined && opts.precision !== 'float64') {
    throw new RangeError(`precision: must be "float64" or "float32", got ${JSON.stringify(opts.precision)}`);
  }
  const n = m.rows;
  const p = m.cols;
  const k = classes.length;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[codes[i]!]!++;
  const classSums = new Float64Array(k * p);
  const total = new Float64Array(p);
  const totalSq = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    const coff = codes[i]! * p;
    for (let j = 0; j < p; j++) {
      const v = m.data[off + j]!;
      classSums[coff + j]! += v;
      total[j]! += v;
      totalSq[j]! += v * v;
    }
  }
  const F = new Float64Array(p);
  const pv = new Float64Array(p);
  const dfBetween = k - 1;
  const dfWithin = n - k;
  for (let j = 0; j < p; j++) {
    const ssTotal = totalSq[j]! - (total[j]! * total[j]!) / n;
    let ssBetween = -(total[j]! * total[j]!) / n;
    for (let c = 0; c < k; c++) ssBetween += (classSums[c * p + j]! * classSums[c * p + j]!) / counts[c]!;
    const ssWithin = ssTotal - ssBetween;
    F[j] = ssBetween / dfBetween / (ssWithin / dfWithin);
    pv[j] = fSurvival(F[j]!, dfBetween, dfWithin);
  }
  return { F, p: pv };
}

function fClassifFloat32(m: Matrix, k: number, codes: Int32Array): FScores {
  const f32 = Math.fround;
  const n = m.rows;
  const p = m.cols;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[codes[i]!]!++;
  // Per class, in row order: sum of squares and sum (scikit-learn sums each class block).
  const classSq = new Float32Array(k * p);
  const classSum = new Float32Array(k * p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    const co = codes[i]! * p;
    for (let j = 0; j < p; j++) {
      const v = f32(m.data[off + j]!);
      classSq[co + j] = f32(classSq[co + j]! + f32(v * v));
      classSum[co + j] = f32(classSum[co + j]! + v);
    }
  }
  const F = new Float64Array(p);
  const pv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let ss = 0;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      ss = f32(ss + classSq[c * p + j]!);
      sum = f32(sum + classSum[c * p + j]!);
    }
    const sqAll = f32(sum * sum);
    const sstot = f32(ss - f32(sqAll / n));
    let ssbn = 0;
    for (let c = 0; c < k; c++) {
      const s = classSum[c * p + j]!;
      ssbn = f32(ssbn + f32(f32(s * s) / counts[c]!));
    }
    ssbn = f32(ssbn - f32(sqAll / n));
    const sswn = f32(sstot - ssbn);
    const msb = f32(ssbn / (k - 1));
    const msw = f32(sswn / (n - k));
    F[j] = f32(msb / msw);
    pv[j] = f32(fSurvival(F[j]!, k - 1, n - k));
  }
  return { F, p: pv };
}

/** F test of the linear correlation between each column of X and a continuous y. */
export function fRegression(X: Matrix, y: Targets): FScores {
  const { X: m, y: t } = checkRegression(X, y);
  const n = m.rows;
  const p = m.cols;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += t[i]!;
  yMean /= n;
  // One pass over X: sums of the values shifted by the first row's (exact zeros for a constant
  // column, no cancellation from a large mean), of their squares, and of their products with the
  // centred target (the shift drops out of the products, as the centred target sums to zero).
  const shift = m.data.subarray(0, p);
  const sum = new Float64Array(p);
  const cross = new Float64Array(p);
  const xSq = new Float64Array(p);
  const dys = Float64Array.from({ length: n }, (_, i) => t[i]! - yMean);
  let ySq = 0;
  for (let i = 0; i < n; i++) ySq += dys[i]! * dys[i]!;
  const d = m.data;
  let i = 0;
  // Four rows per pass over the sums (a quarter of their loads and stores), then one at a time.
  for (; i + 3 < n; i += 4) {
    const y0 = dys[i]!;
    const y1 = dys[i + 1]!;
    const y2 = dys[i + 2]!;
    const y3 = dys[i + 3]!;
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    for (let j = 0; j < p; j++) {
      const c = shift[j]!;
      const a0 = d[o0 + j]! - c;
      const a1 = d[o1 + j]! - c;
      const a2 = d[o2 + j]! - c;
      const a3 = d[o3 + j]! - c;
      sum[j]! += a0 + a1 + (a2 + a3);
      cross[j]! += a0 * y0 + a1 * y1 + (a2 * y2 + a3 * y3);
      xSq[j]! += a0 * a0 + a1 * a1 + (a2 * a2 + a3 * a3);
    }
  }
  for (; i < n; i++) {
    const dy = dys[i]!;
    const off = i * p;
    for (let j = 0; j < p; j++) {
      const dx = d[off + j]! - shift[j]!;
      sum[j]! += dx;
      cross[j]! += dx * dy;
      xSq[j]! += dx * dx;
    }
  }
  for (let j = 0; j < p; j++) xSq[j] = Math.max(0, xSq[j]! - (sum[j]! * sum[j]!) / n);
  const dof = n - 2;
  const F = new Float64Array(p);
  const pv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const r = cross[j]! / Math.sqrt(xSq[j]! * ySq);
    const r2 = r * r;
    F[j] = (r2 / (1 - r2)) * dof;
    pv[j] = fSurvival(F[j]!, 1, dof);
  }
  return { F, p: pv };
}

/**
 * Indices kept by a percentile rule: scores strictly above the (100 - percentile)-th percentile
 * (linear interpolation), plus tied scores at the threshold, in column order, until
 * floor(n * percentile / 100) features are kept. NaN scores count as the lowest.
 */
export function percentileSupport(scores: Float64Array, percentile: number): Uint8Array {
  const n = scores.length;
  const mask = new Uint8Array(n);
  if (percentile >= 100) return mask.fill(1);
  if (percentile <= 0) return mask;
  const clean = Float64Array.from(scores, (v) => (Number.isNaN(v) ? -Number.MAX_VALUE : v));
  const sorted = clean.slice().sort();
  const pos = ((100 - percentile) / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const threshold = sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  let kept = 0;
  for (let j = 0; j < n; j++)
    if (clean[j]! > threshold) {
      mask[j] = 1;
      kept++;
    }
  let room = Math.floor((n * percentile) / 100) - kept;
  for (let j = 0; j < n && room > 0; j++) {
    if (clean[j] === threshold) {
      mask[j] = 1;
      room--;
    }
  }
  return mask;
}

/** SelectPercentile's parameters. */
export interface SelectPercentileParams {
  scoreFunc: 'f_classif' | 'f_regression';
  /** Percent of features to keep (0-100). */
  percentile: number;
  /** Arithmetic of the F scores (see FTestOptions); 'float32' matches nilearn's selection. */
  precision: 'float64' | 'float32';
}

interface SelectState {
  scores: Float64Array;
  pvalues: Float64Array;
  support: Int32Array;
  nFeatures: number;
}

/** Keep the top percentile of features by ANOVA F (a transformer, as scikit-learn's SelectPercentile with f_classif). */
export class SelectPercentile extends BaseEstimator<SelectPercentileParams> implements Transformer<SelectPercentileParams> {
  readonly kind = 'transformer' as const;
  private state: SelectState | undefined;

  constructor(params: Partial<SelectPercentileParams> = {}) {
    super('SelectPercentile', { scoreFunc: 'f_classif', percentile: 10, precision: 'float64' }, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private fittedState(method: string): SelectState {
    if (!this.state) throw this.notFitted(method);
    return this.state;
  }
  get scores(): Float64Array {
    return this.fittedState('scores').scores;
  }
  get pvalues(): Float64Array {
    return this.fittedState('pvalues').pvalues;
  }
  /** Indices of the kept columns, ascending. */
  get support(): Int32Array {
    return this.fittedState('support').support;
  }

  fit(X: Matrix, y?: Targets, _opts?: FitOptions): this {
    const { scoreFunc, percentile } = this.params;
    if (!(percentile >= 0 && percentile <= 100))
      throw new RangeError(`SelectPercentile: percentile must be in [0, 100], got ${percentile}`);
    let result: FScores;
    if (scoreFunc === 'f_classif') result = fClassif(X, y as Targets, { precision: this.params.precision });
    else if (scoreFunc === 'f_regression') {
      if (this.params.precision === 'float32')
        throw new RangeError('SelectPercentile: precision "float32" is implemented for f_classif only');
      result = fRegression(X, y as Targets);
    } else throw new RangeError(`SelectPercentile: scoreFunc must be "f_classif" or "f_regression", got ${JSON.stringify(scoreFunc)}`);
    const mask = percentileSupport(result.F, percentile);
    const support: number[] = [];
    mask.forEach((v, j) => {
      if (v) support.push(j);
    });
    this.state = { scores: result.F, pvalues: result.p, support: Int32Array.from(support), nFeatures: X.cols };
    return this;
  }

  transform(X: Matrix): Matrix {
    const s = this.fittedState('transform');
    const m = checkMatrix(X, 'X', s.nFeatures, this.estimatorName);
    return m.selectCols(s.support);
  }

  fitTransform(X: Matrix, y?: Targets, opts?: FitOptions): Matrix {
    if (y !== undefined) checkLength(y, X.rows);
    return this.fit(X, y, opts).transform(X);
  }
}
