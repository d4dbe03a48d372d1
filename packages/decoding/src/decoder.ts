// Decoder / DecoderRegressor: nilearn's one-object decoding workflow. Images are masked (and
// standardized) once; then for every outer fold and every binary problem (one for two classes,
// one-vs-rest otherwise) the features are screened on the training fold, a hyper-parameter is
// chosen (nested on the training folds by default, or nilearn's optimistic pick on the test fold),
// and the chosen model is scored on the test fold. Coefficients are averaged over folds.
import { checkOptions, Matrix, optionKeys, rejectPromise } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import {
  checkMatrix,
  createEstimator,
  encodeLabels,
  tiledRowGram,
  SelectPercentile,
  WarmStartStore,
  DummyClassifier,
  DummyRegressor,
  LinearSVC,
  type Classifier,
  type Estimator,
  type FitOptions,
  type Label,
  type LinearModel,
  type Params,
  type Regressor,
  type Targets,
} from '@neurodecode/estimators';
import {
  GridSearchCV,
  expandParamGrid,
  gramBlock,
  getScorer,
  LeaveOneGroupOut,
  StratifiedKFold,
  KFold,
  type ParamGrid,
  type Predictor,
  type Scorer,
  type Split,
  type Splitter,
} from '@neurodecode/cv';
import { exactSvcFolds, exactSvcParams, type ExactSvcChoice } from './exact-svc-folds.js';
import { adjustScreeningPercentile } from './screening.js';
import { resolveThreads, runJob, type TaskRunner } from './threads.js';
import { foldJobInputs, planFoldJob, readFoldOutcomes, writeFoldOutcomes, type FoldJob } from './fold-job.js';
import { defaultParamGrid } from './grid.js';
import { fitEmbeddedMasker, isImageInput, maskImages, type ImageOptions, type ImgsLike } from './image-input.js';
import { loadImages, type NiftiMasker } from '@neurodecode/maskers';
import { allZeroWeights, dummyOutputOf, foldDecision, linearWeights, pick, problemName, rowsInto } from './fold-helpers.js';
import { ReNA } from './rena.js';
import { adaptGridToCvModel, nilearnEstimator, type NilearnEstimatorSpec } from './nilearn-estimators.js';

/** How hyper-parameters are chosen: 'nested' (inner cv on the training folds) or nilearn's 'test-fold'. */
export type Selection = 'nested' | 'test-fold';

/** The Decoder's options (nilearn's, camel-cased). */
export interface DecoderOptions extends ImageOptions {
  /**
   * One of nilearn's estimator strings (NILEARN_ESTIMATOR_NAMES: 'svc', 'svc_l1', 'logistic_l1',
   * 'ridge_classifier', 'lasso', 'svr', 'dummy_classifier'...; default 'svc' for Decoder and 'svr'
   * for DecoderRegressor, as nilearn), another registered estimator name, or an instance.
   */
  estimator?: string | Estimator;
  /** Hyper-parameter grid (default: nilearn's grid for nilearn strings; C in 1, 10, 100 or alpha otherwise). */
  paramGrid?: ParamGrid | ParamGrid[];
  /**
   * Outer cross-validation: a splitter or a fold count (default 10, as nilearn: stratified folds
   * for classifiers; with groups and no splitter, leave-one-group-out).
   */
  cv?: Splitter | number;
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
  /**
   * Threads for the independent fits (nilearn's n_jobs): a positive integer, or -1 for every
   * core. Default: every core with the Node entry, 1 in a browser bundle. The results do not
   * depend on it.
   */
  nJobs?: number;
}

/**
 * Without an explicit nJobs, unclustered outer folds go to worker threads from this much work
 * (rows x voxels x folds): starting the workers and sharing X costs a few tenths of a second.
 */
const THREADED_FOLDS_MIN_WORK = 2e7;

/** One outer fold's outcome for one problem. */
export interface FoldResult {
  score: number;
  params: Params;
  /** Full-length coefficient vector (zeros for screened-out features) and intercept; absent for non-linear models. */
  coef?: Float64Array;
  intercept?: number;
  /** The fold's fitted model and the screened columns it sees (kept for non-linear models). */
  model?: { estimator: Estimator; support?: Int32Array };
  /** Dummy estimators' learned output (class prior or constant). */
  dummy?: number[];
}

export interface Problem {
  /** Class this binary problem scores (classifiers); undefined for regression. */
  label?: Label;
  y: Float64Array;
}

