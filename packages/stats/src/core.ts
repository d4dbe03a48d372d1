// @neurodecode/stats without Node built-ins: what a bundler gets for the main entry under the
// `browser` condition. Permutations run in the calling thread (yielding to the event loop); the
// Node entry (index.ts) adds the worker-thread pool.
export { tSf, tCdf, tIsf, tPdf, incompleteBeta, logGamma } from './tdist.js';
export { Rng } from './rng.js';
export { maskGraph, type MaskGraph } from './graph.js';
export { buildDesign, prepareTargets, orthonormalize, type Design, type DesignInput } from './design.js';
export { TfceComputer, TFCE_STEPS, tfceHeights, type TfceParams } from './tfce.js';
export { ClusterMeasurer, type ClusterMaps } from './cluster-measures.js';
export { PermutationKernel, type KernelOptions } from './kernel.js';
export { permutedOls, drawPermutations, maxStatLogp, clusterP, type PermutationOptions, type PermutationResult } from './permutation.js';
export { loadStack, unmask, type SubjectStack, type StackOptions } from './stack.js';
export { groupInference, clustersTsv, OUTPUT_MAPS, type GroupOptions, type GroupResult, type GroupClusterRow } from './group.js';
export { loadNullStack, type NullStack } from './null-stack.js';
export { stelzer, stelzerDraws, benjaminiHochberg, type StelzerInput, type StelzerOptions, type StelzerResult } from './stelzer.js';
export {
  prevalence,
  prevalenceDraws,
  majorityNullP,
  largestGamma0,
  type PrevalenceInput,
  type PrevalenceOptions,
  type PrevalenceResult,
} from './prevalence.js';
export { runNullMethod, type NullMethodOptions, type NullMethodResult } from './group-null.js';
