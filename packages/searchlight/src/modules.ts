// Node only: where a searchlight's plugin modules are. They resolve from the caller's folder with
// Node's ESM rules (@neurodecode/estimators/plugins), and the module that registered the named
// estimator is added, so every worker thread can rebuild the estimator by name.
import { getEstimatorEntry } from '@neurodecode/estimators';
import { loadPlugins } from '@neurodecode/estimators/plugins';
import type { EstimatorSpec } from './generic.js';

/**
 * In the calling thread: import the spec's modules resolved from `spec.from` (default: the working
 * directory), then add the module that registered `spec.name` (a plugin the caller imported).
 * Returns the spec with file URLs only, ready to send to workers.
 */
export async function resolveSpecModules(spec: EstimatorSpec): Promise<EstimatorSpec> {
  await import('@neurodecode/estimators');
  const urls = await loadPlugins(spec.modules ?? [], spec.from ?? process.cwd(), 'estimator.modules');
  const registeredBy = getEstimatorEntry(spec.name)?.module;
  if (registeredBy && !urls.includes(registeredBy)) urls.push(registeredBy);
  return { name: spec.name, params: spec.params, modules: urls };
}
