// Browser entry: no Node imports. Reads NIfTI from an ArrayBuffer (gzip through the platform's
// DecompressionStream, decoded chunk by chunk like the Node reader).
import { isGzip, MAX_DEFLATE_RATIO, NiftiDecoder, parseNifti, type ReadOptions } from './decode.js';
import type { NiftiImage } from './image.js';

/**
 * Decode a .nii or .nii.gz file held in memory; works in browsers (gzip through the platform's
 * DecompressionStream) and in Node. The gzip stream is read to its end so its CRC and length are
 * checked.
 * @param where Names the source in errors (a file name, say).
 * @throws Error `<where>: ...` for a corrupt gzip stream, an invalid header or truncated data.
 */
export async function readNiftiFromBuffer(buf: ArrayBuffer | Uint8Array, where = 'buffer', opts: ReadOptions = {}): Promise<NiftiImage> {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (!isGzip(bytes)) return parseNifti(bytes, where, opts);
  const dec = new NiftiDecoder(where, opts, bytes.length * MAX_DEFLATE_RATIO);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw new Error(`${where}: corrupt or truncated gzip stream (${(err as Error).message})`);
      }
      if (chunk.done) break;
      // Read to the end even once the image is complete: the gzip trailer (CRC32, length) is
      // checked only when the stream reaches it.
      dec.push(chunk.value); // decoder errors already name the source
    }
  } finally {
    // Stop decompressing what is left (trailing bytes, or the rest after an error).
    await reader.cancel().catch(() => undefined);
  }
  return dec.finish();
}

export * from './shared.js';
