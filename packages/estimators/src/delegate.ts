// solver: 'tfjs' on the built-in linear models. The TensorFlow.js solvers live in
// @neurodecode/spacenet (so a lab that uses only these estimators never installs TensorFlow.js);
// importing that package registers them, and the built-ins reach them through the registry.
import type { Matrix } from '@neurodecode/matrix';
import { getEstimatorEntry } from './registry.js';
import type { Classifier, FitOptions, Label, LinearModel, Params, Targets } from './types.js';

export interface DelegatedFit {
  classes: Label[];
  coef: Matrix;
  intercept: Float64Array;
  nIter: number;
  backend?: string;
}

export function fitWithRegisteredSolver(
  owner: string,
  name: string,
  params: Params,
  X: Matrix,
  y: Targets,
  opts?: FitOptions,
): DelegatedFit {
  const entry = getEstimatorEntry(name);
  if (!entry) {
    throw new Error(
      `${owner}: solver "tfjs" needs @neurodecode/spacenet, which registers "${name}"; import it first (CLI: --plugin @neurodecode/spacenet)`,
    );
  }
  const est = entry.create(params) as unknown as Classifier & LinearModel & { nIter?: number; backend?: string };
  est.fit(X, y, opts);
  return { classes: est.classes, coef: est.coef, intercept: est.intercept, nIter: est.nIter ?? 0, backend: est.backend };
}
