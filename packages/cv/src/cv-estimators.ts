// Estimators with their own cross-validated hyper-parameter, as scikit-learn's
// LogisticRegressionCV (liblinear: the intercept is a penalised constant feature) and LassoCV
// (each fold's path of alphas solved exactly, or by scikit-learn's warm-started coordinate descent
// replayed). nilearn's Decoder uses both.
import { Matrix } from '@neurodecode/matrix';
import {
  BaseEstimator,
  cdDesign,
  cdDesignRows,
  checkClassification,
  checkMatrix,
  checkRegression,
  enetAlphaGrid,
  enetCoordinateDescent,
  EnetPath,
  ExactEnetPath,
  checkEnetSolver,
  DEFAULT_ENET_SOLVER,
  type EnetSolver,
  linearScores,
  tronLogisticGram,
  featureMajor,
  solveL1Linear,
  labelCorrelations,
  tiledRowGram,
  selectGram,
  argmaxLabels,
  r2,
  registerEstimator,
  type Classifier,
  type FitOptions,
  type Label,
  type L1PathGradient,
  type LinearModel,
  type Regressor,
  type Targets,
} from '@neurodecode/estimators';
import { KFold, StratifiedKFold, type Splitter } from './splitters.js';

/** Hyper-parameters of LogisticRegressionCV (scikit-learn's names, camel-cased): Cs, cv, penalty 'l2' or 'l1', tol, intercept. */
export interface LogisticRegressionCVParams {
  [key: string]: unknown;
  /** Candidate C values, or a count n for logspace(-4, 4, n) (scikit-learn's default 10). */
  Cs: readonly number[] | number;
  penalty: 'l2' | 'l1';
  /** Folds: a count (stratified k-fold, scikit-learn's default 5) or a splitter. */
  cv: number | Splitter;
  fitIntercept: boolean;
  /** Value of the appended constant feature; its weight is penalised (liblinear). */
  interceptScaling: number;
  tol: number;
  maxIter: number;
}

const LOGISTIC_CV_DEFAULTS: LogisticRegressionCVParams = {
  Cs: 10,
  penalty: 'l2',
  cv: 5,
  fitIntercept: true,
  interceptScaling: 1,
  tol: 1e-4,
  maxIter: 100,
};

/** The candidate grid: an explicit list, or n values log-spaced over 1e-4..1e4. */
export function resolveCs(Cs: readonly number[] | number): number[] {
  if (typeof Cs === 'number') {
    if (!Number.isInteger(Cs) || Cs < 1) throw new RangeError(`Cs: a count must be a positive integer, got ${Cs}`);
    return Array.from({ length: Cs }, (_, i) => 10 ** (Cs === 1 ? -4 : -4 + (8 * i) / (Cs - 1)));
  }
  const list = Array.from(Cs);
  if (!list.length || list.some((c) => !(c > 0))) throw new RangeError(`Cs: expected positive numbers, got ${JSON.stringify(list)}`);
  return list;
}

interface LogisticCVState {
  classes: Label[];
  nFeatures: number;
  coef: Matrix;
  intercept: Float64Array;
  C: Float64Array;
  scores: Float64Array[];
}

/**
 * The rows `rows` of every feature-major column of `cols` (n values per column) copied into `out`
 * (rows.length values per column), and each column's sum over those rows of signs[k] times the
 * value (labelCorrelations of the copy, summed in the same order), returned, and its Euclidean
 * norm (into `norms`), from the same pass.
 */
