// RidgeCV and RidgeClassifierCV: ridge with alpha chosen by efficient leave-one-out (scikit-learn's
// default cv=None "GCV" mode). One eigendecomposition of the n x n Gram matrix gives every
// alpha's leave-one-out residuals: e_i = c_i / G^-1_ii with G = K + alpha I restricted off the
// intercept direction (the intercept is not penalised). Ties go to the first alpha, as scikit-learn.
import { Matrix } from '@neurodecode/matrix';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { Ridge, RidgeClassifier, solveRidge, type RidgeParams, type RidgeClassifierParams } from './ridge.js';
import { checkClassification, checkRegression } from './labels.js';
import { columnMeans } from './linalg.js';
import { tiledRowGram } from './gram-kernel.js';
import type { FitOptions, Targets } from './types.js';

/** Hyper-parameters of RidgeCV: candidate alphas and whether to fit an intercept. */
export interface RidgeCVParams {
  [key: string]: unknown;
  /** Candidate penalties (each > 0). scikit-learn's default is (0.1, 1, 10). */
  alphas: readonly number[];
  fitIntercept: boolean;
}

const RIDGE_CV_DEFAULTS: RidgeCVParams = { alphas: [0.1, 1, 10], fitIntercept: true };

/**
 * Leave-one-out mean squared error of ridge for every alpha, on X (n x p) and Y (n x k,
 * row-major). Returns the errors and the index of the best (smallest error, first on ties).
 */
export function ridgeLooErrors(
  X: Matrix,
  Y: Float64Array,
  k: number,
  alphas: readonly number[],
  fitIntercept: boolean,
): { errors: Float64Array; best: number } {
  const n = X.rows;
  const p = X.cols;
  let Xc = X.data;
  let Yc = Y;
  if (fitIntercept) {
    const xm = columnMeans(X.data, n, p);
    const ym = columnMeans(Y, n, k);
    Xc = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xc[i * p + j] = X.data[i * p + j]! - xm[j]!;
    Yc = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) Yc[i * k + c] = Y[i * k + c]! - ym[c]!;
  }
  const K = tiledRowGram(Xc, n, p);
  // The intercept as a constant feature: its direction (ones) becomes an eigenvector of K.
  if (fitIntercept) for (let a = 0; a < n * n; a++) K[a]! += 1;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(K.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const Q = evd.eigenvectorMatrix;
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) q[i * n + m] = Q.get(i, m);
  let interceptDim = -1;
  if (fitIntercept) {
    let bestCos = -1;
    for (let m = 0; m < n; m++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i * n + m]!;
      if (Math.abs(s) > bestCos) {
        bestCos = Math.abs(s);
        interceptDim = m;
      }
    }
  }
  const qty = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) for (let c = 0; c < k; c++) qty[m * k + c]! += q[i * n + m]! * Yc[i * k + c]!;
  const errors = new Float64Array(alphas.length);
  const w = new Float64Array(n);
  let best = 0;
  alphas.forEach((alpha, a) => {
    if (!(alpha > 0)) throw new RangeError(`alphas: every alpha must be > 0, got ${alpha}`);
    for (let m = 0; m < n; m++) w[m] = m === interceptDim ? 0 : 1 / (lambda[m]! + alpha);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let g = 0;
      for (let m = 0; m < n; m++) g += w[m]! * q[i * n + m]! * q[i * n + m]!;
      for (let c = 0; c < k; c++) {
        let cv = 0;
        for (let m = 0; m < n; m++) cv += q[i * n + m]! * w[m]! * qty[m * k + c]!;
        const e = cv / g;
        sum += e * e;
      }
    }
    errors[a] = sum / (n * k);
    if (errors[a]! < errors[best]!) best = a;
  });
  return { errors, best };
}

function checkAlphas(name: string, alphas: readonly number[]): void {
  if (!Array.isArray(alphas) && !ArrayBuffer.isView(alphas)) throw new RangeError(`${name}: alphas must be an array of numbers`);
  if (alphas.length === 0) throw new RangeError(`${name}: alphas is empty`);
}

