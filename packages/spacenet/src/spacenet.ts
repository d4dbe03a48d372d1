// SpaceNetClassifier / SpaceNetRegressor: spatially regularised linear models (Graph-Net,
// TV-L1) with the alpha / l1-ratio path chosen by inner cross-validation.
import type { Classifier, EstimatorJSON, FitOptions, Label, Regressor, Targets } from '@neurodecode/estimators';
import { readEstimatorJSON, toEstimatorJSON } from '@neurodecode/estimators';
import {
  accuracy,
  argmaxLabels,
  checkClassification,
  checkLength,
  checkMatrix,
  checkParamNames,
  linearScores,
  r2,
} from '@neurodecode/estimators';
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { ensureBackendSync, type BackendName } from './backend.js';
import type { Penalty } from './fista.js';
import { checkGeometry, lineGeometry, neighbourTables, type MaskGeometry } from './geometry.js';
import { maskGeometry, unmask } from './mask.js';
import { fitPath } from './path.js';
import { columnStats, effectivePercentile, fStatistics, innerSplits, prepareBlock, screenColumns } from './preprocess.js';

/** SpaceNet's parameters (nilearn's names, camel-cased). */
export interface SpaceNetParams {
  penalty: Penalty;
  /** Mix of l1 (1) and spatial (0) penalty; several values are compared by inner CV. */
  l1Ratios: number | number[];
  /** Explicit alpha path (largest first); null -> nAlphas values from alpha_max down. */
  alphas: number[] | null;
  nAlphas: number;
  /** alpha_min / alpha_max of the automatic path. */
  eps: number;
  /** Inner cross-validation folds (by groups when fit gets them). */
  cv: number;
  /** Percent of voxels kept by univariate F screening (of a whole brain when zooms are known). */
  screeningPercentile: number;
  standardize: boolean;
  maxIter: number;
  tol: number;
  seed: number;
  /** Grid shape and C-order voxel indices of the columns of X (from fromMask / maskGeometry). */
  maskShape: [number, number, number] | null;
  maskIndices: ArrayLike<number> | null;
  /** Voxel size (mm), used to adjust screeningPercentile to the mask volume as nilearn does. */
  maskZooms: [number, number, number] | null;
  /** 'folds': mean of the per-fold best models (nilearn); 'full': one refit on all samples. */
  refit: 'folds' | 'full';
}

/** SpaceNet's default parameters (nilearn's). */
export const SPACENET_DEFAULTS: SpaceNetParams = {
  penalty: 'graph-net',
  l1Ratios: 0.5,
  alphas: null,
  nAlphas: 10,
  eps: 1e-3,
  cv: 3,
  screeningPercentile: 20,
  standardize: true,
  maxIter: 200,
  tol: 1e-4,
  seed: 0,
  maskShape: null,
  maskIndices: null,
  maskZooms: null,
  refit: 'full',
};
const PARAM_NAMES = Object.keys(SPACENET_DEFAULTS);

/** Extra fit options of SpaceNet: groups for the inner cross-validation. */
export interface SpaceNetFitOptions extends FitOptions {
  /** Groups (e.g. runs) for the inner cross-validation: no group is split across folds. */
  groups?: ArrayLike<number | string>;
}

export function validateParams(name: string, p: SpaceNetParams): void {
  if (p.penalty !== 'graph-net' && p.penalty !== 'tv-l1') {
    throw new Error(`penalty: unknown penalty "${String(p.penalty)}"; expected graph-net or tv-l1`);
  }
  const ratios = Array.isArray(p.l1Ratios) ? p.l1Ratios : [p.l1Ratios];
  if (ratios.length === 0) throw new Error('l1Ratios: needs at least one value');
  for (const r of ratios) {
    if (typeof r !== 'number' || !(r > 0 && r <= 1)) throw new Error(`l1Ratios: ${String(r)} is outside (0, 1]`);
  }
  if (p.alphas !== null && (!Array.isArray(p.alphas) || p.alphas.length === 0 || p.alphas.some((a) => !(a > 0)))) {
    throw new Error('alphas: expected a non-empty array of positive numbers or null');
  }
  const positiveInt = (k: 'nAlphas' | 'cv' | 'maxIter', min: number): void => {
    const v = p[k];
    if (!Number.isInteger(v) || v < min) throw new Error(`${k}: expected an integer >= ${min}, got ${String(v)}`);
  };
  positiveInt('nAlphas', 1);
  positiveInt('cv', 2);
  positiveInt('maxIter', 1);
  if (!(p.eps > 0 && p.eps < 1)) throw new Error(`eps: expected a number in (0, 1), got ${String(p.eps)}`);
  if (!(p.tol > 0)) throw new Error(`tol: expected a positive number, got ${String(p.tol)}`);
  if (!(p.screeningPercentile > 0 && p.screeningPercentile <= 100)) {
    throw new Error(`screeningPercentile: expected a number in (0, 100], got ${String(p.screeningPercentile)}`);
  }
  if (p.refit !== 'folds' && p.refit !== 'full') throw new Error(`refit: expected "folds" or "full", got "${String(p.refit)}"`);
  if ((p.maskShape === null) !== (p.maskIndices === null)) {
    throw new Error(`${name}: maskShape and maskIndices go together`);
  }
  if (p.maskIndices !== null && p.maskIndices.length === 0) throw new Error('maskIndices: the mask has no voxels');
}

