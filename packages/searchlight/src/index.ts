// @neurodecode/searchlight: spheres in world space, the parallel searchlight engine with fast
// paths for GaussianNB, LinearSVC and logistic regression, shards and checkpoints.
export { searchlight, savePartial, type SearchlightOptions, type SearchlightResult } from './engine.js';
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
  mergeShards,
  readPartial,
  shardRange,
  meanOverFolds,
  fingerprint,
  type PartialFile,
  type PartialHeader,
  type MergedResult,
} from './shards.js';
export { loadMasks, type ImgLike, type SplitterLike, type MaskGeometry } from './prepare.js';
export type { EstimatorSpec } from './generic.js';
export type { KernelName } from './compute.js';
export { solveLogisticNewton } from './solvers.js';
export { solveSquaredHingeNewton, hingeNewtonWork } from './svm-newton.js';
export { searchlightNullMaps, permuteWithinGroups, type NullMapsOptions, type NullMapsResult } from './null-maps.js';
