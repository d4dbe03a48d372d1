export * from './shared.js';
export { readNifti, writeNifti, type FileReadOptions, type WriteOptions } from './node.js';
export { readNiftiFromBuffer } from './browser.js';
export { trackTemporary, untrackTemporary, removeTemporaries } from './temporaries.js';