/** The fitted state shared by both estimators. */
interface Fitted {
  coef: Matrix;
  intercept: Float64Array;
  bestAlpha: number[];
  bestL1Ratio: number[];
  cvScores: number[][][];
  alphas: number[][][];
  nIter: number;
  screenedColumns: Int32Array;
  screeningPercentileUsed: number;
  backend: BackendName;
}

abstract class SpaceNetBase {
  protected params: SpaceNetParams;
  protected state: Fitted | undefined;

  constructor(
    params: Partial<SpaceNetParams> = {},
    protected readonly estimatorName: string,
  ) {
    checkParamNames(estimatorName, params, PARAM_NAMES);
    this.params = { ...SPACENET_DEFAULTS, ...params };
    validateParams(estimatorName, this.params);
  }

  getParams(): SpaceNetParams {
    return { ...this.params };
  }

  setParams(params: Partial<SpaceNetParams>): this {
    checkParamNames(this.estimatorName, params, PARAM_NAMES);
    const next = { ...this.params, ...params };
    validateParams(this.estimatorName, next);
    this.params = next;
    return this;
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }

  protected get fittedState(): Fitted {
    if (!this.state) throw new Error(`${this.estimatorName}: not fitted; call fit(X, y) first`);
    return this.state;
  }

  /** Parameters (mask geometry included) and fitted state, as the estimator contract's toJSON. */
  toJSON(): EstimatorJSON {
    return toEstimatorJSON(this.estimatorName, this.getParams(), this.state ? { ...this.state, ...this.extraState() } : undefined);
  }

  fromJSON(json: EstimatorJSON | string): this {
    const { params, state } = readEstimatorJSON(json, this.estimatorName);
    this.setParams(params as Partial<SpaceNetParams>);
    const s = state as (Fitted & { classes?: Label[] }) | undefined;
    if (s !== undefined && !(s.coef instanceof Matrix && s.intercept instanceof Float64Array)) {
      throw new Error(`${this.estimatorName}: json: the saved state has no coefficients`);
    }
    this.state = s;
    if (s) this.restoreExtraState(s as unknown as Record<string, unknown>);
    return this;
  }

  /** Fitted values a subclass keeps outside `state`. */
  protected extraState(): Record<string, unknown> {
    return {};
  }
  protected restoreExtraState(_saved: Record<string, unknown>): void {}

  get coef(): Matrix {
    return this.fittedState.coef;
  }
  get intercept(): Float64Array {
    return this.fittedState.intercept;
  }
  /** Chosen alpha (one per binary problem: one for binary classification / regression). */
  get bestAlpha(): number {
    return this.fittedState.bestAlpha[0]!;
  }
  get bestL1Ratio(): number {
    return this.fittedState.bestL1Ratio[0]!;
  }
  /** Mean inner-CV score, [problem][l1 ratio][alpha]. */
  get cvScores(): number[][][] {
    return this.fittedState.cvScores;
  }
  get alphaGrid(): number[][][] {
    return this.fittedState.alphas;
  }
  get nIter(): number {
    return this.fittedState.nIter;
  }
  /** Columns of X kept by screening. */
  get screenedColumns(): Int32Array {
    return this.fittedState.screenedColumns;
  }
  get screeningPercentileUsed(): number {
    return this.fittedState.screeningPercentileUsed;
  }
  /** The tfjs backend the fit ran on. */
  get backend(): BackendName {
    return this.fittedState.backend;
  }
  /** Number of non-zero coefficients (over all maps). */
  get nNonzero(): number {
    let c = 0;
    for (const v of this.fittedState.coef.data) if (v !== 0) c++;
    return c;
  }

