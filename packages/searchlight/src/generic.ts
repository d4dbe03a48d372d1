// The generic per-sphere path: any classifier or regressor from the registry (or a plugin), cloned
// per fold, fitted on the sphere's training rows and scored by a named scorer.
import { Matrix } from '@neurodecode/matrix';
import { BUILTIN_ESTIMATORS, createEstimator, type AnyEstimator, type Label, type Params } from '@neurodecode/estimators';
import type { GenericScorer } from './compute.js';

/** A scorer: the score of a fitted estimator on X against the true labels y (higher is better). */
export type ScoreFn = (estimator: AnyEstimator, X: Matrix, y: Label[]) => number;

/** The scorer named `scoring`, from @neurodecode/cv when it provides one. */
export async function resolveScorer(scoring: string): Promise<ScoreFn> {
  let cv: Record<string, unknown> = {};
  try {
    cv = (await import('@neurodecode/cv')) as Record<string, unknown>;
  } catch {
    // cv not built: only accuracy is available below.
  }
  if (typeof cv.getScorer === 'function') {
    return (cv.getScorer as (name: string) => ScoreFn)(scoring);
  }
  if (scoring !== 'accuracy') throw new Error(`scoring: "${scoring}" needs @neurodecode/cv's getScorer, which is not available`);
  return (est, X, y) => (est as unknown as { score(X: Matrix, y: Label[]): number }).score(X, y);
}

/** An estimator by registered name, with parameters and the plugin modules that register it (what worker threads rebuild it from). */
export interface EstimatorSpec {
  name: string;
  params?: Params;
  /**
   * Modules that register the estimator (plugins): package names, paths or file URLs, resolved
   * as Node's ESM loader would from `from`, and imported in every worker. Not needed for a plugin
   * already imported in the calling thread: its module is known to the registry.
   */
  modules?: string[];
  /** Folder (or a file URL such as `import.meta.url`) that `modules` resolve from; default: the working directory. */
  from?: string;
}

/**
 * Import built-ins and plugin modules so that `spec.name` is registered in this thread. Under Node
 * the engine first turns `modules` into file URLs (resolveSpecModules); in a browser they are
 * imported as given.
 */
export async function loadEstimatorModules(spec: EstimatorSpec): Promise<void> {
  await import('@neurodecode/estimators');
  for (const m of spec.modules ?? []) await import(m);
}

/** The generic path: clone, fit on a sphere's training rows and score on its test rows, fold by fold. */
export function makeGenericScorer(
  factory: () => AnyEstimator,
  score: ScoreFn,
  labels: Label[],
  folds: { train: Int32Array; test: Int32Array }[],
): GenericScorer {
  const trainLabels = folds.map((f) => Array.from(f.train, (i) => labels[i]!));
  const testLabels = folds.map((f) => Array.from(f.test, (i) => labels[i]!));
  return (train, nTrain, test, nTest, p, fold) => {
    // The estimator keeps references to what it is given, so each fit gets its own copies.
    const Xtr = new Matrix(nTrain, p, train.slice(0, nTrain * p));
    const Xte = new Matrix(nTest, p, test.slice(0, nTest * p));
    const est = factory();
    (est as { fit(X: Matrix, y: Label[]): unknown }).fit(Xtr, trainLabels[fold]!);
    return score(est, Xte, testLabels[fold]!);
  };
}

/** A factory of fresh estimators for a spec (builds one at once, so a bad name or parameter fails early). */
export function factoryFromSpec(spec: EstimatorSpec): () => AnyEstimator {
  createEstimator(spec.name, spec.params ?? {});
  return () => createEstimator(spec.name, spec.params ?? {});
}

/**
 * A name and parameters that rebuild `instance` in a worker thread: a registered estimator of
 * the same class whose parameters survive structured cloning. Undefined otherwise (such an
 * instance runs in the calling thread). Worker threads import @neurodecode/estimators only, so
 * only built-ins (registered on that import) qualify.
 */
export function specFromInstance(instance: AnyEstimator): EstimatorSpec | undefined {
  let params: Params;
  try {
    params = structuredClone(instance.getParams());
  } catch {
    return undefined;
  }
  for (const entry of BUILTIN_ESTIMATORS) {
    let probe: AnyEstimator;
    try {
      probe = entry.create(params);
    } catch {
      continue;
    }
    if (probe.constructor === instance.constructor) return { name: entry.name, params };
  }
  return undefined;
}
