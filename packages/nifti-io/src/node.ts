// Node file I/O: streaming reads (gunzip straight into the destination array) and atomic writes
// (temp file + rename, so a failed write leaves nothing behind).
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { createGunzip, createGzip, constants as zc } from 'node:zlib';
import { totalmem } from 'node:os';
import { finished } from 'node:stream/promises';
import { MAX_DEFLATE_RATIO, NiftiDecoder, type ReadOptions } from './decode.js';
import type { NiftiImage } from './image.js';
import { encodeHeader } from './encode.js';
import { parseHeader, sniffHeader, type NiftiHeader } from './header.js';
import { openTemporary, temporaryName, untrackTemporary } from './temporaries.js';

const CHUNK = 1 << 20;

/** Options of {@link readNifti}: the decoding options plus the read size. */
export interface FileReadOptions extends ReadOptions {
  /** Bytes per file read (default 1 MiB). The result never depends on it; tests vary it. */
  chunkSize?: number;
}

/**
 * Read a .nii or .nii.gz file. Errors name the file and what is wrong with it. A .nii.gz is
 * verified whole: every gzip member's CRC32 and length; after a member only zero padding or
 * another member may follow (nibabel's rule); anything else is an error.
 */
export async function readNifti(path: string, opts: FileReadOptions = {}): Promise<NiftiImage> {
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new Error(`${path}: not a regular file`);
    size = st.size;
  } catch (err) {
    throw withPath(path, err);
  }
  const maxBytes = opts.maxBytes ?? Math.min(8 * 1024 ** 3, Math.floor(totalmem() * 0.75));
  const magic = new Uint8Array(2);
  try {
    const fh = await fsp.open(path, 'r');
    try {
      await fh.read(magic, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw withPath(path, err);
  }
  const gz = magic[0] === 0x1f && magic[1] === 0x8b;
  const dec = new NiftiDecoder(path, { ...opts, maxBytes }, gz ? size * MAX_DEFLATE_RATIO : size);
  const highWaterMark = opts.chunkSize ?? CHUNK;
  if (!(Number.isInteger(highWaterMark) && highWaterMark > 0))
    throw new Error(`chunkSize: expected a positive integer, got ${highWaterMark}`);
  if (!gz) {
    await feed(path, createReadStream(path, { highWaterMark }), dec);
    return dec.finish();
  }
  // Every gzip member is inflated to its end, so zlib checks each member's CRC32 and length
  // (ISIZE) whatever the read chunking, even when the image data ends before the trailer.
  let offset = 0;
  for (;;) {
    const consumed = await feed(path, createReadStream(path, { highWaterMark, start: offset }), dec, true);
    offset += consumed;
    if (offset >= size) break;
    // zlib stops at a zero byte after a member. Trailing bytes follow nibabel's (Python gzip's)
    // rule: zeros are padding; after them comes the end of the file or another member.
    offset = await skipZeros(path, offset, size);
    if (offset >= size) break;
    if (!(await startsGzipMember(path, offset))) {
      throw new Error(`${path}: unexpected bytes after the gzip data at offset ${offset} (not zero padding or another gzip member)`);
    }
  }
  return dec.finish();
}

/**
 * Push a file stream (gunzipped when `gz`) into the decoder, reading it to its end. Returns the
 * compressed bytes zlib consumed (it stops early only at zero padding after a member).
 */
async function feed(path: string, file: ReturnType<typeof createReadStream>, dec: NiftiDecoder, gz = false): Promise<number> {
  const gunzip = gz ? createGunzip({ chunkSize: CHUNK }) : undefined;
  const source = gunzip ? file.pipe(gunzip) : file;
  if (gunzip) file.on('error', (e) => gunzip.destroy(e));
  try {
    for await (const chunk of source) {
      dec.push(chunk as Buffer); // bytes after the image data are ignored
      // A plain file has nothing left to verify; a gzip stream is read to its trailer.
      if (!gunzip && dec.done) break;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || e.message?.includes('unexpected end of file')) throw new Error(`${path}: truncated gzip stream`);
    if (e.code && String(e.code).startsWith('Z_')) {
      throw new Error(`${path}: corrupt gzip stream (${e.message})`);
    }
    throw withPath(path, err);
  } finally {
    file.destroy();
    gunzip?.destroy();
  }
  return gunzip ? gunzip.bytesWritten : 0;
}

async function skipZeros(path: string, offset: number, size: number): Promise<number> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = new Uint8Array(64 * 1024);
    while (offset < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      let i = 0;
      while (i < bytesRead && buf[i] === 0) i++;
      offset += i;
      if (i < bytesRead) break;
    }
    return offset;
  } finally {
    await fh.close();
  }
}