/** The serializable part of what a fit's folds share (a worker thread gets it as it is). */
export interface FoldSetup {
  splits: Split[];
  /** The screening percentile after the mask-volume adjustment. */
  percentile: number;
  selection: Selection;
  groupList?: Label[];
  /** Whether the outer loop leaves groups out (the default inner cv then does too). */
  outerLeavesGroupsOut: boolean;
  nClusters: number;
  /** ReNA.allRowDistances of X when the folds cluster (FREM); undefined otherwise. */
  allRowDistances?: Float64Array;
}

/** Everything the folds of one fit share (see BaseDecoder.foldContext). */
export interface FoldContext {
  X: Matrix;
  problems: Problem[];
  setup: FoldSetup;
  base: Estimator;
  spec?: NilearnEstimatorSpec;
  fixedGrid?: ParamGrid | ParamGrid[];
  scorer: Scorer;
  clusterMask?: NiftiImage;
  fast?: ExactSvcChoice[][];
  allRows: Int32Array;
  trainBuffer?: Float64Array;
  testBuffer?: Float64Array;
  warmStart?: WarmStartStore;
  fullGram?: Float64Array;
}

/** One problem's outcome of one outer fold: its result and its decision values on the test rows. */
export interface FoldOutcome {
  result: FoldResult;
  held: Float64Array;
}

const DECODER_OPTIONS = optionKeys<DecoderOptions>({
  estimator: true,
  paramGrid: true,
  cv: true,
  innerCv: true,
  scoring: true,
  selection: true,
  screeningPercentile: true,
  maskImg: true,
  onProgress: true,
  nJobs: true,
  mask: true,
  maskStrategy: true,
  smoothingFwhm: true,
  standardize: true,
  lowPass: true,
  highPass: true,
  tR: true,
  targetAffine: true,
  targetShape: true,
  onNotice: true,
});

