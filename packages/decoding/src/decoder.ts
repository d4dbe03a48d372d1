// Decoder / DecoderRegressor: nilearn's one-object decoding workflow. Images are masked (and
// standardized) once; then for every outer fold and every binary problem (one for two classes,
// one-vs-rest otherwise) the features are screened on the training fold, a hyper-parameter is
// chosen (nested on the training folds by default, or nilearn's optimistic pick on the test fold),
// and the chosen model is scored on the test fold. Coefficients are averaged over folds.
import { checkOptions, Matrix, optionKeys, rejectPromise } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import {
  checkMatrix, createEstimator, encodeLabels, tiledRowGram, SelectPercentile,
  type Classifier, type Estimator, type Label, type LinearModel, type Params, type Regressor, type Targets,
} from '@neurodecode/estimators';
import { GridSearchCV, expandParamGrid, getScorer, LeaveOneGroupOut, StratifiedKFold, KFold, type ParamGrid, type Predictor, type Splitter } from '@neurodecode/cv';
import { adjustScreeningPercentile } from './screening.js';
import { defaultParamGrid } from './grid.js';

/** How hyper-parameters are chosen: 'nested' (inner cv on the training folds) or nilearn's 'test-fold'. */
export type Selection = 'nested' | 'test-fold';

/** The Decoder's options (nilearn's, camel-cased). */
export interface DecoderOptions {
  /** Registered estimator name (default 'svc' for Decoder, 'ridge' for DecoderRegressor) or an instance. */
  estimator?: string | Estimator;
  /** Hyper-parameter grid (default: C in 1, 10, 100 for svc/logistic; alpha for ridge). */
  paramGrid?: ParamGrid | ParamGrid[];
  /** Outer cross-validation (default: leave-one-group-out with groups, else 10 folds). */
  cv?: Splitter;
  /** Inner cross-validation for nested selection (default: the outer kind on the training fold). */
  innerCv?: Splitter;
  /** Scorer name (default roc_auc for classifiers, r2 for regressors). */
  scoring?: string;
  /** 'nested' (default): choose parameters on the training folds; 'test-fold': nilearn's pick. */
  selection?: Selection;
  /** ANOVA screening percentile, scaled by the mask's share of an MNI brain (default 20). */
  screeningPercentile?: number | null;
  /** The mask image, used for screening adjustment and coefficient images. */
  maskImg?: NiftiImage;
  onProgress?: (done: number, total: number) => void;
}

/** One outer fold's outcome for one problem. */
export interface FoldResult {
  score: number;
  params: Params;
  /** Full-length coefficient vector (zeros for screened-out features) and intercept; absent for non-linear models. */
  coef?: Float64Array;
  intercept?: number;
  /** The fold's fitted model and the screened columns it sees (kept for non-linear models). */
  model?: { estimator: Estimator; support?: Int32Array };
}

interface Problem {
  /** Class this binary problem scores (classifiers); undefined for regression. */
  label?: Label;
  y: Float64Array;
}

const DECODER_OPTIONS = optionKeys<DecoderOptions>({
  estimator: true, paramGrid: true, cv: true, innerCv: true, scoring: true, selection: true, screeningPercentile: true,
  maskImg: true, onProgress: true,
});

abstract class BaseDecoder {
  protected readonly opts: DecoderOptions;
  protected abstract readonly isClassifier: boolean;
  coef?: Matrix;
  intercept?: Float64Array;
  /** Per class (classifier) or the single key 'target' (regressor): one score per outer fold. */
  cvScores: Record<string, number[]> = {};
  /** Chosen hyper-parameters per class and fold. */
  cvParams: Record<string, Params[]> = {};
  nFeatures = 0;
  nSamples = 0;
  screeningPercentileUsed = 100;
  /** Per problem, each fold's model: kept instead of `coef` when the estimator is not linear (public so a decoder can be saved). */
  foldModels?: { estimator: Estimator; support?: Int32Array }[][];