function gatherRows(
  cols: Float64Array,
  n: number,
  q: number,
  rows: Int32Array,
  signs: Int8Array,
  out: Float64Array,
  norms: Float64Array,
): Float64Array {
  const m = rows.length;
  const correlations = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    const from = j * n;
    const to = j * m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let sq = 0;
    let k = 0;
    for (; k + 3 < m; k += 4) {
      const v0 = cols[from + rows[k]!]!;
      const v1 = cols[from + rows[k + 1]!]!;
      const v2 = cols[from + rows[k + 2]!]!;
      const v3 = cols[from + rows[k + 3]!]!;
      out[to + k] = v0;
      out[to + k + 1] = v1;
      out[to + k + 2] = v2;
      out[to + k + 3] = v3;
      s0 += signs[k]! * v0;
      s1 += signs[k + 1]! * v1;
      s2 += signs[k + 2]! * v2;
      s3 += signs[k + 3]! * v3;
      sq += v0 * v0 + v1 * v1 + (v2 * v2 + v3 * v3);
    }
    for (; k < m; k++) {
      const v = cols[from + rows[k]!]!;
      out[to + k] = v;
      s0 += signs[k]! * v;
      sq += v * v;
    }
    correlations[j] = s0 + s1 + (s2 + s3);
    norms[j] = Math.sqrt(sq);
  }
  return correlations;
}

