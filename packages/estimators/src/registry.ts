// Name -> factory registry: built-ins register themselves on import; third-party packages call
// registerEstimator from their entry point, and the CLI loads them with --plugin.
import { suggestName } from '@neurodecode/matrix';
import type { AnyEstimator, Params } from './types.js';

export interface EstimatorEntry {
  name: string;
  kind: 'classifier' | 'regressor' | 'transformer';
  description: string;
  /** Build an unfitted estimator; unknown parameter names must throw. */
  create(params?: Params): AnyEstimator;
}

// One registry per process, even when a plugin resolves its own copy of this package.
const REGISTRY_KEY = Symbol.for('@neurodecode/estimators/registry');
const globalSlot = globalThis as unknown as Record<symbol, Map<string, EstimatorEntry> | undefined>;
const entries: Map<string, EstimatorEntry> = (globalSlot[REGISTRY_KEY] ??= new Map<string, EstimatorEntry>());

export function registerEstimator(entry: EstimatorEntry, opts: { replace?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9-]*$/.test(entry.name)) {
    throw new Error(`registerEstimator: name "${entry.name}" must be lower-case letters, digits and dashes`);
  }
  if (entries.has(entry.name) && !opts.replace) {
    throw new Error(`registerEstimator: "${entry.name}" is already registered (pass { replace: true } to override)`);
  }
  entries.set(entry.name, entry);
}

export function createEstimator(name: string, params: Params = {}): AnyEstimator {
  const entry = entries.get(name);
  if (!entry) {
    throw new Error(`estimator: unknown name "${name}"; registered: ${[...entries.keys()].sort().join(', ')}`);
  }
  return entry.create(params);
}

export function getEstimatorEntry(name: string): EstimatorEntry | undefined {
  return entries.get(name);
}

export function listEstimators(): EstimatorEntry[] {
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Throw if `params` names anything not in `allowed` (the estimator's own parameter names). */
export function checkParamNames(estimator: string, params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      const best = suggestName(key, allowed);
      throw new Error(`${estimator}: unknown parameter "${key}"${best ? `; did you mean ${best}?` : ''} (valid parameters: ${allowed.join(', ')})`);
    }
  }
}
