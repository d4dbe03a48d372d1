// Partial results on disk: shard outputs and checkpoints share one format, an 8-byte magic, a
// JSON header (with the run fingerprint) and a binary payload of fold scores. Files are written
// to a temporary name and renamed, so a file under the final name is always complete.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { writeFileAtomicSync, writeNifti, type Affine, type NiftiImage } from '@neurodecode/nifti-io';
import { meanOverFolds, scoresImage } from './scores.js';

export { meanOverFolds, scoresImage, shardRange } from './scores.js';

const MAGIC = 'NDSLPT01';

/** What a partial result belongs to: run fingerprint, shard, centre range, grid and (for a checkpoint) finished chunks. */
export interface PartialHeader {
  kind: 'shard' | 'checkpoint';
  fingerprint: string;
  shard: { index: number; count: number };
  /** This file's centres are positions [start, end) of the run's process-mask order. */
  start: number;
  end: number;
  totalCentres: number;
  nFolds: number;
  shape: number[];
  affine: Affine;
  /** Checkpoints: chunk size and the chunks whose scores are final. */
  chunkSize?: number;
  doneChunks?: number[];
}

/** A shard's or checkpoint's saved scores with the header that identifies its run. */
export interface PartialFile {
  header: PartialHeader;
  /** Flat voxel index (Fortran order) of every process-mask centre of the whole run. */
  centres: Int32Array;
  /** (end - start) x nFolds, sphere-major. */
  foldScores: Float64Array;
}

/** A hex digest over everything that determines the scores (data, labels, folds, masks, parameters). */
export function fingerprint(parts: (ArrayBufferView | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(`s${p.length}:`).update(p);
    else {
      h.update(`b${p.byteLength}:`);
      h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    }
  }
  return h.digest('hex').slice(0, 32);
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodePartial(file: PartialFile): Uint8Array {
  const json = Buffer.from(JSON.stringify(file.header), 'utf8');
  const headerEnd = pad8(12 + json.length);
  const centresEnd = pad8(headerEnd + file.centres.byteLength);
  const out = new Uint8Array(centresEnd + file.foldScores.byteLength);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(new Uint8Array(file.centres.buffer, file.centres.byteOffset, file.centres.byteLength), headerEnd);
  out.set(new Uint8Array(file.foldScores.buffer, file.foldScores.byteOffset, file.foldScores.byteLength), centresEnd);
  return out;
}

export function decodePartial(bytes: Uint8Array, path: string): PartialFile {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) {
    throw new Error(`${path}: not a neurodecode searchlight partial result`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  let header: PartialHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + jsonLength)).toString('utf8')) as PartialHeader;
  } catch {
    throw new Error(`${path}: damaged partial result header`);
  }
  checkHeader(header, path);
  const headerEnd = pad8(12 + jsonLength);
  const centresEnd = pad8(headerEnd + header.totalCentres * 4);
  const nScores = (header.end - header.start) * header.nFolds;
  if (bytes.length !== centresEnd + nScores * 8) {
    throw new Error(`${path}: truncated partial result (${bytes.length} bytes, expected ${centresEnd + nScores * 8})`);
  }
  // A real copy (Buffer.slice would be a view), aligned for the typed arrays below.
  const copy = Uint8Array.prototype.slice.call(bytes, headerEnd);
  const centres = new Int32Array(copy.buffer, 0, header.totalCentres);
  const foldScores = new Float64Array(copy.buffer, centresEnd - headerEnd, nScores);
  const voxels = header.shape[0]! * header.shape[1]! * header.shape[2]!;
  for (let i = 0; i < centres.length; i++) {
    if (!(centres[i]! >= 0 && centres[i]! < voxels))
      throw new Error(`${path}: damaged partial result (centre ${i} is outside the ${header.shape.join('x')} grid)`);
  }
  return { header, centres, foldScores };
}

/** Largest grid a partial result may claim: what a 3-D float32 scores image can hold. */
const MAX_VOXELS = 2 ** 31 - 1;

