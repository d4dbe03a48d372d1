export * from './shared.js';
export { readNifti, readNiftiHeader, writeNifti, type WriteOptions } from './node.js';
export { readNiftiFromBuffer } from './browser.js';