  constructor(opts: DecoderOptions = {}) {
    checkOptions(this.constructor.name, opts, DECODER_OPTIONS);
    rejectPromise(opts.maskImg, 'maskImg');
    this.opts = { ...opts };
  }

  protected baseEstimator(): Estimator {
    const e = this.opts.estimator ?? (this.isClassifier ? 'svc' : 'ridge');
    const est = typeof e === 'string' ? createEstimator(e) : e.clone();
    if (this.isClassifier && est.kind !== 'classifier') throw new Error(`estimator: "${typeof e === 'string' ? e : est.constructor.name}" is not a classifier`);
    if (!this.isClassifier && est.kind !== 'regressor') throw new Error(`estimator: "${typeof e === 'string' ? e : est.constructor.name}" is not a regressor`);
    return est;
  }

  protected outerCv(groups?: Targets): Splitter {
    if (this.opts.cv) return this.opts.cv;
    if (groups) return new LeaveOneGroupOut();
    return this.isClassifier ? new StratifiedKFold({ nSplits: 10 }) : new KFold({ nSplits: 10 });
  }

  protected innerCv(outer: Splitter, trainGroups?: Label[]): Splitter {
    return this.opts.innerCv ?? defaultInnerCv(outer, trainGroups, this.isClassifier);
  }