  protected geometry(nFeatures: number): MaskGeometry {
    const p = this.params;
    if (p.maskShape === null || p.maskIndices === null) return lineGeometry(nFeatures);
    const geom: MaskGeometry = {
      shape: p.maskShape,
      indices: Int32Array.from(p.maskIndices),
      zooms: p.maskZooms ?? undefined,
    };
    checkGeometry(geom, nFeatures);
    return geom;
  }

  /** Coefficient map(s) on the mask grid, an image like `like` (e.g. the mask). */
  coefImg(like: NiftiImage): NiftiImage {
    return unmask(this.fittedState.coef, this.geometry(this.fittedState.coef.cols), like);
  }

  /** Fit one linear problem per target column; targets are 0/1 (logistic) or real (squared). */
  protected fitProblems(
    X: Matrix,
    targets: Float64Array[],
    loss: 'logistic' | 'squared',
    classCodes: Int32Array | undefined,
    nClasses: number | undefined,
    opts: SpaceNetFitOptions,
  ): void {
    const backend = ensureBackendSync();
    const p = this.params;
    if (X.rows < 2 || X.cols < 1) throw new Error(`X: need at least 2 samples and 1 feature, got ${X.rows} x ${X.cols}`);
    if (X.hasNonFinite()) throw new Error('X: contains NaN or infinite values');
    if (opts.groups && opts.groups.length !== X.rows) {
      throw new Error(`groups: length ${opts.groups.length} does not match the ${X.rows} rows of X`);
    }
    const geom = this.geometry(X.cols);
    const stats = columnStats(X, p.standardize);
    const percentile = effectivePercentile(p.screeningPercentile, X.cols, geom.zooms);
    let kept: Int32Array;
    if (percentile >= 100) kept = Int32Array.from({ length: X.cols }, (_, j) => j);
    else kept = screenColumns(fStatistics(X, classCodes ? Float64Array.from(classCodes) : targets[0]!, nClasses), percentile);
    const allRows = Int32Array.from({ length: X.rows }, (_, i) => i);
    const prepared = prepareBlock(X, allRows, kept, stats);
    const tables = neighbourTables(geom, kept);
    const splits = innerSplits(X.rows, p.cv, classCodes, opts.groups);
    const ratios = Array.isArray(p.l1Ratios) ? p.l1Ratios : [p.l1Ratios];
    const coef = Matrix.zeros(targets.length, X.cols);
    const intercept = new Float64Array(targets.length);
    const fitted: Fitted = {
      coef,
      intercept,
      bestAlpha: [],
      bestL1Ratio: [],
      cvScores: [],
      alphas: [],
      nIter: 0,
      screenedColumns: kept,
      screeningPercentileUsed: percentile,
      backend,
    };
    targets.forEach((y, t) => {
      const res = fitPath(prepared, X.rows, kept.length, y, loss, tables, splits, {
        penalty: p.penalty,
        l1Ratios: ratios,
        alphas: p.alphas ?? undefined,
        nAlphas: p.nAlphas,
        eps: p.eps,
        maxIter: p.maxIter,
        tol: p.tol,
        patience: 3,
        refit: p.refit,
      });
      // Back to raw units: w_raw = w / scale, b_raw = b - sum(mean * w_raw).
      let b = res.b;
      kept.forEach((j, c) => {
        const wRaw = res.w[c]! / stats.scale[j]!;
        coef.data[t * X.cols + j] = wRaw;
        b -= stats.mean[j]! * wRaw;
      });
      intercept[t] = b;
      fitted.bestAlpha.push(res.alpha);
      fitted.bestL1Ratio.push(res.l1Ratio);
      fitted.cvScores.push(res.cvScores);
      fitted.alphas.push(res.alphas);
      fitted.nIter += res.iterations;
    });
    this.state = fitted;
  }
}

/** nilearn's SpaceNetClassifier: logistic loss with a Graph-Net or TV-L1 penalty, alpha and l1 ratio chosen by inner cross-validation. */
export class SpaceNetClassifier extends SpaceNetBase implements Classifier<SpaceNetParams> {
  readonly kind = 'classifier' as const;
  private classLabels: Label[] = [];