/** The RidgeCV classes' setParams: only alphas and fitIntercept, over the current values (or the defaults, during construction). */
function mergeCvParams(name: string, current: RidgeCVParams | undefined, params: Partial<RidgeCVParams>): RidgeCVParams {
  for (const key of Object.keys(params))
    if (key !== 'alphas' && key !== 'fitIntercept')
      throw new Error(`${name}: unknown parameter "${key}"; valid parameters: alphas, fitIntercept`);
  return { ...(current ?? RIDGE_CV_DEFAULTS), ...params };
}

/** scikit-learn's RidgeCV: ridge regression with alpha chosen by efficient leave-one-out over alphas (alpha_ after fit). */
export class RidgeCV extends Ridge {
  /** The chosen penalty (scikit-learn's alpha_) and every candidate's leave-one-out MSE. */
  alpha_?: number;
  looErrors?: Float64Array;
  private cvParams: RidgeCVParams;

  constructor(params: Partial<RidgeCVParams> = {}) {
    super({ alpha: 1, fitIntercept: params.fitIntercept ?? true });
    this.cvParams = { ...RIDGE_CV_DEFAULTS, ...params };
  }

  override getParams(): RidgeParams & RidgeCVParams {
    return { alphas: [...this.cvParams.alphas], fitIntercept: this.cvParams.fitIntercept } as unknown as RidgeParams & RidgeCVParams;
  }

  override setParams(params: Partial<RidgeCVParams>): this {
    this.cvParams = mergeCvParams('RidgeCV', this.cvParams, params);
    return this;
  }

  override clone(): this {
    return new RidgeCV(this.getParams()) as this;
  }

  override fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    if (opts?.sampleWeight) throw new Error('RidgeCV: sampleWeight is not supported');
    const P = this.getParams();
    checkAlphas('RidgeCV', P.alphas);
    const { X: m, y: t } = checkRegression(X, y);
    const { errors, best } = ridgeLooErrors(m, t, 1, P.alphas, P.fitIntercept);
    this.alpha_ = P.alphas[best]!;
    this.looErrors = errors;
    Ridge.prototype.setParams.call(this, { alpha: this.alpha_, fitIntercept: P.fitIntercept });
    return super.fit(m, t);
  }
}

/** scikit-learn's RidgeClassifierCV: the ridge classifier with alpha chosen by efficient leave-one-out. */
export class RidgeClassifierCV extends RidgeClassifier {
  alpha_?: number;
  looErrors?: Float64Array;
  private cvParams: RidgeCVParams;

  constructor(params: Partial<RidgeCVParams> = {}) {
    super({ alpha: 1, fitIntercept: params.fitIntercept ?? true });
    this.cvParams = { ...RIDGE_CV_DEFAULTS, ...params };
  }

  override getParams(): RidgeClassifierParams & RidgeCVParams {
    return { alphas: [...this.cvParams.alphas], fitIntercept: this.cvParams.fitIntercept } as unknown as RidgeClassifierParams &
      RidgeCVParams;
  }

  override setParams(params: Partial<RidgeCVParams>): this {
    this.cvParams = mergeCvParams('RidgeClassifierCV', this.cvParams, params);
    return this;
  }

  override clone(): this {
    return new RidgeClassifierCV(this.getParams()) as this;
  }

  override fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    if (opts?.sampleWeight) throw new Error('RidgeClassifierCV: sampleWeight is not supported');
    checkAlphas('RidgeClassifierCV', this.cvParams.alphas);
    const { X: m, classes, codes } = checkClassification(X, y);
    const k = classes.length === 2 ? 1 : classes.length;
    const n = m.rows;
    const Y = new Float64Array(n * k).fill(-1);
    for (let i = 0; i < n; i++) {
      if (k === 1) Y[i] = codes[i] === 1 ? 1 : -1;
      else Y[i * k + codes[i]!] = 1;
    }
    const { errors, best } = ridgeLooErrors(m, Y, k, this.cvParams.alphas, this.cvParams.fitIntercept);
    this.alpha_ = this.cvParams.alphas[best]!;
    this.looErrors = errors;
    RidgeClassifier.prototype.setParams.call(this, { alpha: this.alpha_, fitIntercept: this.cvParams.fitIntercept });
    return super.fit(m, y);
  }
}

export { solveRidge };
