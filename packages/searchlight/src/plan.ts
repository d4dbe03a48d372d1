// Planning a searchlight: masks, samples, labels, folds, the estimator's path and spheres, ready
// for SphereComputer. No Node built-ins, so the Node engine (engine.ts) and browser Web Workers
// build the same plan from the same inputs and compute the same scores.
import type { AnyEstimator, Label } from '@neurodecode/estimators';
import { standardization, type ComputePlan, type FoldPlan, type KernelName } from './compute.js';
import { factoryFromSpec, loadEstimatorModules, specFromInstance, type EstimatorSpec } from './generic.js';
import {
  encodeClasses,
  loadMasks,
  loadSamples,
  resolveSplitter,
  selectRows,
  toLabels,
  type MaskGeometry,
  type SampleData,
} from './prepare.js';
import { computeSpheres } from './spheres.js';
import { gnbStatistics, gnbTable } from './gnb.js';
import { shardRange } from './scores.js';
import { sharedArray } from './queue.js';
import type { SearchlightOptions } from './engine.js';

/** The inputs planSearchlight reads (SearchlightOptions without the running and saving parts). */
export type PlanOptions = Pick<
  SearchlightOptions,
  | 'func'
  | 'mask'
  | 'processMask'
  | 'y'
  | 'targets'
  | 'groups'
  | 'cv'
  | 'estimator'
  | 'scoring'
  | 'radius'
  | 'standardize'
  | 'fastPath'
  | 'shard'
  | 'chunkSize'
>;

/** Everything planned before the per-sphere work: data, folds, spheres, the chosen path and this run's centres. */
export interface SearchlightPlan {
  plan: ComputePlan;
  geometry: MaskGeometry;
  samples: SampleData;
  /** Labels of the kept samples, and their sorted classes. */
  labels: Label[];
  classes: Label[];
  folds: FoldPlan[];
  chosen: ChosenEstimator;
  /** This run's centres: positions [start, end) of the process mask's centres. */
  start: number;
  end: number;
  centres: Int32Array;
  nSpheres: number;
  nFolds: number;
  chunkSize: number;
}

const FAST_SCORING = new Set(['accuracy', 'balanced_accuracy']);

/** The estimator a searchlight runs and the path it takes (a fast kernel, a plugin's fold predictor, or the generic fit/score). */
export interface ChosenEstimator {
  kernel: KernelName;
  params: Record<string, unknown>;
  spec?: EstimatorSpec;
  instance?: AnyEstimator;
  description: string;
}

/** Build the estimator from a name, spec or instance and pick its per-sphere path for this scoring and class count. */
export async function chooseEstimator(
  estimator: SearchlightOptions['estimator'],
  scoring: string,
  nClasses: number,
  fastPath: boolean,
): Promise<ChosenEstimator> {
  let spec: EstimatorSpec | undefined;
  let instance: AnyEstimator;
  if (estimator === undefined || typeof estimator === 'string') spec = { name: estimator ?? 'svc' };
  else if (typeof (estimator as AnyEstimator).fit === 'function') {
    instance = estimator as AnyEstimator;
    // A built-in instance is rebuilt from its name and parameters in each worker thread, so the
    // generic path runs on all threads like the fast paths.
    spec = specFromInstance(instance);
    if (spec) instance = undefined as unknown as AnyEstimator;
  } else spec = estimator as EstimatorSpec;
  if (spec) {
    await loadEstimatorModules(spec);
    instance = factoryFromSpec(spec)();
  }
  const kind = instance!.kind;
  if (kind !== 'classifier' && FAST_SCORING.has(scoring))
    throw new Error(`estimator: scoring "${scoring}" needs a classifier, got a ${kind}`);
  const batched = fastPath ? instance!.batchedKernel?.() : undefined;
  const params = (batched?.params ?? {}) as Record<string, unknown>;
  const description = spec
    ? JSON.stringify({ name: spec.name, params: spec.params ?? {} })
    : JSON.stringify({ instance: instance!.constructor.name, params: instance!.getParams() });
  let kernel: KernelName = 'generic';
  if (batched && FAST_SCORING.has(scoring)) {
    const name = batched.name;
    if (name === 'gnb' && params.priors == null) kernel = 'gnb';
    // Several classes: LinearSVC is one-vs-rest, as the fast path; logistic regression is
    // one-vs-rest when asked, else (L2) multinomial, as LogisticRegression decides.
    else if (name === 'linear-svc' && (params.loss ?? 'squared_hinge') === 'squared_hinge' && (params.penalty ?? 'l2') === 'l2')
      kernel = 'linear-svc';
    else if (name === 'ridge-classifier' && params.classWeight == null) kernel = 'ridge';
    else if (name === 'logistic' && (params.penalty ?? 'l2') === 'l2' && params.classWeight == null) {
      const multiClass = params.multiClass ?? 'auto';
      const solver = params.solver ?? 'auto';
      if (multiClass === 'ovr' || (multiClass === 'auto' && nClasses === 2)) kernel = 'logistic';
      // Multinomial (also with two classes when asked): the Newton solver's optimum. The 'tfjs'
      // solver fits one-vs-rest whatever multiClass says, so it stays on fit().
      else if ((multiClass === 'multinomial' || multiClass === 'auto') && (solver === 'auto' || solver === 'newton-cg'))
        kernel = 'logistic-multinomial';
    } else if (typeof batched.createFoldPredictor === 'function') kernel = 'plugin';
  }
  return { kernel, params, spec, instance: instance!, description };
}

