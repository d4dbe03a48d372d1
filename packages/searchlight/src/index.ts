// @neurodecode/searchlight's Node entry: everything in core.ts (sphere geometry, planning, the
// per-sphere kernels, which a browser bundle gets alone), plus the worker-thread engine, shards
// and checkpoints, and permutation null maps, which need Node built-ins.
export * from './core.js';
export { searchlight, savePartial, type SearchlightOptions, type SearchlightResult } from './engine.js';
export { mergeShards, readPartial, fingerprint, type PartialFile, type PartialHeader, type MergedResult } from './shards.js';
export { searchlightNullMaps, permuteWithinGroups, type NullMapsOptions, type NullMapsResult } from './null-maps.js';
