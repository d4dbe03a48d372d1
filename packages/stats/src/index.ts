// @neurodecode/stats: group inference on subject maps.
export { tSf, tCdf, tIsf, tPdf, incompleteBeta, logGamma } from './tdist.js';
export { Rng } from './rng.js';
export { maskGraph, type MaskGraph } from './graph.js';
export { buildDesign, prepareTargets, orthonormalize, type Design, type DesignInput } from './design.js';
export { TfceComputer, TFCE_STEPS, tfceHeights, type TfceParams } from './tfce.js';
export { ClusterMeasurer, type ClusterMaps } from './cluster-measures.js';
export { PermutationKernel, type KernelOptions } from './kernel.js';
export { permutedOls, drawPermutations, maxStatLogp, clusterP, type PermutationOptions, type PermutationResult } from './permutation.js';
export { loadStack, unmask, type SubjectStack, type StackOptions } from './stack.js';
