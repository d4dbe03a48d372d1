// @neurodecode/searchlight/core (also what a bundler gets for the main entry under the `browser`
// condition): sphere geometry and the per-sphere kernels, with no Node imports. The worker-thread
// engine, file reading and shards (the main entry under Node) build on these.
export { computeSpheres, sphereStencil, sphereSizes, maskVoxelsCOrder, volumeExtent, checkRadius, type Spheres, type SphereGeometry } from './spheres.js';
export { SphereComputer, standardization, type ComputePlan, type FoldPlan, type FastScoring, type GenericScorer, type KernelName } from './compute.js';
export { gnbStatistics, gnbTable, GnbPredictor } from './gnb.js';
export { solveLogisticNewton, newtonWork, type NewtonWork } from './solvers.js';
export { solveSquaredHingeNewton, hingeNewtonWork, type HingeNewtonWork } from './svm-newton.js';