  /** Run the cross-validated fit on an already masked matrix (rows = samples). */
  protected fitProblems(X: Matrix, problems: Problem[], groups?: Targets): FoldResult[][] {
    if (X.hasNonFinite()) throw new Error('X: contains NaN or infinite values');
    this.nSamples = X.rows;
    this.nFeatures = X.cols;
    const cv = this.outerCv(groups);
    const splits = cv.split(X.rows, problems[0]!.y, groups);
    const base = this.baseEstimator();
    const gridSpec = this.opts.paramGrid ?? defaultParamGrid(typeof this.opts.estimator === 'string' ? this.opts.estimator : undefined, base);
    const grid = Object.keys(gridSpec).length || Array.isArray(gridSpec) ? expandParamGrid(gridSpec) : [{}];
    const scorer = getScorer(this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2'));
    const selection = this.opts.selection ?? 'nested';
    if (selection !== 'nested' && selection !== 'test-fold') throw new Error(`selection: expected "nested" or "test-fold", got "${selection}"`);
    const percentile = adjustScreeningPercentile(this.opts.screeningPercentile === undefined ? 20 : this.opts.screeningPercentile, this.opts.maskImg);
    this.screeningPercentileUsed = percentile;
    const groupList = groups ? Array.from(groups as ArrayLike<Label>) : undefined;
    const total = splits.length * problems.length;
    let done = 0;
    const results: FoldResult[][] = problems.map(() => []);
    // With screening, the folds' full-width row copies only feed the screening and a column
    // selection, so two buffers serve every fold (a fresh 200 x 40,000 copy per fold mostly
    // costs page faults and zeroing). Without screening estimators get their own copies.
    const screened = percentile < 100;
    const trainBuffer = screened ? new Float64Array(Math.max(...splits.map((s) => s.train.length)) * X.cols) : undefined;
    const testBuffer = screened ? new Float64Array(Math.max(...splits.map((s) => s.test.length)) * X.cols) : undefined;
    for (const split of splits) {
      const Xtr = trainBuffer ? rowsInto(X, split.train, trainBuffer) : X.selectRows(split.train);
      const Xte = testBuffer ? rowsInto(X, split.test, testBuffer) : X.selectRows(split.test);
      for (let p = 0; p < problems.length; p++) {
        const yAll = problems[p]!.y;
        const ytr = pick(yAll, split.train);
        const yte = pick(yAll, split.test);
        if (this.isClassifier && new Set(ytr).size < 2) {
          throw new Error(`cv: a training fold holds a single class (${problemName(problems[p]!)}); choose another cv or targets`);
        }
        let support: Int32Array | undefined;
        let A = Xtr, B = Xte;
        if (percentile < 100) {
          // nilearn screens float32 data: f_classif in float32 picks exactly its features.
          const sel = new SelectPercentile(this.isClassifier ? { scoreFunc: 'f_classif', percentile, precision: 'float32' } : { scoreFunc: 'f_regression', percentile });
          sel.fit(Xtr, ytr);
          support = sel.support;
          A = Xtr.selectCols(support);
          B = Xte.selectCols(support);
        }
        // Few samples, many screened voxels: X X' of the training rows is computed once and every
        // candidate (and, in nested selection, every inner fold through GridSearchCV) fits from it.
        const fitOptions = base.acceptsGram?.(A.rows, A.cols) ? { gram: tiledRowGram(A.data, A.rows, A.cols) } : {};
        let best: Estimator;
        let bestParams: Params;
        if (grid.length === 1) {
          best = base.clone().setParams(grid[0]!).fit(A, ytr, fitOptions);
          bestParams = grid[0]!;
        } else if (selection === 'test-fold') {
          let bestScore = -Infinity;
          best = base;
          bestParams = grid[0]!;
          for (const params of grid) {
            const est = base.clone().setParams(params).fit(A, ytr, fitOptions);
            const s = scorer(est as unknown as Predictor, B, yte);
            // Ties go to the later candidate, as nilearn's loop does.
            if (s >= bestScore) { bestScore = s; best = est; bestParams = params; }
          }
        } else {
          const trainGroups = groupList ? split.train.reduce<Label[]>((acc, i) => (acc.push(groupList[i]!), acc), []) : undefined;
          const gs = new GridSearchCV({ estimator: base, paramGrid: gridSpec, cv: this.innerCv(cv, trainGroups), scoring: this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2') });
          gs.fit(A, ytr, { groups: trainGroups, ...fitOptions });
          best = gs.bestEstimator!;
          bestParams = gs.bestParams!;
        }
        const score = scorer(best as unknown as Predictor, B, yte);
        const weights = linearWeights(best, X.cols, support);
        results[p]!.push(weights
          ? { score, params: bestParams, coef: weights.coef, intercept: weights.intercept }
          : { score, params: bestParams, model: { estimator: best, support } });
        this.opts.onProgress?.(++done, total);
      }
    }
    const linear = results.every((folds) => folds.every((f) => f.coef !== undefined));
    this.coef = linear ? new Matrix(problems.length, X.cols) : undefined;
    this.intercept = linear ? new Float64Array(problems.length) : undefined;
    this.foldModels = linear ? undefined : results.map((folds) => folds.map((f) => f.model!));
    problems.forEach((prob, p) => {
      const folds = results[p]!;
      if (linear) {
        const row = this.coef!.row(p);
        for (const f of folds) for (let j = 0; j < row.length; j++) row[j]! += f.coef![j]! / folds.length;
        this.intercept![p] = folds.reduce((s, f) => s + f.intercept!, 0) / folds.length;
      }
      const key = problemName(prob);
      this.cvScores[key] = folds.map((f) => f.score);
      this.cvParams[key] = folds.map((f) => f.params);
    });
    return results;
  }

  /**
   * Decision values, rows = samples, one column per problem: the fold-averaged linear model, or for
   * models without coefficients the mean of the fold models' decision values (probability - 0.5
   * when they only offer probabilities).
   */
  protected decide(X: Matrix): Matrix {
    if (this.foldModels) return this.decideWithFoldModels(X);
    if (!this.coef || !this.intercept) throw new Error('Decoder: call fit() before predict()');
    if (X.cols !== this.coef.cols) throw new Error(`X: has ${X.cols} features, the decoder was fitted on ${this.coef.cols}`);
    const out = new Matrix(X.rows, this.coef.rows);
    for (let i = 0; i < X.rows; i++) {
      const x = X.row(i);
      for (let p = 0; p < this.coef.rows; p++) {
        const w = this.coef.row(p);
        let s = this.intercept[p]!;
        for (let j = 0; j < w.length; j++) s += w[j]! * x[j]!;
        out.data[i * out.cols + p] = s;
      }
    }
    return out;
  }

  private decideWithFoldModels(X: Matrix): Matrix {
    const models = this.foldModels!;
    if (X.cols !== this.nFeatures) throw new Error(`X: has ${X.cols} features, the decoder was fitted on ${this.nFeatures}`);
    const out = new Matrix(X.rows, models.length);
    models.forEach((folds, p) => {
      for (const { estimator, support } of folds) {
        const Xs = support ? X.selectCols(support) : X;
        const clf = estimator as unknown as { decisionFunction?: (X: Matrix) => Matrix; predictProba?: (X: Matrix) => Matrix; predict: (X: Matrix) => ArrayLike<unknown> };
        let col: Float64Array;
        if (clf.decisionFunction) { const d = clf.decisionFunction(Xs); col = d.col(d.cols - 1); }
        else if (clf.predictProba) { const d = clf.predictProba(Xs); col = d.col(d.cols - 1).map((v) => v - 0.5); }
        else if (!this.isClassifier) col = Float64Array.from(clf.predict(Xs) as ArrayLike<number>);
        else throw new Error('estimator: has neither coefficients, decisionFunction nor predictProba, so the decoder cannot predict with it');
        for (let i = 0; i < X.rows; i++) out.data[i * out.cols + p]! += col[i]! / folds.length;
      }
    });
    return out;
  }
}

/**
 * The inner cross-validation for nested selection: leave-one-group-out on the training runs when
 * the outer loop leaves runs out (and at least two remain), else 3 (stratified) folds.
 */
export function defaultInnerCv(outer: Splitter, trainGroups: readonly Label[] | undefined, classifier = true): Splitter {
  if (outer instanceof LeaveOneGroupOut && trainGroups && new Set(trainGroups).size >= 2) return new LeaveOneGroupOut();
  return classifier ? new StratifiedKFold({ nSplits: 3 }) : new KFold({ nSplits: 3 });
}

function problemName(p: Problem): string {
  return p.label === undefined ? 'target' : String(p.label);
}

/** Rows `idx` of X copied into the front of `buffer` (which must be large enough). */
function rowsInto(X: Matrix, idx: Int32Array, buffer: Float64Array): Matrix {
  const p = X.cols;
  const out = buffer.subarray(0, idx.length * p);
  for (let a = 0; a < idx.length; a++) out.set(X.data.subarray(idx[a]! * p, (idx[a]! + 1) * p), a * p);
  return new Matrix(idx.length, p, out);
}

function pick(y: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]!]!;
  return out;
}

/** The fitted model's weights, expanded back to all features (zeros where screened out). */
function linearWeights(est: Estimator, nFeatures: number, support?: Int32Array): { coef: Float64Array; intercept: number } | undefined {
  const lin = est as unknown as Partial<LinearModel>;
  if (!lin.coef || !lin.intercept) return undefined;
  const coef = new Float64Array(nFeatures);
  const w = lin.coef.row(lin.coef.rows - 1);
  if (support) for (let j = 0; j < support.length; j++) coef[support[j]!] = w[j]!;
  else coef.set(w);
  return { coef, intercept: lin.intercept[lin.intercept.length - 1]! };
}

/** nilearn's Decoder for classification: screening, grid, cross-validated scores and coefficient maps. */
export class Decoder extends BaseDecoder {
  protected readonly isClassifier = true;
  classes: Label[] = [];