/** What Decoder, DecoderRegressor and FREM share: masking images, outer folds, screening, grid choice, fold averaging. */
export abstract class BaseDecoder {
  protected readonly opts: DecoderOptions;
  protected abstract readonly isClassifier: boolean;
  coef?: Matrix;
  /** Standard deviation of each weight over the outer folds (numpy's std, ddof = 0), one row per problem. */
  stdCoef?: Matrix;
  intercept?: Float64Array;
  /**
   * Dummy estimators: the fold-averaged class prior (classifier) or constant (regressor) per
   * problem key, as nilearn's dummy_output_. Undefined for other estimators.
   */
  dummyOutput?: Record<string, number[]>;
  /**
   * Out-of-fold decision values (regression: predictions) of each sample, one column per problem,
   * from the model chosen for the fold that tested it (NaN for samples no fold tested).
   */
  cvDecision?: Matrix;
  /** Per class (classifier) or the single key 'beta' (regressor, as nilearn): one score per outer fold. */
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
    resolveThreads(opts.nJobs);
    rejectPromise(opts.maskImg, 'maskImg');
    this.opts = { ...opts };
  }

  /** The estimator string's nilearn spec, when it is one of nilearn's strings. */
  protected nilearnSpec(): NilearnEstimatorSpec | undefined {
    const e = this.opts.estimator ?? (this.isClassifier ? 'svc' : 'svr');
    return typeof e === 'string' ? nilearnEstimator(e) : undefined;
  }

  protected baseEstimator(): Estimator {
    const e = this.opts.estimator ?? (this.isClassifier ? 'svc' : 'svr');
    const spec = this.nilearnSpec();
    const est = spec ? spec.create() : typeof e === 'string' ? createEstimator(e) : e.clone();
    const name = typeof e === 'string' ? e : est.constructor.name;
    if (this.isClassifier && est.kind !== 'classifier')
      throw new Error(
        `estimator: "${name}" is a ${est.kind}, the Decoder needs a classifier (use DecoderRegressor for continuous targets)`,
      );
    if (!this.isClassifier && est.kind !== 'regressor')
      throw new Error(`estimator: "${name}" is a ${est.kind}, DecoderRegressor needs a regressor (use Decoder for class labels)`);
    return est;
  }

  protected outerCv(groups?: Targets): Splitter {
    const cv = this.opts.cv;
    if (cv !== undefined && typeof cv !== 'number') return cv;
    if (groups) return new LeaveOneGroupOut();
    const nSplits = cv ?? 10;
    return this.isClassifier ? new StratifiedKFold({ nSplits }) : new KFold({ nSplits });
  }

  /** Share of voxels kept as ReNA clusters before fitting (100: no clustering; FREM: 10). */
  protected clusteringPercentile = 100;
  /** How a clustered fold model's weights reach the voxels (FREM's clusterWeights option). */
  protected clusterWeights: 'mean' | 'spread' = 'mean';

  protected useClustering(c: { percentile: number; weights: 'mean' | 'spread' }): void {
    this.clusteringPercentile = c.percentile;
    this.clusterWeights = c.weights;
  }

  /** The embedded masker (image-level fit), its mask, and the coefficient images per class key. */
  masker?: NiftiMasker;
  maskImg?: NiftiImage;
  coefImg?: Record<string, NiftiImage>;
  stdCoefImg?: Record<string, NiftiImage>;

  /** Mask the training images with a masker built from this decoder's options. */
  protected async maskForFit(imgs: ImgsLike): Promise<Matrix> {
    const images = await loadImages(imgs);
    this.masker = await fitEmbeddedMasker(this.opts, images);
    this.maskImg = this.masker.maskImg_;
    return maskImages(this.masker, images, this.opts.onNotice, this.opts.targetAffine !== undefined || this.opts.targetShape !== undefined);
  }

  protected async maskForPredict(imgs: ImgsLike): Promise<Matrix> {
    if (!this.masker) throw new Error('Decoder: fitted on a matrix (fitMatrix); predict/score take matrices then, not images');
    return maskImages(this.masker, imgs, this.opts.onNotice, this.opts.targetAffine !== undefined || this.opts.targetShape !== undefined);
  }

  /** Coefficient images from per-key weight rows (after an image-level fit). */
  protected setCoefImages(coef: Map<Label, Float64Array>, std: Map<Label, Float64Array>): void {
    if (!this.masker) return;
    this.coefImg = {};
    this.stdCoefImg = {};
    for (const [k, w] of coef) this.coefImg[String(k)] = this.masker.inverseTransform(w);
    for (const [k, w] of std) this.stdCoefImg[String(k)] = this.masker.inverseTransform(w);
  }

  protected scoreMatrix(X: Matrix, y: Targets): number {
    const scorer = getScorer(this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2'));
    return scorer(this as unknown as Predictor, X, y);
  }

  protected innerCv(outer: Splitter, trainGroups?: Label[]): Splitter {
    return this.opts.innerCv ?? defaultInnerCv(outer, trainGroups, this.isClassifier);
  }

  /** Run the cross-validated fit on an already masked matrix (rows = samples). */
  /** fitMatrix's argument checks, shared by every decoder: a finite sample matrix, known options, one label and group per row. */
  protected checkFitInputs(X: Matrix, y: Targets, opts: { groups?: Targets }): void {
    checkMatrix(X, 'X', undefined, this.constructor.name, false);
    checkOptions('fitMatrix', opts, ['groups']);
    if (y.length !== X.rows) throw new Error(`y: length ${y.length} does not match the ${X.rows} samples`);
    if (opts.groups && opts.groups.length !== X.rows)
      throw new Error(`groups: length ${opts.groups.length} does not match the ${X.rows} samples`);
  }

  protected fitProblems(X: Matrix, problems: Problem[], groups?: Targets): FoldResult[][] {
    if (X.hasNonFinite()) throw new Error('X: contains NaN or infinite values');
    this.nSamples = X.rows;
    this.nFeatures = X.cols;
    const cv = this.outerCv(groups);
    const splits = cv.split(X.rows, problems[0]!.y, groups);
    this.dummyOutput = undefined;
    // An unknown scorer fails here, before any fit.
    getScorer(this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2'));
    const selection = this.opts.selection ?? 'nested';
    if (selection !== 'nested' && selection !== 'test-fold')
      throw new Error(`selection: expected "nested" or "test-fold", got "${selection}"`);
    const percentile = adjustScreeningPercentile(
      this.opts.screeningPercentile === undefined ? 20 : this.opts.screeningPercentile,
      this.opts.maskImg ?? this.maskImg,
    );
    this.screeningPercentileUsed = percentile;
    const groupList = groups ? Array.from(groups as ArrayLike<Label>) : undefined;
    const results: FoldResult[][] = problems.map(() => []);
    // Out-of-fold decision values (regression: predictions), one column per problem.
    const outOfFold = new Matrix(X.rows, problems.length);
    outOfFold.data.fill(NaN);
    // FREM: ReNA clusters of each training fold replace the voxels. Clustering ignores the labels,
    // so one clustering serves every problem of the fold (read row by row from X itself).
    const clustering = this.clusteringPercentile;
    const clusterMask = this.opts.maskImg ?? this.maskImg;
    if (clustering < 100 && !clusterMask)
      throw new Error('clusteringPercentile: clustering needs the mask (fit on images, or pass maskImg with fitMatrix)');
    const clustered = clustering < 100;
    const setup: FoldSetup = {
      splits,
      percentile,
      selection,
      groupList,
      outerLeavesGroupsOut: cv instanceof LeaveOneGroupOut,
      nClusters: Math.max(1, Math.floor((X.cols * clustering) / 100)),
      // Every fold's first ReNA round: the all-rows edge distances minus its left-out rows' terms.
      allRowDistances: clustered ? ReNA.allRowDistances(X, clusterMask!) : undefined,
    };
    const ctx = this.foldContext(X, problems, setup, clusterMask);
    const { base, spec, fixedGrid } = ctx;
    if (percentile >= 100 && !clustered)
      ctx.fast = this.exactSvcChoices(X, problems, splits, base, fixedGrid ?? spec?.grid(X, problems[0]!.y), selection, cv, groupList);
    const record = (o: number, outcomes: FoldOutcome[]) => {
      const test = splits[o]!.test;
      outcomes.forEach(({ result, held }, p) => {
        results[p]!.push(result);
        for (let a = 0; a < test.length; a++) outOfFold.data[test[a]! * problems.length + p] = held[a]!;
      });
      // The fast path and the threads did the fitting and reported it as they went; this loop only gathers.
      if (!ctx.fast && !threaded) this.opts.onProgress?.((o + 1) * problems.length, splits.length * problems.length);
    };
    const threaded = ctx.fast ? undefined : this.foldsOnThreads(ctx, setup);
    if (threaded) threaded.forEach((outcomes, o) => record(o, outcomes));
    else for (let o = 0; o < splits.length; o++) record(o, this.fitFold(ctx, o));
    this.cvDecision = outOfFold;
    const linear = results.every((folds) => folds.every((f) => f.coef !== undefined));
    this.coef = linear ? new Matrix(problems.length, X.cols) : undefined;
    this.stdCoef = linear ? new Matrix(problems.length, X.cols) : undefined;
    this.intercept = linear ? new Float64Array(problems.length) : undefined;
    this.foldModels = linear ? undefined : results.map((folds) => folds.map((f) => f.model!));
    problems.forEach((prob, p) => {
      const folds = results[p]!;
      if (linear) {
        const row = this.coef!.row(p);
        for (const f of folds) for (let j = 0; j < row.length; j++) row[j]! += f.coef![j]! / folds.length;
        // numpy's std over folds (ddof = 0), as nilearn's std_coef_
        const sd = this.stdCoef!.row(p);
        for (const f of folds) for (let j = 0; j < sd.length; j++) sd[j]! += (f.coef![j]! - row[j]!) ** 2 / folds.length;
        for (let j = 0; j < sd.length; j++) sd[j] = Math.sqrt(sd[j]!);
        this.intercept![p] = folds.reduce((s, f) => s + f.intercept!, 0) / folds.length;
      }
      if (folds.every((f) => f.dummy)) {
        const k = folds[0]!.dummy!.length;
        const mean = new Float64Array(k);
        for (const f of folds) for (let c = 0; c < k; c++) mean[c]! += f.dummy![c]! / folds.length;
        (this.dummyOutput ??= {})[problemName(prob)] = Array.from(mean);
      }
      const key = problemName(prob);
      this.cvScores[key] = folds.map((f) => f.score);
      this.cvParams[key] = folds.map((f) => f.params);
    });
    return results;
  }

  /** Everything the folds of one fit share: fixed before any fold runs, so folds can run in any order or thread. */
  protected foldContext(
    X: Matrix,
    problems: Problem[],
    setup: FoldSetup,
    clusterMask?: NiftiImage,
    fast?: ExactSvcChoice[][],
  ): FoldContext {
    const base = this.baseEstimator();
    const spec = this.nilearnSpec();
    const fixedGrid = this.opts.paramGrid
      ? adaptGridToCvModel(base, this.opts.paramGrid)
      : spec
        ? undefined
        : defaultParamGrid(typeof this.opts.estimator === 'string' ? this.opts.estimator : undefined, base);
    const { splits, percentile } = setup;
    const clustered = setup.allRowDistances !== undefined;
    // With screening, the folds' full-width row copies only feed the screening and a column
    // selection, so two buffers serve every fold (a fresh 200 x 40,000 copy per fold mostly
    // costs page faults and zeroing). Without screening estimators get their own copies.
    const screened = percentile < 100 && !clustered;
    return {
      X,
      problems,
      setup,
      base,
      spec,
      fixedGrid,
      scorer: getScorer(this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2')),
      clusterMask,
      allRows: Int32Array.from({ length: X.rows }, (_, i) => i),
      trainBuffer: screened ? new Float64Array(Math.max(...splits.map((s) => s.train.length)) * X.cols) : undefined,
      testBuffer: screened ? new Float64Array(Math.max(...splits.map((s) => s.test.length)) * X.cols) : undefined,
      // Unclustered folds share one warm-start store (and one Gram matrix); clustered folds,
      // which may run on other threads, each start afresh so their results do not depend on order.
      warmStart: clustered ? undefined : new WarmStartStore(X.rows),
    };
  }

  /**
   * The outer folds on worker threads (nilearn's n_jobs), or undefined to run them in this
   * thread: one thread asked for, a single fold, settings a worker cannot rebuild (an estimator
   * instance, an inner cv splitter), folds whose models are not linear (the dummy strings), or,
   * when nJobs was not given, unclustered folds too small to repay starting threads. A worker
   * builds its decoder from the estimator string, grid and scoring; every fold's inputs are fixed
   * before any runs, so the results are the same on any number of threads.
   */
  private foldsOnThreads(ctx: FoldContext, setup: FoldSetup): FoldOutcome[][] | undefined {
    const threads = resolveThreads(this.opts.nJobs);
    const estimator = this.opts.estimator;
    if (threads <= 1 || setup.splits.length < 2 || this.opts.innerCv) return undefined;
    if (estimator !== undefined && typeof estimator !== 'string') return undefined;
    // A worker sends back linear fold models only (weights in shared memory); a dummy's is not.
    if (ctx.base instanceof DummyClassifier || ctx.base instanceof DummyRegressor) return undefined;
    const clustered = setup.allRowDistances !== undefined;
    const { X } = ctx;
    if (!clustered && this.opts.nJobs === undefined && X.rows * X.cols * setup.splits.length < THREADED_FOLDS_MIN_WORK) return undefined;
    // Unscreened folds fit from blocks of one Gram matrix of all rows: computed once, shared.
    const maxTrain = Math.max(...setup.splits.map((s) => s.train.length));
    if (!clustered && setup.percentile >= 100 && ctx.base.acceptsGram?.(maxTrain, X.cols))
      ctx.fullGram ??= tiledRowGram(X.data, X.rows, X.cols);
    const options = { estimator, paramGrid: this.opts.paramGrid, scoring: this.opts.scoring };
    try {
      // A scorer function or an estimator instance in the grid cannot be sent to a worker.
      structuredClone(options);
    } catch {
      return undefined;
    }
    const clustering = { percentile: this.clusteringPercentile, weights: this.clusterWeights };
    const job = planFoldJob(
      { classifier: this.isClassifier, options, clustering },
      X,
      ctx.problems,
      setup,
      ctx.clusterMask,
      threads,
      ctx.fullGram,
    );
    const local: FoldOutcome[][] = [];
    const P = ctx.problems.length;
    const report = this.opts.onProgress;
    let reported = 0;
    runJob(job, threads, (_, o) => {
      local[o] = this.fitFold(ctx, o);
      reported = Atomics.add(job.finished, 0, 1) + 1;
      report?.(reported * P, setup.splits.length * P);
    });
    // The workers' last folds finished after this thread's last report.
    if (report && reported < setup.splits.length) report(setup.splits.length * P, setup.splits.length * P);
    return setup.splits.map((_, o) => local[o] ?? readFoldOutcomes(job, o));
  }

  /**
   * A worker thread's task runner for a FoldJob (its decoder built from the job's options).
   * @internal
   */
  foldTasks(job: FoldJob): TaskRunner {
    const { X, problems, mask } = foldJobInputs(job);
    const ctx = this.foldContext(X, problems, job.setup, mask);
    if (job.fullGram) ctx.fullGram = job.fullGram;
    return (_, o) => {
      writeFoldOutcomes(job, o, this.fitFold(ctx, o));
      Atomics.add(job.finished, 0, 1);
    };
  }

  /** Outer fold o of every problem: screening (and clustering), the grid choice, the test score, the weights. */
  protected fitFold(ctx: FoldContext, o: number): FoldOutcome[] {
    const { X, problems, setup, base, spec, fixedGrid, scorer, fast, allRows, trainBuffer, testBuffer } = ctx;
    const { percentile, selection, groupList } = setup;
    const split = setup.splits[o]!;
    const warmStart = ctx.warmStart ?? new WarmStartStore(X.rows);
    const outcomes: FoldOutcome[] = [];
    {
      let splitGram: Float64Array | undefined;
      let Xtr: Matrix, Xte: Matrix;
      let rena: ReNA | undefined;
      if (setup.allRowDistances) {
        rena = ReNA.fitRows(X, split.train, ctx.clusterMask!, setup.nClusters, {}, setup.allRowDistances);
        const means = rena.transformRows(X, allRows);
        Xtr = means.selectRows(split.train);
        Xte = means.selectRows(split.test);
      } else {
        Xtr = trainBuffer ? rowsInto(X, split.train, trainBuffer) : X.selectRows(split.train);
        Xte = testBuffer ? rowsInto(X, split.test, testBuffer) : X.selectRows(split.test);
      }
      for (let p = 0; p < problems.length; p++) {
        const yAll = problems[p]!.y;
        const ytr = pick(yAll, split.train);
        const yte = pick(yAll, split.test);
        if (this.isClassifier && new Set(ytr).size < 2) {
          throw new Error(`cv: a training fold holds a single class (${problemName(problems[p]!)}); choose another cv or targets`);
        }
        let support: Int32Array | undefined;
        let A = Xtr,
          B = Xte;
        // After clustering nilearn screens only when more than 100 features remain.
        if (percentile < 100 && (!rena || Xtr.cols > 100)) {
          // nilearn screens float32 data: f_classif in float32 picks exactly its features.
          const sel = new SelectPercentile(
            this.isClassifier ? { scoreFunc: 'f_classif', percentile, precision: 'float32' } : { scoreFunc: 'f_regression', percentile },
          );
          sel.fit(Xtr, ytr);
          support = sel.support;
          A = Xtr.selectCols(support);
          B = Xte.selectCols(support);
        }
        // Few samples, many screened voxels: X X' of the training rows is computed once and every
        // candidate (and, in nested selection, every inner fold through GridSearchCV) fits from it.
        // The warm-start store is shared by every fold and problem: a fit's solver starts from the
        // support set of the last fit with the same labels (another C, inner fold or outer fold).
        let fitOptions: FitOptions = {};
        if (!fast && base.acceptsGram?.(A.rows, A.cols)) {
          // Unscreened and unclustered, every problem and fold shares one Gram matrix of all rows
          // (its blocks); screened or clustered (FREM) training rows get their own.
          const gram =
            support || rena
              ? tiledRowGram(A.data, A.rows, A.cols)
              : (splitGram ??= gramBlock((ctx.fullGram ??= tiledRowGram(X.data, X.rows, X.cols)), X.rows, split.train));
          fitOptions = { gram, warmStart, rowIds: split.train };
        }
        // nilearn derives some grids from the training fold (l1_min_c).
        const gridSpec = fixedGrid ?? spec!.grid(A, ytr);
        const grid = Object.keys(gridSpec).length || Array.isArray(gridSpec) ? expandParamGrid(gridSpec) : [{}];
        let best: Estimator;
        let bestParams: Params;
        if (fast) {
          best = fast[p]![o]!.model;
          bestParams = fast[p]![o]!.params;
        } else if (grid.length === 1) {
          best = base.clone().setParams(grid[0]!).fit(A, ytr, fitOptions);
          bestParams = grid[0]!;
        } else if (selection === 'test-fold') {
          let bestScore = -Infinity;
          best = base;
          bestParams = grid[0]!;
          for (const params of grid) {
            const est = base.clone().setParams(params).fit(A, ytr, fitOptions);
            const s = this.isClassifier && allZeroWeights(est) ? 0 : scorer(est as unknown as Predictor, B, yte);
            // Ties go to the later candidate, as nilearn's loop does.
            if (s >= bestScore) {
              bestScore = s;
              best = est;
              bestParams = params;
            }
          }
        } else {
          const trainGroups = groupList ? split.train.reduce<Label[]>((acc, i) => (acc.push(groupList[i]!), acc), []) : undefined;
          const gs = new GridSearchCV({
            estimator: base,
            paramGrid: gridSpec,
            cv:
              this.opts.innerCv ??
              defaultInnerCv(setup.outerLeavesGroupsOut ? new LeaveOneGroupOut() : new KFold(), trainGroups, this.isClassifier),
            scoring: this.opts.scoring ?? (this.isClassifier ? 'roc_auc' : 'r2'),
          });
          gs.fit(A, ytr, { groups: trainGroups, ...fitOptions });
          best = gs.bestEstimator!;
          bestParams = gs.bestParams!;
        }
        // nilearn scores an all-zero linear model 0 (test-fold selection reproduces nilearn).
        const score =
          selection === 'test-fold' && this.isClassifier && allZeroWeights(best) ? 0 : scorer(best as unknown as Predictor, B, yte);
        const held = foldDecision(best, B, this.isClassifier);
        const weights = linearWeights(best, Xtr.cols, support);
        if (rena) {
          if (!weights) throw new Error('estimator: FREM (clustering) needs a linear estimator');
          weights.coef = this.clusterWeights === 'spread' ? rena.inverseTransform(weights.coef) : rena.voxelWeights(weights.coef);
        }
        const params = { ...bestParams, ...spec?.chosen?.(best) };
        const dummy = dummyOutputOf(best);
        outcomes.push({
          result: weights
            ? { score, params, coef: weights.coef, intercept: weights.intercept }
            : { score, params, model: { estimator: best, support }, dummy },
          held,
        });
      }
    }
    return outcomes;
  }

  /**
   * The exact-LinearSVC fast path's choices per problem and outer fold, or undefined when the
   * estimator, grid or folds need the generic loop (which then also reports any bad input).
   */
  private exactSvcChoices(
    X: Matrix,
    problems: Problem[],
    splits: Split[],
    base: Estimator,
    gridSpec: ParamGrid | ParamGrid[] | undefined,
    selection: Selection,
    cv: Splitter,
    groupList: Label[] | undefined,
  ): ExactSvcChoice[][] | undefined {
    if (!this.isClassifier || !gridSpec || !(base instanceof LinearSVC)) return undefined;
    const candidates = Object.keys(gridSpec).length || Array.isArray(gridSpec) ? expandParamGrid(gridSpec) : [{}];
    const sizes = splits.map((s) => s.train.length);
    const nested = selection === 'nested' && candidates.length > 1;
    const innerSplits = new Map<string, Split[]>();
    const innerOf = (o: number, ytr: Float64Array): Split[] => {
      const train = splits[o]!.train;
      const trainGroups = groupList ? Array.from(train, (i) => groupList[i]!) : undefined;
      return this.innerCv(cv, trainGroups).split(train.length, ytr, trainGroups);
    };
    for (const [o, split] of splits.entries()) {
      for (const [p, prob] of problems.entries()) {
        const ytr = pick(prob.y, split.train);
        if (new Set(ytr).size < 2) return undefined;
        if (!nested) continue;
        const inner = innerOf(o, ytr);
        for (const f of inner) {
          if (new Set(pick(ytr, f.train)).size < 2 || f.test.length === 0) return undefined;
          sizes.push(f.train.length);
        }
        innerSplits.set(`${o}:${p}`, inner);
      }
    }
    const params = exactSvcParams(base, candidates, Math.min(...sizes), Math.max(...sizes), X.cols);
    if (!params) return undefined;
    return exactSvcFolds({
      X,
      gram: tiledRowGram(X.data, X.rows, X.cols),
      problems,
      splits,
      params,
      candidates,
      selection,
      scoring: this.opts.scoring ?? 'roc_auc',
      threads: resolveThreads(this.opts.nJobs),
      innerSplits: (o, p) => innerSplits.get(`${o}:${p}`)!,
      onProgress: this.opts.onProgress,
    });
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
        const clf = estimator as unknown as {
          decisionFunction?: (X: Matrix) => Matrix;
          predictProba?: (X: Matrix) => Matrix;
          predict: (X: Matrix) => ArrayLike<unknown>;
        };
        let col: Float64Array;
        if (clf.decisionFunction) {
          const d = clf.decisionFunction(Xs);
          col = d.col(d.cols - 1);
        } else if (clf.predictProba) {
          const d = clf.predictProba(Xs);
          col = d.col(d.cols - 1).map((v) => v - 0.5);
        } else if (!this.isClassifier) col = Float64Array.from(clf.predict(Xs) as ArrayLike<number>);
        else
          throw new Error('estimator: has neither coefficients, decisionFunction nor predictProba, so the decoder cannot predict with it');
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

/** Labels from decision values: the sign of one column (positive = classes[1]), else the argmax. */
function labelsFromDecision(d: Matrix, classes: Label[]): (Label | undefined)[] {
  const out: (Label | undefined)[] = [];
  for (let i = 0; i < d.rows; i++) {
    if (Number.isNaN(d.data[i * d.cols]!)) {
      out.push(undefined);
      continue;
    }
    if (d.cols === 1) out.push(classes[d.data[i]! > 0 ? 1 : 0]!);
    else {
      let best = 0;
      for (let p = 1; p < d.cols; p++) if (d.data[i * d.cols + p]! > d.data[i * d.cols + best]!) best = p;
      out.push(classes[best]!);
    }
  }
  return out;
}

/** nilearn's Decoder for classification: screening, grid, cross-validated scores and coefficient maps. */
export class Decoder extends BaseDecoder {
  protected readonly isClassifier = true;
  classes: Label[] = [];

  /**
   * Mask the images with the embedded masker, then cross-validate and fit (nilearn's
   * Decoder.fit). Labels: one per volume. Sets coefImg / stdCoefImg for linear models.
   */
  async fit(imgs: ImgsLike, y: Targets, opts: { groups?: Targets } = {}): Promise<this> {
    const X = await this.maskForFit(imgs);
    this.fitMatrix(X, y, opts);
    if (!this.foldModels) this.setCoefImages(this.coefByClass(), this.stdCoefByClass());
    return this;
  }

  /** Scores (default ROC AUC) of images or a matrix against labels, with the averaged model. */
  score(X: Matrix, y: Targets): number;
  score(imgs: ImgsLike, y: Targets): Promise<number>;
  score(X: Matrix | ImgsLike, y: Targets): number | Promise<number> {
    if (isImageInput(X)) return this.maskForPredict(X).then((m) => this.scoreMatrix(m, y));
    return this.scoreMatrix(X, y);
  }

  /** Cross-validate and fit on a masked matrix (rows = samples). */
  fitMatrix(X: Matrix, y: Targets, opts: { groups?: Targets } = {}): this {
    this.checkFitInputs(X, y, opts);
    const { classes, codes } = encodeLabels(y);
    if (classes.length < 2) throw new Error(`y: a single class (${JSON.stringify(classes[0])}); decoding needs at least two`);
    this.classes = classes;
    const problems: Problem[] =
      classes.length === 2
        ? [{ label: classes[1], y: Float64Array.from(codes) }]
        : classes.map((c, k) => ({ label: c, y: Float64Array.from(codes, (v) => (v === k ? 1 : 0)) }));
    this.fitProblems(X, problems, opts.groups);
    if (classes.length === 2) {
      // One problem scores both classes, as nilearn reports them.
      const k1 = String(classes[1]),
        k0 = String(classes[0]);
      this.cvScores[k0] = this.cvScores[k1]!.slice();
      this.cvParams[k0] = this.cvParams[k1]!.slice();
      if (this.dummyOutput) this.dummyOutput[k0] = this.dummyOutput[k1]!.slice();
    }
    return this;
  }

  decisionFunction(X: Matrix): Matrix;
  decisionFunction(imgs: ImgsLike): Promise<Matrix>;
  decisionFunction(X: Matrix | ImgsLike): Matrix | Promise<Matrix> {
    if (isImageInput(X)) return this.maskForPredict(X).then((m) => this.decide(m));
    return this.decide(X);
  }

  predict(X: Matrix): Label[];
  predict(imgs: ImgsLike): Promise<Label[]>;
  predict(X: Matrix | ImgsLike): Label[] | Promise<Label[]> {
    if (isImageInput(X)) return this.maskForPredict(X).then((m) => this.predictMatrix(m));
    return this.predictMatrix(X);
  }

  private predictMatrix(X: Matrix): Label[] {
    return labelsFromDecision(this.decide(X), this.classes) as Label[];
  }

  /**
   * Out-of-fold predicted label of every sample (what crossValPredict gives for the whole
   * pipeline), or undefined for samples no fold tested.
   */
  get cvPredictions(): (Label | undefined)[] {
    const d = this.cvDecision;
    if (!d) throw new Error('Decoder: call fit() first');
    return labelsFromDecision(d, this.classes);
  }

  /** Mean cross-validated score over folds (and classes). */
  get meanScore(): number {
    const all = Object.values(this.cvScores).flat();
    return all.reduce((a, b) => a + b, 0) / all.length;
  }

  /** False for a non-linear estimator: no coefficient maps (predictions average the fold models). */
  get hasCoefficients(): boolean {
    return this.foldModels === undefined;
  }

  /**
   * Coefficient rows per class, keyed as nilearn keys coef_img_: a binary problem's weights (whose
   * positive side is classes[1]) are stored under classes[0], and their negation under classes[1].
   */
  coefByClass(): Map<Label, Float64Array> {
    return this.byClass(this.coef, false);
  }

  /** Fold standard deviation of the weights per class (nilearn's std_coef_img_ keys). */
  stdCoefByClass(): Map<Label, Float64Array> {
    return this.byClass(this.stdCoef, true);
  }

  private byClass(rows: Matrix | undefined, unsigned: boolean): Map<Label, Float64Array> {
    if (this.foldModels) throw new Error('Decoder: the estimator has no linear coefficients, so there are no coefficient maps');
    if (!rows) throw new Error('Decoder: call fit() first');
    const m = new Map<Label, Float64Array>();
    if (this.classes.length === 2) {
      const w = rows.row(0);
      m.set(this.classes[0]!, w.slice());
      m.set(this.classes[1]!, unsigned ? w.slice() : w.map((v) => (v === 0 ? 0 : -v)));
    } else this.classes.forEach((c, k) => m.set(c, rows.row(k).slice()));
    return m;
  }
}

export type { Classifier, Regressor };