/** Everything up to the per-sphere work: the plan's typed arrays live in SharedArrayBuffers. */
export async function planSearchlight(options: PlanOptions): Promise<SearchlightPlan> {
  const scoring = options.scoring ?? 'accuracy';
  const geometry = await loadMasks(options.mask, options.processMask);
  const allLabels = toLabels(options.y, 'y');
  const rows = selectRows(allLabels, options.targets);
  const samples = await loadSamples(options.func, geometry, allLabels.length, rows);
  const labels = Array.from(rows, (r) => allLabels[r]!);
  let groups: Label[] | undefined;
  if (options.groups !== undefined) {
    const g = toLabels(options.groups, 'groups');
    if (g.length !== allLabels.length) throw new Error(`groups: length ${g.length} does not match the ${allLabels.length} labels of y`);
    groups = Array.from(rows, (r) => g[r]!);
  }
  const { classes, codes } = encodeClasses(labels);
  const splitter = await resolveSplitter(options.cv);
  const folds = splitter
    .split(samples.nSamples, labels, groups)
    .map((f) => ({ train: Int32Array.from(f.train), test: Int32Array.from(f.test) }));
  if (folds.length === 0) throw new Error('cv: produced no folds');
  const chosen = await chooseEstimator(options.estimator, scoring, classes.length, options.fastPath !== false);
  if (chosen.instance!.kind === 'classifier') {
    folds.forEach((f, k) => {
      const first = codes[f.train[0]!]!;
      if (f.train.every((i) => codes[i] === first)) {
        throw new Error(
          `cv: training fold ${k} holds a single class (${JSON.stringify(classes[first])}); every training fold needs at least two`,
        );
      }
    });
  }
  const V = geometry.maskVoxels.length;
  const n = samples.nSamples;
  const { shift, scale } = options.standardize
    ? standardization(samples.X, n, V, folds)
    : { shift: new Float64Array(0), scale: new Float64Array(0) };

  const totalCentres = geometry.centres.length;
  const shard = options.shard ?? { index: 0, count: 1 };
  const { start, end } = shardRange(totalCentres, shard);
  const centres = geometry.centres.subarray(start, end);
  const spheres = computeSpheres(geometry, centres, options.radius);
  const nSpheres = end - start;
  const nFolds = folds.length;
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 64));

  const foldScoresShared = sharedArray(Float64Array, nSpheres * nFolds).subarray(0, nSpheres * nFolds);

  const plan: ComputePlan = {
    kernel: chosen.kernel,
    params: chosen.params,
    scoring,
    X: samples.X,
    nSamples: n,
    nColumns: V,
    sphereOffsets: spheres.offsets,
    sphereIndices: spheres.indices,
    folds,
    codes,
    nClasses: classes.length,
    shift,
    scale,
    gnbStats: new Float64Array(0),
    gnbTable: new Float64Array(0),
    gnbTableOffsets: new Int32Array(0),
    foldScores: foldScoresShared,
  };
  if (chosen.kernel === 'gnb') {
    plan.gnbStats = gnbStatistics(plan);
    const { table, foldOffsets } = gnbTable(plan, plan.gnbStats);
    plan.gnbTable = table;
    plan.gnbTableOffsets = foldOffsets;
  }
  return { plan, geometry, samples, labels, classes, folds, chosen, start, end, centres, nSpheres, nFolds, chunkSize };
}
