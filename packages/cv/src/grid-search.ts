// Exhaustive search over a parameter grid with (group-aware) cross-validation, then a refit on
// all the data: scikit-learn's GridSearchCV, with its candidate order and ranking.
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { asMatrix, type Matrix, type MatrixLike } from '@neurodecode/matrix';
import type { Estimator, EstimatorKind, FitOptions, Label, Params, Targets } from '@neurodecode/estimators';
import { readEstimatorJSON, toEstimatorJSON, type EstimatorJSON } from '@neurodecode/estimators';
import { takeTargets } from './labels.js';
import { getScorer, defaultScorer, type Predictor, type Scorer, type ScorerName } from './scorers.js';
import {
  buildFold,
  checkXy,
  fitAndScoreFold,
  resolveCv,
  withSharedGram,
  type CvArg,
  type FoldFitOptions,
  type ProgressCallback,
} from './cross-validate.js';

/** Parameter name -> candidate values; every combination is tried. */
export type ParamGrid = Record<string, readonly unknown[]>;

/**
 * Every combination of a grid (or of each grid in a list, one after the other). Within a grid the
 * names are sorted and the last name varies fastest, the order scikit-learn's ParameterGrid uses.
 */
export function expandParamGrid(grid: ParamGrid | readonly ParamGrid[]): Params[] {
  const grids = Array.isArray(grid) ? (grid as readonly ParamGrid[]) : [grid as ParamGrid];
  if (grids.length === 0) throw new RangeError('paramGrid: empty list of grids');
  const out: Params[] = [];
  grids.forEach((g, gi) => {
    if (g === null || typeof g !== 'object') throw new TypeError(`paramGrid[${gi}]: expected an object of arrays`);
    const names = Object.keys(g).sort();
    for (const name of names) {
      const values = g[name];
      if (!Array.isArray(values)) throw new TypeError(`paramGrid: "${name}" must be an array of values, got ${typeof values}`);
      if (values.length === 0) throw new RangeError(`paramGrid: "${name}" has no values`);
    }
    const index = new Array<number>(names.length).fill(0);
    for (;;) {
      const params: Params = {};
      names.forEach((n, k) => (params[n] = g[n]![index[k]!]));
      out.push(params);
      let k = names.length - 1;
      while (k >= 0 && ++index[k]! === g[names[k]!]!.length) index[k--] = 0;
      if (k < 0) break;
    }
  });
  return out;
}

/** GridSearchCV's settings: the estimator, its grid, the inner cv, scoring and refit. */
export interface GridSearchOptions {
  estimator: Estimator;
  paramGrid: ParamGrid | readonly ParamGrid[];
  /** Inner cross-validation; default 5 folds (stratified for classifiers). */
  cv?: CvArg;
  /** Default: the estimator's own score (accuracy / R^2). */
  scoring?: ScorerName | string | Scorer;
  /** Refit the best candidate on all the data (default true); needed for predict. */
  refit?: boolean;
  returnTrainScore?: boolean;
  onProgress?: ProgressCallback;
}

/** GridSearchCV's cvResults: each candidate's parameters with the mean, spread and rank of its scores. */
export interface GridSearchResults {
  params: Params[];
  meanTestScore: Float64Array;
  /** Population standard deviation over folds (ddof = 0), as scikit-learn. */
  stdTestScore: Float64Array;
  /** 1 = best; equal means share the lowest rank ("min" ranking). */
  rankTestScore: Int32Array;
  /** splitTestScores[split][candidate]: scikit-learn's split<i>_test_score. */
  splitTestScores: Float64Array[];
  meanTrainScore?: Float64Array;
  stdTrainScore?: Float64Array;
  splitTrainScores?: Float64Array[];
  meanFitTime: Float64Array;
  stdFitTime: Float64Array;
  meanScoreTime: Float64Array;
  stdScoreTime: Float64Array;
}

function meanAndStd(values: Float64Array): [number, number] {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return [mean, Math.sqrt(ss / values.length)];
}