/** Every header field within its range, so nothing later allocates from a hostile number. */
function checkHeader(h: PartialHeader, path: string): void {
  const bad = (what: string) => new Error(`${path}: damaged partial result (${what})`);
  const isCount = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;
  if (typeof h !== 'object' || h === null) throw bad('header is not an object');
  if (h.kind !== 'shard' && h.kind !== 'checkpoint') throw bad(`kind ${JSON.stringify(h.kind)}`);
  if (typeof h.fingerprint !== 'string') throw bad('no fingerprint');
  if (!Array.isArray(h.shape) || h.shape.length !== 3 || !h.shape.every((n) => isCount(n, 1)))
    throw bad(`shape ${JSON.stringify(h.shape)}`);
  const voxels = h.shape[0]! * h.shape[1]! * h.shape[2]!;
  if (voxels > MAX_VOXELS) throw bad(`shape ${h.shape.join('x')} is too large`);
  if (!isCount(h.totalCentres) || h.totalCentres > voxels) throw bad(`${h.totalCentres} centres for a ${h.shape.join('x')} grid`);
  if (!isCount(h.nFolds, 1) || h.nFolds > 1_000_000) throw bad(`${h.nFolds} folds`);
  if (!isCount(h.start) || !isCount(h.end) || h.start > h.end || h.end > h.totalCentres)
    throw bad(`centres [${h.start}, ${h.end}) of ${h.totalCentres}`);
  if (!h.shard || !isCount(h.shard.count, 1) || !isCount(h.shard.index) || h.shard.index >= h.shard.count)
    throw bad(`shard ${JSON.stringify(h.shard)}`);
  if (
    !Array.isArray(h.affine) ||
    h.affine.length !== 4 ||
    !h.affine.every((r) => Array.isArray(r) && r.length === 4 && r.every((v) => Number.isFinite(v)))
  ) {
    throw bad('affine is not a finite 4x4 matrix');
  }
  if (h.kind === 'checkpoint' && h.chunkSize !== undefined && !isCount(h.chunkSize, 1)) throw bad(`chunk size ${h.chunkSize}`);
}

/** Atomic and synchronous (an interrupt leaves no temporary; see nifti-io's writeFileAtomicSync). */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  writeFileAtomicSync(path, bytes);
}

/** Read a shard or checkpoint file written by savePartial or a checkpointing run. */
export async function readPartial(path: string): Promise<PartialFile> {
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(err as Error).message}`);
  }
  return decodePartial(bytes, path);
}

/** Shards merged into the whole map: the scores image, mean and per-fold scores. */
export interface MergedResult {
  scoresImg: NiftiImage;
  scores: Float64Array;
  foldScores: Float64Array;
  nSpheres: number;
  nFolds: number;
}

/** Assemble shard outputs into the full map (written to `out` when given, atomically). */
export async function mergeShards(paths: string[], out?: string): Promise<MergedResult> {
  if (paths.length === 0) throw new Error('mergeShards: no partial results given');
  const parts = await Promise.all(paths.map(async (p) => ({ path: p, file: await readPartial(p) })));
  const first = parts[0]!;
  const count = first.file.header.shard.count;
  const seen = new Map<number, string>();
  for (const { path, file } of parts) {
    const h = file.header;
    if (h.kind !== 'shard') throw new Error(`${path}: is a checkpoint, not a finished shard`);
    if (h.fingerprint !== first.file.header.fingerprint) {
      throw new Error(
        `${path}: comes from a different run than ${first.path} (fingerprint ${h.fingerprint} vs ${first.file.header.fingerprint})`,
      );
    }
    if (h.shard.count !== count) throw new Error(`${path}: is shard ${h.shard.index}/${h.shard.count}, expected one of ${count}`);
    const dup = seen.get(h.shard.index);
    if (dup !== undefined) throw new Error(`${path}: shard ${h.shard.index} is already given by ${dup}`);
    seen.set(h.shard.index, path);
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length) throw new Error(`mergeShards: missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
  const { totalCentres, nFolds, shape, affine } = first.file.header;
  const foldScores = new Float64Array(totalCentres * nFolds);
  for (const { file } of parts) foldScores.set(file.foldScores, file.header.start * nFolds);
  const scores = meanOverFolds(foldScores, nFolds);
  const scoresImg = scoresImage(shape, affine, first.file.centres, scores);
  if (out) await writeNifti(scoresImg, out);
  return { scoresImg, scores, foldScores, nSpheres: totalCentres, nFolds };
}
