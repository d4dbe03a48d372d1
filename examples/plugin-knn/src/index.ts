// neurodecode-plugin-knn: a k-nearest-neighbours estimator plugin for neurodecode. Importing
// this module registers it as 'knn', so it works by name everywhere an estimator name does:
// createEstimator('knn'), the Decoder (with its own default grid), the searchlight (on every
// worker thread, through its fast path), and the CLI (`--plugin neurodecode-plugin-knn --estimator knn`).
import { registerEstimator } from '@neurodecode/estimators';
import { KNeighborsClassifier, type KNeighborsParams } from './knn.js';

export { KNeighborsClassifier, KNN_DEFAULTS, type KNeighborsParams } from './knn.js';

// Typed by name: createEstimator('knn', { nNeighbors: 3 }) is a KNeighborsClassifier, and a
// misspelled parameter fails to compile.
declare module '@neurodecode/estimators' {
  interface EstimatorTypes {
    knn: KNeighborsClassifier;
  }
}

registerEstimator(
  {
    name: 'knn',
    kind: 'classifier',
    description: 'k-nearest neighbours (Euclidean, brute force; nNeighbors, weights)',
    create: (params) => new KNeighborsClassifier(params as Partial<KNeighborsParams>),
    // What the Decoder searches when the user gives no grid.
    defaultGrid: { nNeighbors: [1, 3, 5, 9, 15] },
    // Worker threads import this module to rebuild 'knn' (registerEstimator infers it if omitted).
    module: import.meta.url,
  },
  { replace: true },
);