/** Rank descending by mean; ties share the smallest rank; NaN ranks last. */
function rankMin(means: Float64Array): Int32Array {
  const ranks = new Int32Array(means.length);
  for (let i = 0; i < means.length; i++) {
    let better = 0;
    for (let j = 0; j < means.length; j++) {
      if (Number.isNaN(means[i]!) ? !Number.isNaN(means[j]!) : means[j]! > means[i]!) better++;
    }
    ranks[i] = better + 1;
  }
  return ranks;
}

function checkGridNames(estimator: Estimator, candidates: Params[]): void {
  const known = Object.keys(estimator.getParams());
  for (const params of candidates) {
    for (const name of Object.keys(params)) {
      // step__param names are checked by the pipeline's own setParams.
      if (!name.includes('__') && !known.includes(name)) {
        throw new RangeError(`paramGrid: unknown parameter "${name}" for the estimator; valid parameters: ${known.join(', ')}`);
      }
    }
  }
}

/** Exhaustive search over a parameter grid by inner cross-validation, then a refit on all data (scikit-learn's GridSearchCV). */
export class GridSearchCV implements Estimator {
  readonly estimator: Estimator;
  readonly paramGrid: ParamGrid | readonly ParamGrid[];
  cv: CvArg | undefined;
  scoring: ScorerName | string | Scorer | undefined;
  refit: boolean;
  returnTrainScore: boolean;
  onProgress?: ProgressCallback;

  /** Present once fitted when the best estimator has one (so scorers pick the right scores). */
  decisionFunction?: (X: MatrixLike) => Matrix;
  predictProba?: (X: MatrixLike) => Matrix;

  private results?: GridSearchResults;
  private best?: Estimator;
  private bestIdx = -1;

  constructor(opts: GridSearchOptions) {
    checkOptions(
      'GridSearchCV',
      opts,
      optionKeys<GridSearchOptions>({
        estimator: true,
        paramGrid: true,
        cv: true,
        scoring: true,
        refit: true,
        returnTrainScore: true,
        onProgress: true,
      }),
    );
    if (!opts || !opts.estimator) throw new TypeError('GridSearchCV: estimator is required');
    this.estimator = opts.estimator;
    this.paramGrid = opts.paramGrid;
    expandParamGrid(opts.paramGrid);
    this.cv = opts.cv;
    this.scoring = opts.scoring;
    if (opts.scoring !== undefined) getScorer(opts.scoring);
    this.refit = opts.refit ?? true;
    this.returnTrainScore = opts.returnTrainScore ?? false;
    this.onProgress = opts.onProgress;
  }

  get kind(): EstimatorKind {
    return this.estimator.kind;
  }
  get fitted(): boolean {
    return this.results !== undefined;
  }

  getParams(): Params {
    return {
      estimator: this.estimator,
      paramGrid: this.paramGrid,
      cv: this.cv,
      scoring: this.scoring,
      refit: this.refit,
      returnTrainScore: this.returnTrainScore,
    };
  }
  setParams(params: Partial<Params>): this {
    for (const [key, value] of Object.entries(params)) {
      if (key === 'cv') this.cv = value as CvArg;
      else if (key === 'scoring') this.scoring = value as Scorer;
      else if (key === 'refit') this.refit = Boolean(value);
      else if (key === 'returnTrainScore') this.returnTrainScore = Boolean(value);
      else if (key.startsWith('estimator__')) this.estimator.setParams({ [key.slice('estimator__'.length)]: value });
      else
        throw new RangeError(
          `GridSearchCV: cannot set parameter "${key}"; settable: cv, scoring, refit, returnTrainScore, estimator__<name>`,
        );
    }
    this.results = undefined;
    this.best = undefined;
    this.decisionFunction = undefined;
    this.predictProba = undefined;
    return this;
  }
  clone(): GridSearchCV {
    return new GridSearchCV({
      estimator: this.estimator.clone(),
      paramGrid: this.paramGrid,
      cv: this.cv,
      scoring: this.scoring,
      refit: this.refit,
      returnTrainScore: this.returnTrainScore,
      onProgress: this.onProgress,
    });
  }

