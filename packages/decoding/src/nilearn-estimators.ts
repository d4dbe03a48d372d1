// nilearn 0.10's Decoder estimator strings, each with the model nilearn builds for it and the
// default grid nilearn derives from the training fold (l1_min_c for the L1 models).
import type { Matrix } from '@neurodecode/matrix';
import {
  createEstimator,
  LinearSVC,
  SVR,
  DummyClassifier,
  DummyRegressor,
  RidgeCV,
  RidgeClassifierCV,
  l1MinC,
  type Estimator,
  type Targets,
  type Params,
} from '@neurodecode/estimators';
import { LogisticRegressionCV, LassoCV, type ParamGrid } from '@neurodecode/cv';

/** One nilearn estimator string: its kind, the model it builds, its default grid on a training fold, and the extras it reports (bestC, bestAlpha). */
export interface NilearnEstimatorSpec {
  kind: 'classifier' | 'regressor';
  create(): Estimator;
  /** nilearn's default grid for this training fold ({} when the model has no outer grid). */
  grid(X: Matrix, y: Targets): ParamGrid;
  /** Extra entries for cvParams read from the fitted model (bestC, bestAlpha). */
  chosen?(fitted: Estimator): Params;
}

/** numpy.geomspace(start, stop, n) */
export function geomspace(start: number, stop: number, n: number): number[] {
  const a = Math.log10(start);
  const b = Math.log10(stop);
  return Array.from({ length: n }, (_, i) => (i === 0 ? start : i === n - 1 ? stop : 10 ** (a + ((b - a) * i) / (n - 1))));
}

const svcL2: NilearnEstimatorSpec = {
  kind: 'classifier',
  create: () => new LinearSVC({ penalty: 'l2', maxIter: 10000 }),
  grid: () => ({ C: [1, 10, 100] }),
};

const logisticL2: NilearnEstimatorSpec = {
  kind: 'classifier',
  create: () => new LogisticRegressionCV({ penalty: 'l2' }),
  grid: () => ({ Cs: [geomspace(2e-3, 2e4, 8).map((c) => c * 0.5)] }),
  chosen: (e) => ({ bestC: (e as LogisticRegressionCV).C_[0] }),
};

const ridgeGrid = () => ({ alphas: [geomspace(1e-3, 1e4, 8)] });

const lasso: NilearnEstimatorSpec = {
  kind: 'regressor',
  create: () => new LassoCV(),
  grid: () => ({ nAlphas: [30] }),
  chosen: (e) => ({ bestAlpha: (e as LassoCV).alpha_ }),
};

const ridgeRegressor: NilearnEstimatorSpec = {
  kind: 'regressor',
  create: () => new RidgeCV(),
  grid: ridgeGrid,
  chosen: (e) => ({ bestAlpha: (e as RidgeCV).alpha_ }),
};

/** Every estimator string nilearn 0.10.2's Decoder and DecoderRegressor accept. */
export const NILEARN_ESTIMATORS: Readonly<Record<string, NilearnEstimatorSpec>> = {
  svc: svcL2,
  svc_l2: svcL2,
  svc_l1: {
    kind: 'classifier',
    create: () => new LinearSVC({ penalty: 'l1', maxIter: 10000 }),
    grid: (X, y) => ({ C: [2, 20, 200].map((c) => c * l1MinC(X, y, { loss: 'squared_hinge' })) }),
  },
  logistic: logisticL2,
  logistic_l2: logisticL2,
  logistic_l1: {
    kind: 'classifier',
    create: () => new LogisticRegressionCV({ penalty: 'l1' }),
    grid: (X, y) => {
      const minC = l1MinC(X, y, { loss: 'log' });
      return { Cs: [geomspace(2e-3, 2e4, 8).map((c) => c * minC)] };
    },
    chosen: (e) => ({ bestC: (e as LogisticRegressionCV).C_[0] }),
  },
  ridge_classifier: {
    kind: 'classifier',
    create: () => new RidgeClassifierCV(),
    grid: ridgeGrid,
    chosen: (e) => ({ bestAlpha: (e as RidgeClassifierCV).alpha_ }),
  },
  ridge: ridgeRegressor,
  ridge_regressor: ridgeRegressor,
  lasso,
  lasso_regressor: lasso,
  svr: {
    kind: 'regressor',
    create: () => new SVR({ maxIter: 10000 }),
    grid: () => ({ C: [1, 10, 100] }),
  },
  dummy_classifier: {
    kind: 'classifier',
    create: () => new DummyClassifier({ strategy: 'stratified', seed: 0 }),
    grid: () => ({}),
  },
  dummy_regressor: {
    kind: 'regressor',
    create: () => new DummyRegressor({ strategy: 'mean' }),
    grid: () => ({}),
  },
};

/** The spec of a nilearn estimator string, or undefined for any other name. */
export function nilearnEstimator(name: string): NilearnEstimatorSpec | undefined {
  return Object.hasOwn(NILEARN_ESTIMATORS, name) ? NILEARN_ESTIMATORS[name] : undefined;
}

/** An estimator by name: nilearn's strings first (as the Decoder builds them), then the registry. */
export function resolveEstimator(name: string): Estimator {
  return nilearnEstimator(name)?.create() ?? createEstimator(name);
}

/** Every estimator string nilearn 0.10.2's Decoder accepts. */
export const NILEARN_ESTIMATOR_NAMES: readonly string[] = Object.keys(NILEARN_ESTIMATORS);

/**
 * A user grid for a model with its own cross-validation, adapted as nilearn adapts it: 'C' becomes
 * LogisticRegressionCV's 'Cs', and a flat list of Cs or alphas is wrapped into one candidate so
 * the model's internal cross-validation searches it.
 */
export function adaptGridToCvModel(est: Estimator, grid: ParamGrid | ParamGrid[]): ParamGrid | ParamGrid[] {
  const list = Array.isArray(grid) ? grid : [grid];
  const key =
    est instanceof LogisticRegressionCV
      ? 'Cs'
      : est instanceof RidgeCV || est instanceof RidgeClassifierCV || est instanceof LassoCV
        ? 'alphas'
        : undefined;
  if (!key) return grid;
  const out = list.map((g) => {
    const copy: Record<string, readonly unknown[]> = { ...g };
    if (key === 'Cs' && 'C' in copy) {
      copy.Cs = copy.C!;
      delete copy.C;
    }
    const values = copy[key];
    if (values && values.length && typeof values[0] === 'number') copy[key] = [values];
    return copy;
  });
  return Array.isArray(grid) ? out : out[0]!;
}