async function startsGzipMember(path: string, offset: number): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await fh.read(magic, 0, 2, offset);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The header of a .nii or .nii.gz file, reading (and decompressing) only its first bytes. */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  let buf = Buffer.alloc(0);
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    const magic = await new Promise<Buffer>((resolve, reject) => {
      file.once('error', reject);
      file.once('readable', () => resolve((file.read(2) as Buffer | null) ?? Buffer.alloc(0)));
    });
    file.unshift(magic);
    const gz = magic[0] === 0x1f && magic[1] === 0x8b;
    const source = gz ? file.pipe(createGunzip()) : file;
    try {
      for await (const chunk of source) {
        buf = Buffer.concat([buf, chunk as Buffer]);
        if (buf.length >= 4 && buf.length >= sniffHeader(buf.subarray(0, 4), path).size) break;
      }
    } finally {
      if (source !== file) source.destroy();
    }
  } catch (err) {
    throw withPath(path, err);
  } finally {
    file.destroy();
  }
  return parseHeader(buf, path);
}

/** An Error whose message starts with the file path (errors from the decoder already do). */
function withPath(path: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && e.message.startsWith(`${path}:`)) return e;
  if (e?.code === 'ENOENT') return new Error(`${path}: no such file`);
  if (e?.code === 'EACCES') return new Error(`${path}: permission denied`);
  if (e?.code === 'EISDIR') return new Error(`${path}: not a regular file`);
  return new Error(`${path}: ${e instanceof Error ? e.message : String(err)}`);
}

/** Options of {@link writeNifti}. */
export interface WriteOptions {
  /** gzip level for .nii.gz (0-9); 1 by default (as nibabel), fast with most of the gain. */
  compressionLevel?: number;
}

/** Write a .nii or .nii.gz file (chosen by the extension), atomically. */
export async function writeNifti(img: NiftiImage, path: string, opts: WriteOptions = {}): Promise<void> {
  if (!/\.nii(\.gz)?$/.test(path)) throw new Error(`${path}: output must end in .nii or .nii.gz`);
  const gz = path.endsWith('.gz');
  const { header, data } = encodeHeader(img);
  // Created and tracked synchronously, then written through its descriptor (see temporaries.ts).
  const tmp = temporaryName(path);
  const out = createWriteStream(tmp, { fd: openTemporary(tmp, path) });
  const sink = gz ? createGzip({ level: opts.compressionLevel ?? 1, chunkSize: CHUNK, strategy: zc.Z_DEFAULT_STRATEGY }) : out;
  // The first error of either stream ends the write. Both get a listener, so an error (say the
  // folder is missing, or the disk fills) can never surface as an unhandled 'error' event, and a
  // failing file stream cannot leave us waiting for a 'drain' from gzip that never comes.
  let failure: Error | undefined;
  let onFailure: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onFailure = reject;
  });
  failed.catch(() => undefined);
  const fail = (e: Error) => {
    failure ??= e;
    onFailure(failure);
  };
  out.on('error', fail);
  if (gz) {
    sink.on('error', fail);
    sink.pipe(out);
  }
  try {
    await writeChunk(sink, header, failed);
    for (let off = 0; off < data.length; off += 4 * CHUNK) {
      await writeChunk(sink, data.subarray(off, Math.min(off + 4 * CHUNK, data.length)), failed);
    }
    sink.end();
    await Promise.race([finished(out), failed]);
    if (failure) throw failure;
    await fsp.rename(tmp, path);
  } catch (err) {
    sink.destroy();
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw new Error(`${path}: write failed (${(err as Error).message})`);
  } finally {
    untrackTemporary(tmp);
  }
}

/** Write one chunk, waiting for 'drain' when the stream asks; rejects as soon as `failed` does. */
function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array, failed: Promise<never>): Promise<void> {
  if (stream.write(chunk)) return Promise.race([Promise.resolve(), failed]);
  return Promise.race([new Promise<void>((resolve) => stream.once('drain', resolve)), failed]);
}
