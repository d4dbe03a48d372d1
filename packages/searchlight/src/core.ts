// @neurodecode/searchlight/core (also what a bundler gets for the main entry under the `browser`
// condition): sphere geometry, planning and the per-sphere kernels, with no Node imports. The
// worker-thread engine, file reading and shards (the main entry under Node) build on these; a
// browser plans with planSearchlight and runs SphereComputer on Web Workers over the same queue.
export {
  computeSpheres,
  sphereStencil,
  sphereSizes,
  maskVoxelsCOrder,
  volumeExtent,
  checkRadius,
  type Spheres,
  type SphereGeometry,
} from './spheres.js';
export {
  SphereComputer,
  standardization,
  type ComputePlan,
  type FoldPlan,
  type FastScoring,
  type GenericScorer,
  type KernelName,
} from './compute.js';
export { gnbStatistics, gnbTable, GnbPredictor, type GnbStatsInput } from './gnb.js';
export { solveLogisticNewton, newtonWork, type NewtonWork } from './solvers.js';
export { solveSquaredHingeNewton, hingeNewtonWork, type HingeNewtonWork } from './svm-newton.js';
export { planSearchlight, chooseEstimator, type SearchlightPlan, type PlanOptions, type ChosenEstimator } from './plan.js';
export { makeQueue, takeChunks, sharedArray, type ChunkQueue } from './queue.js';
export { makeGenericScorer, resolveScorer, factoryFromSpec, loadEstimatorModules, type EstimatorSpec, type ScoreFn } from './generic.js';
export { meanOverFolds, scoresImage, shardRange } from './scores.js';
export { loadMasks, type ImgLike, type SplitterLike, type MaskGeometry, type SampleData } from './prepare.js';