  constructor(params: Partial<SpaceNetParams> = {}) {
    super(params, 'SpaceNetClassifier');
  }

  /** A classifier whose columns are the voxels of `mask` (C order), as applyMask produces. */
  static fromMask(mask: NiftiImage, params: Partial<SpaceNetParams> = {}): SpaceNetClassifier {
    const g = maskGeometry(mask);
    return new SpaceNetClassifier({ ...params, maskShape: g.shape, maskIndices: g.indices, maskZooms: g.zooms ?? null });
  }

  get classes(): Label[] {
    this.fittedState;
    return this.classLabels.slice();
  }

  protected override extraState(): Record<string, unknown> {
    return { classes: this.classLabels };
  }
  protected override restoreExtraState(saved: Record<string, unknown>): void {
    this.classLabels = (saved.classes as Label[]).slice();
  }

  fit(X: Matrix, y?: Targets, opts: SpaceNetFitOptions = {}): this {
    if (!y) throw new Error('y: SpaceNetClassifier needs targets');
    const { classes, codes } = checkClassification(X, y);
    const problems = classes.length === 2 ? [1] : classes.map((_, k) => k);
    const targets = problems.map((k) => Float64Array.from(codes, (c) => (c === k ? 1 : 0)));
    this.classLabels = classes;
    this.fitProblems(X, targets, 'logistic', codes, classes.length, opts);
    return this;
  }

  decisionFunction(X: Matrix): Matrix {
    const s = this.fittedState;
    return linearScores(checkMatrix(X, 'X', s.coef.cols, this.estimatorName), s.coef, s.intercept);
  }

  predict(X: Matrix): Label[] {
    return argmaxLabels(this.decisionFunction(X), this.classLabels);
  }

  predictProba(X: Matrix): Matrix {
    const d = this.decisionFunction(X);
    const k = this.classLabels.length;
    const out = Matrix.zeros(X.rows, k);
    for (let i = 0; i < X.rows; i++) {
      if (d.cols === 1) {
        const p1 = 1 / (1 + Math.exp(-d.data[i]!));
        out.data[i * 2] = 1 - p1;
        out.data[i * 2 + 1] = p1;
      } else {
        let sum = 0;
        for (let c = 0; c < k; c++) sum += out.data[i * k + c] = 1 / (1 + Math.exp(-d.data[i * k + c]!));
        for (let c = 0; c < k; c++) out.data[i * k + c]! /= sum;
      }
    }
    return out;
  }

  score(X: Matrix, y: Targets): number {
    checkLength(y, X.rows);
    return accuracy(y, this.predict(X));
  }

  clone(): SpaceNetClassifier {
    return new SpaceNetClassifier(this.getParams());
  }
}

/** nilearn's SpaceNetRegressor: squared loss with a Graph-Net or TV-L1 penalty, alpha and l1 ratio chosen by inner cross-validation. */
export class SpaceNetRegressor extends SpaceNetBase implements Regressor<SpaceNetParams> {
  readonly kind = 'regressor' as const;

  constructor(params: Partial<SpaceNetParams> = {}) {
    super(params, 'SpaceNetRegressor');
  }

  static fromMask(mask: NiftiImage, params: Partial<SpaceNetParams> = {}): SpaceNetRegressor {
    const g = maskGeometry(mask);
    return new SpaceNetRegressor({ ...params, maskShape: g.shape, maskIndices: g.indices, maskZooms: g.zooms ?? null });
  }

  fit(X: Matrix, y?: Targets, opts: SpaceNetFitOptions = {}): this {
    if (!y) throw new Error('y: SpaceNetRegressor needs targets');
    if (y.length !== X.rows) throw new Error(`y: length ${y.length} does not match the ${X.rows} rows of X`);
    const target = Float64Array.from(y as ArrayLike<number>, (v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`y: value ${String(v)} at ${i} is not a finite number`);
      return v;
    });
    this.fitProblems(X, [target], 'squared', undefined, undefined, opts);
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fittedState;
    return linearScores(checkMatrix(X, 'X', s.coef.cols, this.estimatorName), s.coef, s.intercept).data;
  }

  score(X: Matrix, y: Targets): number {
    checkLength(y, X.rows);
    return r2(Float64Array.from(y as ArrayLike<number>), this.predict(X));
  }

  clone(): SpaceNetRegressor {
    return new SpaceNetRegressor(this.getParams());
  }
}