  /** Search the grid; `groups` drive group splitters (e.g. leave-one-run-out inside the training runs). */
  fit(X: MatrixLike, y?: Targets, opts: FoldFitOptions = {}): this {
    if (y === undefined) throw new TypeError('y: GridSearchCV.fit needs targets');
    const { groups, ...givenFitOptions } = opts;
    const matrix = checkXy(X, y, groups);
    // One Gram matrix for every fold, candidate and the refit (blocks of it), when the estimator uses one.
    const fitOptions: FitOptions = withSharedGram(this.estimator, matrix, givenFitOptions) ?? {};
    const candidates = expandParamGrid(this.paramGrid);
    checkGridNames(this.estimator, candidates);
    const splitter = resolveCv(this.cv, this.estimator);
    const splits = splitter.split(matrix.rows, y, groups);
    const scorer = this.scoring === undefined ? defaultScorer : getScorer(this.scoring);
    const nC = candidates.length;
    const nS = splits.length;
    const testScores = Array.from({ length: nS }, () => new Float64Array(nC));
    const trainScores = this.returnTrainScore ? Array.from({ length: nS }, () => new Float64Array(nC)) : undefined;
    const fitTimes = Array.from({ length: nC }, () => new Float64Array(nS));
    const scoreTimes = Array.from({ length: nC }, () => new Float64Array(nS));
    const total = nC * nS + (this.refit ? 1 : 0);
    let done = 0;
    this.onProgress?.(0, total);
    // Folds outside, candidates inside: each fold's matrices are copied once for all candidates.
    splits.forEach((split, s) => {
      const fold = buildFold(matrix, split, groups, fitOptions);
      const yTrain = takeTargets(y, split.train);
      const yTest = takeTargets(y, split.test);
      candidates.forEach((params, c) => {
        const model = this.estimator.clone().setParams(params);
        const r = fitAndScoreFold(model, fold, yTrain, yTest, [scorer], this.returnTrainScore);
        testScores[s]![c] = r.test[0]!;
        if (trainScores) trainScores[s]![c] = r.train![0]!;
        fitTimes[c]![s] = r.fitTime;
        scoreTimes[c]![s] = r.scoreTime;
        this.onProgress?.(++done, total);
      });
    });
    const summarise = (perSplit: Float64Array[]): [Float64Array, Float64Array] => {
      const mean = new Float64Array(nC);
      const std = new Float64Array(nC);
      for (let c = 0; c < nC; c++) [mean[c], std[c]] = meanAndStd(Float64Array.from(perSplit, (row) => row[c]!));
      return [mean, std];
    };
    const [meanTestScore, stdTestScore] = summarise(testScores);
    const train = trainScores ? summarise(trainScores) : undefined;
    const fitStats = fitTimes.map(meanAndStd);
    const scoreStats = scoreTimes.map(meanAndStd);
    const rankTestScore = rankMin(meanTestScore);
    let bestIdx = 0;
    for (let c = 1; c < nC; c++) if (rankTestScore[c]! < rankTestScore[bestIdx]!) bestIdx = c;
    this.results = {
      params: candidates,
      meanTestScore,
      stdTestScore,
      rankTestScore,
      splitTestScores: testScores,
      meanTrainScore: train?.[0],
      stdTrainScore: train?.[1],
      splitTrainScores: trainScores,
      meanFitTime: Float64Array.from(fitStats, (m) => m[0]),
      stdFitTime: Float64Array.from(fitStats, (m) => m[1]),
      meanScoreTime: Float64Array.from(scoreStats, (m) => m[0]),
      stdScoreTime: Float64Array.from(scoreStats, (m) => m[1]),
    };
    this.bestIdx = bestIdx;
    this.best = undefined;
    this.decisionFunction = undefined;
    this.predictProba = undefined;
    if (this.refit) {
      const hasFitOptions = Object.keys(fitOptions).length > 0;
      this.best = this.estimator
        .clone()
        .setParams(candidates[bestIdx]!)
        .fit(matrix, y, hasFitOptions ? fitOptions : undefined);
      const best = this.best as Predictor;
      if (typeof best.decisionFunction === 'function') this.decisionFunction = (Xn) => best.decisionFunction!(asMatrix(Xn));
      if (typeof best.predictProba === 'function') this.predictProba = (Xn) => best.predictProba!(asMatrix(Xn));
      this.onProgress?.(++done, total);
    }
    return this;
  }

