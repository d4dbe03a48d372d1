// Name -> factory registry: built-ins register themselves on import; third-party packages call
// registerEstimator from their entry point, and the CLI loads them with --plugin.
import { suggestName } from '@neurodecode/matrix';
import type { AnyEstimator, Params } from './types.js';
import type { LinearSVC } from './linear-svc.js';
import type { LogisticRegression } from './logistic.js';
import type { Ridge, RidgeClassifier } from './ridge.js';
import type { GaussianNB } from './naive-bayes.js';
import type { DummyClassifier } from './dummy.js';
import type { StandardScaler } from './preprocessing.js';
import type { SelectPercentile } from './feature-selection.js';

/**
 * Registered name -> estimator type, so `createEstimator('gnb', ...)` is a typed GaussianNB and
 * misspelled parameters fail to compile. A plugin adds its names by declaration merging:
 *
 * ```ts
 * declare module '@neurodecode/estimators' {
 *   interface EstimatorTypes { knn: KNeighborsClassifier }
 * }
 * ```
 */
export interface EstimatorTypes {
  svc: LinearSVC;
  logistic: LogisticRegression;
  'ridge-classifier': RidgeClassifier;
  ridge: Ridge;
  gnb: GaussianNB;
  dummy: DummyClassifier;
  'standard-scaler': StandardScaler;
  'select-percentile': SelectPercentile;
}

/** The parameter type of an estimator type (what its getParams returns). */
export type ParamsOf<E> = E extends { getParams(): infer P } ? P : Params;

/** A registry entry: a name and a factory, plus what tools may ask about the estimator. */
export interface EstimatorEntry {
  /** Lower-case letters, digits and dashes: what `createEstimator`, `--estimator` and grids use. */
  name: string;
  kind: 'classifier' | 'regressor' | 'transformer';
  /** One line for `--help` listings. */
  description: string;
  /** Build an unfitted estimator; unknown parameter names must throw. */
  create(params?: Params): AnyEstimator;
  /**
   * The hyper-parameter grid the Decoder searches when the user gives none (scikit-learn's
   * ParamGrid shape: name -> candidate values), e.g. `{ nNeighbors: [1, 5, 9] }`.
   */
  defaultGrid?: Record<string, readonly unknown[]>;
  /**
   * URL of the module whose import registers this entry. Worker threads (the searchlight's)
   * import it to rebuild the estimator by name. Filled in by registerEstimator from the caller's
   * location when omitted; pass `import.meta.url` to be explicit.
   */
  module?: string;
}

// One registry per process, even when a plugin resolves its own copy of this package.
const REGISTRY_KEY = Symbol.for('@neurodecode/estimators/registry');
const globalSlot = globalThis as unknown as Record<symbol, Map<string, EstimatorEntry> | undefined>;
const entries: Map<string, EstimatorEntry> = (globalSlot[REGISTRY_KEY] ??= new Map<string, EstimatorEntry>());

/** Add an estimator under a name (a plugin calls this from its entry module); { replace: true } overrides. */
export function registerEstimator(entry: EstimatorEntry, opts: { replace?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9-]*$/.test(entry.name)) {
    throw new Error(`registerEstimator: name "${entry.name}" must be lower-case letters, digits and dashes`);
  }
  if (entries.has(entry.name) && !opts.replace) {
    throw new Error(`registerEstimator: "${entry.name}" is already registered (pass { replace: true } to override)`);
  }
  entries.set(entry.name, entry.module ? entry : { ...entry, module: callerModule() });
}

const THIS_MODULE = import.meta.url;

/**
 * The URL of the module that called registerEstimator, read from the call stack (V8 and other
 * engines list frames as "at ... (url:line:col)" or "fn@url:line:col"). Undefined when the
 * stack names no such module (then workers cannot rebuild the estimator by name).
 */
function callerModule(): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /((?:file|https?):\/\/[^\s)]+?|\/[^\s():]+?):\d+:\d+\)?\s*$/.exec(line);
    if (!m) continue;
    const where = m[1]!.startsWith('/') ? `file://${encodeURI(m[1]!)}` : m[1]!;
    if (where !== THIS_MODULE) return where;
  }
  return undefined;
}

/** Build a registered estimator by name; for built-in (and declared plugin) names the result is typed. */
export function createEstimator<N extends keyof EstimatorTypes>(name: N, params?: Partial<ParamsOf<EstimatorTypes[N]>>): EstimatorTypes[N];
/**
 * Build an estimator registered under a name the types do not know (loaded at run time), or from
 * a name only known at run time (a `string`, or a union with such names).
 */
export function createEstimator<N extends string>(name: [N] extends [keyof EstimatorTypes] ? never : N, params?: Params): AnyEstimator;
export function createEstimator(name: string, params: Params = {}): AnyEstimator {
  const entry = entries.get(name);
  if (!entry) {
    throw new Error(`estimator: unknown name "${name}"; registered: ${[...entries.keys()].sort().join(', ')}`);
  }
  return entry.create(params);
}

/** The registry entry for a name, or undefined. */
export function getEstimatorEntry(name: string): EstimatorEntry | undefined {
  return entries.get(name);
}

/** Every registered entry, sorted by name. */
export function listEstimators(): EstimatorEntry[] {
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Throw if `params` names anything not in `allowed` (the estimator's own parameter names). */
export function checkParamNames(estimator: string, params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      const best = suggestName(key, allowed);
      throw new Error(
        `${estimator}: unknown parameter "${key}"${best ? `; did you mean ${best}?` : ''} (valid parameters: ${allowed.join(', ')})`,
      );
    }
  }
}
