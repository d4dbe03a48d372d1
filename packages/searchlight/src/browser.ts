// Browser entry (no Node built-ins): plan a searchlight and compute its spheres with the same
// code the Node engine runs, on Web Workers sharing the plan's SharedArrayBuffers.
export { planSearchlight, chooseEstimator, type SearchlightPlan, type PlanOptions, type ChosenEstimator } from './plan.js';
export { SphereComputer, standardization, type ComputePlan, type FoldPlan, type GenericScorer, type KernelName } from './compute.js';
export { makeQueue, takeChunks, sharedArray, type ChunkQueue } from './queue.js';
export { makeGenericScorer, resolveScorer, factoryFromSpec, loadEstimatorModules, type EstimatorSpec } from './generic.js';
export { meanOverFolds, scoresImage, shardRange } from './scores.js';
export { computeSpheres, sphereStencil, sphereSizes, maskVoxelsCOrder, volumeExtent, checkRadius, type Spheres, type SphereGeometry } from './spheres.js';
export { loadMasks, type ImgLike, type SplitterLike, type MaskGeometry } from './prepare.js';
