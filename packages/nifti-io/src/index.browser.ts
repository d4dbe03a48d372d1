// The main entry as a bundler sees it under the `browser` condition: the same API, without Node
// imports. Images come from bytes (readNiftiFromBuffer); the path-based functions exist so code
// written against the main entry (image-ops, maskers... accept a path or an image) bundles, and
// they fail with one clear message when given a path, since a browser has no file system.
import type { NiftiImage } from './image.js';
import type { ReadOptions } from './decode.js';

export * from './shared.js';
export { readNiftiFromBuffer } from './browser.js';

/** Options of the Node writer; accepted here only so the two entries have one signature. */
export interface WriteOptions {
  /** gzip level for .nii.gz (0-9). */
  compressionLevel?: number;
}

/** In a browser there are no file paths: read bytes with readNiftiFromBuffer instead. */
export async function readNifti(path: string, _opts: ReadOptions = {}): Promise<NiftiImage> {
  throw new Error(`${path}: reading a file path needs Node; in a browser pass a NiftiImage (readNiftiFromBuffer)`);
}

/** In a browser there are no file paths: encode with encodeNifti and hand the bytes on instead. */
export async function writeNifti(_img: NiftiImage, path: string, _opts: WriteOptions = {}): Promise<void> {
  throw new Error(`${path}: writing a file path needs Node; in a browser use encodeNifti to get the bytes`);
}