  /** Cross-validate and fit on a masked matrix (rows = samples). */
  fitMatrix(X: Matrix, y: Targets, opts: { groups?: Targets } = {}): this {
    checkMatrix(X, 'X', undefined, 'Decoder', false);
    checkOptions('fitMatrix', opts, ['groups']);
    if (y.length !== X.rows) throw new Error(`y: length ${y.length} does not match the ${X.rows} samples`);
    if (opts.groups && opts.groups.length !== X.rows) throw new Error(`groups: length ${opts.groups.length} does not match the ${X.rows} samples`);
    const { classes, codes } = encodeLabels(y);
    if (classes.length < 2) throw new Error(`y: a single class (${JSON.stringify(classes[0])}); decoding needs at least two`);
    this.classes = classes;
    const problems: Problem[] = classes.length === 2
      ? [{ label: classes[1], y: Float64Array.from(codes) }]
      : classes.map((c, k) => ({ label: c, y: Float64Array.from(codes, (v) => (v === k ? 1 : 0)) }));
    this.fitProblems(X, problems, opts.groups);
    if (classes.length === 2) {
      // One problem scores both classes, as nilearn reports them.
      const k1 = String(classes[1]), k0 = String(classes[0]);
      this.cvScores[k0] = this.cvScores[k1]!.slice();
      this.cvParams[k0] = this.cvParams[k1]!.slice();
    }
    return this;
  }