/** scikit-learn's LogisticRegressionCV (liblinear): C chosen per class by inner cross-validation over Cs (C_ after fit), then refitted on all rows. */
export class LogisticRegressionCV
  extends BaseEstimator<LogisticRegressionCVParams>
  implements Classifier<LogisticRegressionCVParams>, LinearModel
{
  readonly kind = 'classifier' as const;
  private state: LogisticCVState | undefined;

  constructor(params: Partial<LogisticRegressionCVParams> = {}) {
    super('LogisticRegressionCV', LOGISTIC_CV_DEFAULTS, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private need(what: string): LogisticCVState {
    if (!this.state) throw this.notFitted(what);
    return this.state;
  }
  get classes(): Label[] {
    return this.need('classes').classes.slice();
  }
  get coef(): Matrix {
    return this.need('coef').coef;
  }
  get intercept(): Float64Array {
    return this.need('intercept').intercept;
  }
  /** The chosen C per binary problem (scikit-learn's C_). */
  get C_(): Float64Array {
    return this.need('C_').C;
  }
  /** Mean inner accuracy per problem and candidate C. */
  get cvScoresPerC(): Float64Array[] {
    return this.need('scores').scores;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    if (opts.sampleWeight) throw new Error('LogisticRegressionCV: sampleWeight is not supported');
    const { X: m, classes, codes } = checkClassification(X, y);
    const P = this.params;
    if (P.penalty !== 'l1' && P.penalty !== 'l2')
      throw new RangeError(`LogisticRegressionCV: penalty must be "l2" or "l1", got ${JSON.stringify(P.penalty)}`);
    const Cs = resolveCs(P.Cs);
    const bias = P.fitIntercept ? P.interceptScaling : 0;
    const n = m.rows;
    const p = m.cols;
    // L2: liblinear's trust-region Newton on the Gram matrix (its own stopping rule, so early
    // stops agree with scikit-learn); L1: coordinate descent to the optimum on the augmented data.
    const K = P.penalty === 'l2' ? tiledRowGram(m.data, n, p) : undefined;
    if (K) for (let a = 0; a < n * n; a++) K[a]! += bias * bias;
    const A = P.penalty === 'l1' ? featureMajor(m, bias) : undefined;
    /** Dual coefficients (L2) or weights with the bias last (L1) of one fit on rows `rows`. */
    // L1: the previous C's weights (same rows) start the next fit, with the loss gradient there
    // (path); the optimum is the same.
    let sub: Float64Array | undefined;
    let subRows: Int32Array | undefined;
    let subScale = 0;
    // The fold's column norms (from the gather), which let the solver bound gradients.
    let subNorms: Float64Array | undefined;
    let subBuffer = new Float64Array(0);
    let scaleSigns: Int8Array | undefined;
    let correlations: Float64Array | undefined;
    const fitRows = (rows: Int32Array, signs: Int8Array, C: number, warm?: Float64Array, path?: L1PathGradient) => {
      if (K)
        return tronLogisticGram(selectGram(K, n, rows), rows.length, signs, {
          C: new Float64Array(rows.length).fill(C),
          tol: P.tol,
          maxIter: P.maxIter,
        }).coef;
      // The fold's columns (and its gradient scale at w = 0) serve every C of the path.
      if (subRows !== rows || scaleSigns !== signs) {
        const q = A!.nFeatures;
        if (subRows === rows) correlations = labelCorrelations(sub!, rows.length, q, signs);
        else if (rows.length === n) {
          sub = A!.cols;
          subNorms = undefined;
          correlations = labelCorrelations(sub, n, q, signs);
        } else {
          // One buffer for every inner fold (the last fold's columns are not needed once the next starts).
          if (subBuffer.length < q * rows.length) subBuffer = new Float64Array(q * rows.length);
          sub = subBuffer.subarray(0, q * rows.length);
          subNorms = new Float64Array(q);
          correlations = gatherRows(A!.cols, n, q, rows, signs, sub, subNorms);
        }
        subRows = rows;
        scaleSigns = signs;
        subScale = 0;
        for (const g of correlations) subScale = Math.max(subScale, Math.abs(g));
      }
      // A path that starts at w = 0 knows its gradient there: -C / 2 times the label correlations.
      if (path && !path.valid && warm === undefined) {
        path.gradient = correlations!.map((g) => -0.5 * g);
        path.radius = undefined;
        path.reference = undefined;
        path.C = 1;
        path.valid = true;
      }
      if (path && subNorms) path.columnNorms = subNorms;
      const wOut = warm ? warm.slice() : new Float64Array(A!.nFeatures);
      solveL1Linear(
        sub!,
        rows.length,
        A!.nFeatures,
        signs,
        'log',
        { C, bias, tol: 1e-6, maxIter: 1000, warmStart: true, zeroGradientMax: subScale, path },
        wOut,
      );
      return wOut;
    };
    // L1: the held-out rows' decisions from the non-zero weights only, row by row of X.
    const decisions = (model: Float64Array, rows: Int32Array, test: Int32Array): Float64Array => {
      const out = new Float64Array(test.length);
      if (K) {
        test.forEach((i, t) => {
          let v = 0;
          for (let a = 0; a < rows.length; a++) v += model[a]! * K[i * n + rows[a]!]!;
          out[t] = v;
        });
        return out;
      }
      const support: number[] = [];
      for (let j = 0; j < p; j++) if (model[j] !== 0) support.push(j);
      const b = bias !== 0 ? model[p]! * bias : 0;
      test.forEach((i, t) => {
        let v = b;
        for (const j of support) v += m.data[i * p + j]! * model[j]!;
        out[t] = v;
      });
      return out;
    };
    const splitter: Splitter = typeof P.cv === 'number' ? new StratifiedKFold({ nSplits: P.cv }) : P.cv;
    const folds = splitter.split(n, y);
    const problems = classes.length === 2 ? 1 : classes.length;
    const coef = new Matrix(problems, p);
    const intercept = new Float64Array(problems);
    const chosen = new Float64Array(problems);
    const allScores: Float64Array[] = [];
    const everyRow = Int32Array.from({ length: n }, (_, i) => i);
    for (let c = 0; c < problems; c++) {
      const positive = problems === 1 ? 1 : c;
      const signs = Int8Array.from(codes, (v) => (v === positive ? 1 : -1));
      const scores = new Float64Array(Cs.length);
      const lastFoldModels: Float64Array[] = [];
      for (const f of folds) {
        const str = Int8Array.from(f.train, (i) => signs[i]!);
        if (new Set(str).size < 2) throw new Error('LogisticRegressionCV: an inner training fold holds a single class; use fewer folds');
        let previous: Float64Array | undefined;
        const path: L1PathGradient = { gradient: new Float64Array(0), C: 1, valid: false };
        Cs.forEach((C, k) => {
          const model = fitRows(f.train, str, C, K ? undefined : previous, path);
          previous = model;
          if (!K) lastFoldModels[k] = model;
          const held = decisions(model, f.train, f.test);
          let hits = 0;
          f.test.forEach((i, t) => {
            if ((held[t]! > 0 ? 1 : -1) === signs[i]) hits++;
          });
          scores[k]! += hits / f.test.length;
        });
      }
      // First best C, as numpy's argmax over the summed fold scores.
      let best = 0;
      for (let k = 1; k < Cs.length; k++) if (scores[k]! > scores[best]! + 1e-12) best = k;
      chosen[c] = Cs[best]!;
      allScores.push(scores.map((v) => v / folds.length));
      // L1: the last inner fold's weights at that C start the refit on every row (same optimum).
      const model = fitRows(everyRow, signs, Cs[best]!, K ? undefined : lastFoldModels[best]);
      if (K) {
        // w = X^T coef over the original columns; the bias weight is bias * sum(coef).
        const row = coef.data.subarray(c * p, (c + 1) * p);
        let b = 0;
        for (let i = 0; i < n; i++) {
          const a = model[i]!;
          b += a;
          for (let j = 0, o = i * p; j < p; j++) row[j]! += a * m.data[o + j]!;
        }
        intercept[c] = b * bias * bias;
      } else {
        coef.data.set(model.subarray(0, p), c * p);
        intercept[c] = bias !== 0 ? model[p]! * bias : 0;
      }
    }
    this.state = { classes, nFeatures: p, coef, intercept, C: chosen, scores: allScores };
    return this;
  }

  decisionFunction(X: Matrix): Matrix {
    const s = this.need('decisionFunction');
    return linearScores(checkMatrix(X, 'X', s.nFeatures, this.estimatorName), s.coef, s.intercept);
  }

  predictProba(X: Matrix): Matrix {
    const d = this.decisionFunction(X);
    const k = this.need('predictProba').classes.length;
    const out = new Matrix(d.rows, k);
    for (let i = 0; i < d.rows; i++) {
      if (k === 2) {
        const p1 = 1 / (1 + Math.exp(-d.data[i]!));
        out.data[2 * i] = 1 - p1;
        out.data[2 * i + 1] = p1;
      } else {
        // one-vs-rest: normalised sigmoids, as scikit-learn
        let s = 0;
        for (let c = 0; c < k; c++) {
          const v = 1 / (1 + Math.exp(-d.data[i * k + c]!));
          out.data[i * k + c] = v;
          s += v;
        }
        for (let c = 0; c < k; c++) out.data[i * k + c]! /= s;
      }
    }
    return out;
  }

  predict(X: Matrix): Label[] {
    return argmaxLabels(this.decisionFunction(X), this.need('predict').classes);
  }

  score(X: Matrix, y: Targets): number {
    const pred = this.predict(X);
    const t = y as ArrayLike<Label>;
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === t[i]) hits++;
    return hits / pred.length;
  }
}

/** Hyper-parameters of LassoCV (scikit-learn's names, camel-cased): alphas or nAlphas, eps, cv, intercept, tol, maxIter, and the solver. */
export interface LassoCVParams {
  [key: string]: unknown;
  /** Explicit candidate alphas, or null for nAlphas values down from the smallest all-zero alpha. */
  alphas: readonly number[] | null;
  nAlphas: number;
  /** Smallest alpha as a fraction of the largest. */
  eps: number;
  /** Folds: a count (k-fold, scikit-learn's default 5) or a splitter. */
  cv: number | Splitter;
  fitIntercept: boolean;
  /** Coordinate descent's tolerance (scikit-learn's tol). */
  tol: number;
  /** Coordinate descent's sweep limit per alpha (scikit-learn's max_iter). */
  maxIter: number;
  /**
   * 'exact' (default): every fold's path and the refit solved to the optimum; 'coordinate-descent':
   * scikit-learn's warm-started coordinate descent replayed, early stops included, so alpha_, the
   * errors and the coefficients are scikit-learn's.
   */
  solver: EnetSolver;
}

const LASSO_CV_DEFAULTS: LassoCVParams = {
  alphas: null,
  nAlphas: 100,
  eps: 1e-3,
  cv: 5,
  fitIntercept: true,
  tol: 1e-4,
  maxIter: 1000,
  solver: DEFAULT_ENET_SOLVER,
};

interface LassoCVState {
  nFeatures: number;
  coef: Matrix;
  intercept: Float64Array;
  alpha: number;
  alphas: Float64Array;
  mse: Float64Array;
}

/** scikit-learn's LassoCV: the Lasso with alpha chosen by inner cross-validation along a path of alphas (alpha_ after fit). */
export class LassoCV extends BaseEstimator<LassoCVParams> implements Regressor<LassoCVParams>, LinearModel {
  readonly kind = 'regressor' as const;
  private state: LassoCVState | undefined;

  constructor(params: Partial<LassoCVParams> = {}) {
    super('LassoCV', LASSO_CV_DEFAULTS, params);
  }

  get fitted(): boolean {
    return this.state !== undefined;
  }
  private need(what: string): LassoCVState {
    if (!this.state) throw this.notFitted(what);
    return this.state;
  }
  get coef(): Matrix {
    return this.need('coef').coef;
  }
  get intercept(): Float64Array {
    return this.need('intercept').intercept;
  }
  /** The chosen penalty (scikit-learn's alpha_). */
  get alpha_(): number {
    return this.need('alpha_').alpha;
  }
  get alphas_(): Float64Array {
    return this.need('alphas_').alphas;
  }
  /** Mean held-out squared error per alpha. */
  get mse(): Float64Array {
    return this.need('mse').mse;
  }

  fit(X: Matrix, y?: Targets, opts: FitOptions = {}): this {
    if (opts.sampleWeight) throw new Error('LassoCV: sampleWeight is not supported');
    const { X: m, y: t } = checkRegression(X, y);
    const P = this.params;
    if (!Number.isInteger(P.nAlphas) || P.nAlphas < 1)
      throw new RangeError(`LassoCV: nAlphas must be a positive integer, got ${P.nAlphas}`);
    const centre = (v: Float64Array) => {
      let s = 0;
      if (P.fitIntercept) {
        for (const a of v) s += a;
        s /= v.length;
      }
      return { mean: s, c: Float64Array.from(v, (a) => a - s) };
    };
    const full = cdDesign(m, P.fitIntercept);
    const { c: yc } = centre(t);
    let alphas: Float64Array;
    if (P.alphas) {
      alphas = Float64Array.from(P.alphas).sort().reverse();
      if (alphas.some((a) => !(a >= 0))) throw new RangeError('LassoCV: alphas must be >= 0');
    } else alphas = enetAlphaGrid(full, yc, { l1Ratio: 1, eps: P.eps, nAlphas: P.nAlphas });
    const solver = checkEnetSolver(P.solver, 'LassoCV');
    // The exact paths need distinct positive alphas; repeats share one solution.
    const distinct = Float64Array.from(new Set(alphas));
    if (solver === 'exact' && distinct.some((a) => !(a > 0)))
      throw new RangeError('LassoCV: solver "exact" needs alphas > 0 (use solver "coordinate-descent" for alpha 0)');
    const slot = Int32Array.from(alphas, (a) => distinct.indexOf(a));
    const splitter: Splitter = typeof P.cv === 'number' ? new KFold({ nSplits: P.cv }) : P.cv;
    const folds = splitter.split(m.rows, t);
    const mse = new Float64Array(alphas.length);
    const p = m.cols;
    // The folds' designs one after another on one buffer (the exact solver's).
    const scratch = solver === 'exact' ? new Float64Array(Math.max(0, ...folds.map((f) => f.train.length)) * p) : undefined;
    for (const f of folds) {
      // The replay builds the fold's design as scikit-learn does (its rounding); the exact solver gathers it.
      const D = solver === 'exact' ? cdDesignRows(full, f.train, P.fitIntercept, scratch) : cdDesign(m.selectRows(f.train), P.fitIntercept);
      const { mean: yMean, c: ytrc } = centre(Float64Array.from(f.train, (i) => t[i]!));
      // The held-out rows are read from the full design (feature-major, centred on all rows):
      // x_rj - D.xMean_j = full_rj - (D.xMean_j - full.xMean_j), so a score reads only the
      // columns of the nonzero weights, each held-out stretch contiguous.
      const nt = f.test.length;
      const N = full.n;
      const pred = new Float64Array(nt);
      /** Held-out squared error of weights w (over its nonzeros), divided by the fold count. */
      const score = (w: Float64Array) => {
        let b = yMean;
        for (let j = 0; j < p; j++) if (w[j] !== 0) b -= (D.xMean[j]! - full.xMean[j]!) * w[j]!;
        pred.fill(b);
        for (let j = 0; j < p; j++) {
          const c = w[j]!;
          if (c === 0) continue;
          const o = j * N;
          for (let k = 0; k < nt; k++) pred[k]! += c * full.cols[o + f.test[k]!]!;
        }
        let err = 0;
        for (let k = 0; k < nt; k++) err += (pred[k]! - t[f.test[k]!]!) ** 2;
        return err / nt / folds.length;
      };
      if (solver === 'exact') {
        const foldMse = new Float64Array(distinct.length);
        new ExactEnetPath(D, ytrc).solvePath(distinct, 1, (a, w) => {
          foldMse[a] = score(w);
        });
        for (let a = 0; a < alphas.length; a++) mse[a]! += foldMse[slot[a]!]!;
      } else {
        // One path per fold, largest alpha first, each solve warm-started from the last.
        const path = new EnetPath(D, ytrc);
        alphas.forEach((alpha, a) => {
          path.solve(alpha, 1, P.tol, P.maxIter);
          mse[a]! += score(path.w);
        });
      }
    }
    let best = 0;
    for (let a = 1; a < alphas.length; a++) if (mse[a]! < mse[best]!) best = a;
    let w: Float64Array = new Float64Array(p);
    if (solver === 'exact') {
      const path = new ExactEnetPath(full, yc);
      const last = slot[best]!;
      path.solvePath(distinct.subarray(0, last + 1), 1, undefined, (a) => a === last);
      w = path.w;
    } else enetCoordinateDescent(full, yc, alphas[best]!, 1, P.tol, P.maxIter, w);
    let b = centre(t).mean;
    for (let j = 0; j < p; j++) b -= full.xMean[j]! * w[j]!;
    this.state = { nFeatures: p, coef: new Matrix(1, p, w), intercept: Float64Array.of(b), alpha: alphas[best]!, alphas, mse };
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.need('predict');
    return linearScores(checkMatrix(X, 'X', s.nFeatures, this.estimatorName), s.coef, s.intercept).data;
  }

  score(X: Matrix, y: Targets): number {
    return r2(y as ArrayLike<number>, this.predict(X));
  }
}

registerEstimator(
  {
    name: 'logistic-cv',
    kind: 'classifier',
    description: 'Logistic regression with C chosen by inner cross-validation (liblinear semantics)',
    create: (p) => new LogisticRegressionCV(p),
  },
  { replace: true },
);
registerEstimator(
  {
    name: 'lasso-cv',
    kind: 'regressor',
    description: 'Lasso with alpha chosen along cross-validated paths (solved exactly by default)',
    create: (p) => new LassoCV(p),
  },
  { replace: true },
);