  /** The search results and the refitted best estimator (its own toJSON); the grid and cv are not saved. */
  toJSON(): EstimatorJSON {
    if (!this.results) return toEstimatorJSON('GridSearchCV', null, undefined);
    if (this.best && typeof this.best.toJSON !== 'function') {
      throw new Error(`GridSearchCV: the best estimator (${this.best.constructor.name}) has no toJSON, so the search cannot be saved`);
    }
    return {
      ...toEstimatorJSON('GridSearchCV', null, { results: this.results, bestIndex: this.bestIdx }),
      best: this.best ? this.best.toJSON!() : null,
    } as EstimatorJSON;
  }

  /** Restore onto a GridSearchCV built with the same estimator type (the best model comes from its clone). */
  fromJSON(json: EstimatorJSON | string): this {
    const j = (typeof json === 'string' ? JSON.parse(json) : json) as EstimatorJSON & { best?: EstimatorJSON | null };
    const { state } = readEstimatorJSON(j, 'GridSearchCV');
    this.results = undefined;
    this.best = undefined;
    this.decisionFunction = undefined;
    this.predictProba = undefined;
    if (state === undefined) return this;
    const saved = state as { results: GridSearchResults; bestIndex: number };
    this.results = saved.results;
    this.bestIdx = saved.bestIndex;
    if (j.best) {
      const est = this.estimator.clone();
      if (typeof est.fromJSON !== 'function') throw new Error(`GridSearchCV: the estimator (${est.constructor.name}) has no fromJSON`);
      this.best = est.fromJSON(j.best);
      const best = this.best as Predictor;
      if (typeof best.decisionFunction === 'function') this.decisionFunction = (Xn) => best.decisionFunction!(asMatrix(Xn));
      if (typeof best.predictProba === 'function') this.predictProba = (Xn) => best.predictProba!(asMatrix(Xn));
    }
    return this;
  }

  private requireFitted(): GridSearchResults {
    if (!this.results) throw new Error('GridSearchCV: not fitted; call fit(X, y) first');
    return this.results;
  }
  get cvResults(): GridSearchResults {
    return this.requireFitted();
  }
  get bestIndex(): number {
    this.requireFitted();
    return this.bestIdx;
  }
  get bestParams(): Params {
    return { ...this.requireFitted().params[this.bestIdx] };
  }
  get bestScore(): number {
    return this.requireFitted().meanTestScore[this.bestIdx]!;
  }
  get bestEstimator(): Estimator {
    this.requireFitted();
    if (!this.best) throw new Error('GridSearchCV: bestEstimator is only available with refit=true');
    return this.best;
  }
  private bestPredictor(method: string): Predictor {
    const best = this.bestEstimator as Predictor;
    if (typeof (best as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`GridSearchCV: the best estimator has no ${method}()`);
    }
    return best;
  }
  get classes(): Label[] | undefined {
    return this.best ? (this.best as Predictor).classes : undefined;
  }
  predict(X: MatrixLike): Label[] | Float64Array {
    return this.bestPredictor('predict').predict(asMatrix(X));
  }
  /** The search's scorer on (X, y), or the best estimator's own score when scoring is unset. */
  score(X: MatrixLike, y: Targets): number {
    const scorer = this.scoring === undefined ? defaultScorer : getScorer(this.scoring);
    return scorer(this.bestPredictor('predict'), asMatrix(X), y);
  }
}
