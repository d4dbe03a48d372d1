export * from './shared.js';
export { readNifti, readNiftiHeader, writeNifti, type FileReadOptions, type WriteOptions } from './node.js';
export { readNiftiFromBuffer } from './browser.js';
export { trackTemporary, untrackTemporary, removeTemporaries, temporaryName, openTemporary, writeFileAtomicSync } from './temporaries.js';