  decisionFunction(X: Matrix): Matrix {
    return this.decide(X);
  }

  predict(X: Matrix): Label[] {
    const d = this.decide(X);
    const out: Label[] = [];
    for (let i = 0; i < d.rows; i++) {
      if (d.cols === 1) out.push(this.classes[d.data[i]! > 0 ? 1 : 0]!);
      else {
        let best = 0;
        for (let p = 1; p < d.cols; p++) if (d.data[i * d.cols + p]! > d.data[i * d.cols + best]!) best = p;
        out.push(this.classes[best]!);
      }
    }
    return out;
  }

  /** Mean cross-validated score over folds (and classes). */
  get meanScore(): number {
    const all = Object.values(this.cvScores).flat();
    return all.reduce((a, b) => a + b, 0) / all.length;
  }

  /** Coefficient rows per class: binary problems give +w for classes[1] and -w for classes[0]. */
  /** False for a non-linear estimator: no coefficient maps (predictions average the fold models). */
  get hasCoefficients(): boolean {
    return this.foldModels === undefined;
  }

  coefByClass(): Map<Label, Float64Array> {
    if (this.foldModels) throw new Error('Decoder: the estimator has no linear coefficients, so there are no coefficient maps');
    if (!this.coef) throw new Error('Decoder: call fit() first');
    const m = new Map<Label, Float64Array>();
    if (this.classes.length === 2) {
      const w = this.coef.row(0);
      m.set(this.classes[1]!, w.slice());
      m.set(this.classes[0]!, w.map((v) => -v));
    } else this.classes.forEach((c, k) => m.set(c, this.coef!.row(k).slice()));
    return m;
  }
}

/** nilearn's DecoderRegressor: the Decoder's workflow for continuous targets (ridge, R^2). */
export class DecoderRegressor extends BaseDecoder {
  protected readonly isClassifier = false;

  fitMatrix(X: Matrix, y: Targets, opts: { groups?: Targets } = {}): this {
    checkMatrix(X, 'X', undefined, 'DecoderRegressor', false);
    if (y.length !== X.rows) throw new Error(`y: length ${y.length} does not match the ${X.rows} samples`);
    const yy = Float64Array.from(y as ArrayLike<number>, (v) => Number(v));
    if (yy.some((v) => !Number.isFinite(v))) throw new Error('y: regression targets must be finite numbers');
    this.fitProblems(X, [{ y: yy }], opts.groups);
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.decide(X).col(0);
  }

  get meanScore(): number {
    const s = this.cvScores.target ?? [];
    return s.reduce((a, b) => a + b, 0) / s.length;
  }
}

export type { Classifier, Regressor };
