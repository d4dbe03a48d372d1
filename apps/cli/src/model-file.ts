// Saved models (.ndm): gzipped JSON holding everything `predict` needs to apply a decoder to new
// runs: the mask grid and voxels, the masker and cleaning settings, the classes, the decoder's
// weights (or fold models through the estimator contract's toJSON), and the versions that wrote it.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { NiftiImage, type Affine } from '@neurodecode/nifti-io';
import { decoderFromJSON, decoderToJSON, type Decoder, type DecoderJSON } from '@neurodecode/decoding';
import { decodeValue, encodeValue } from '@neurodecode/estimators';
import { writeOutputFile } from './util.js';

export const MODEL_FORMAT = 'neurodecode-model';
export const MODEL_FORMAT_VERSION = 1;

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  versions: { neurodecode: string; node: string };
  created: string;
  mask: { shape: number[]; affine: Affine; voxels: unknown };
  masker: Record<string, unknown>;
  targets: string[] | null;
  decoder: DecoderJSON;
}

export interface SavedModel {
  file: ModelFile;
  maskImg: NiftiImage;
  decoder: Decoder;
}

export function buildModel(
  decoder: Decoder,
  estimatorName: string,
  maskImg: NiftiImage,
  voxelOffsets: Int32Array,
  masker: Record<string, unknown>,
  targets: string[] | undefined,
): ModelFile {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    versions: { neurodecode: cliVersion(), node: process.version },
    created: new Date().toISOString(),
    mask: { shape: maskImg.shape.slice(0, 3), affine: maskImg.affine.map((r) => r.slice()) as Affine, voxels: encodeValue(voxelOffsets) },
    masker,
    targets: targets ?? null,
    decoder: decoderToJSON(decoder, estimatorName),
  };
}

/** Write atomically (temp file + rename): an interrupted save leaves no half-written model. */
export function writeModel(model: ModelFile, path: string): void {
  writeOutputFile(path, gzipSync(JSON.stringify(model)), '--save-model');
}

/** Read and check a model file; `notice` receives a line when it was written by another version. */
export function readModel(path: string, notice: (line: string) => void): SavedModel {
  let file: ModelFile;
  try {
    const bytes = readFileSync(path);
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    file = JSON.parse(text) as ModelFile;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`--model: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)})`);
  }
  if (file?.format !== MODEL_FORMAT) throw new Error(`--model: ${path} is not a neurodecode model (written by decode --save-model)`);
  if (file.formatVersion > MODEL_FORMAT_VERSION) {
    throw new Error(
      `--model: ${path} has model format ${file.formatVersion} (neurodecode ${file.versions?.neurodecode}); this neurodecode ${cliVersion()} reads format ${MODEL_FORMAT_VERSION}: upgrade it`,
    );
  }
  if (file.versions?.neurodecode !== cliVersion()) {
    notice(`predict: the model was saved by neurodecode ${file.versions?.neurodecode}; this is ${cliVersion()}`);
  }
  const voxels = decodeValue(file.mask.voxels) as Int32Array;
  const [nx, ny, nz] = file.mask.shape as [number, number, number];
  const data = new Uint8Array(nx * ny * nz);
  for (const v of voxels) data[v] = 1;
  const maskImg = new NiftiImage({ data, shape: [nx, ny, nz], affine: file.mask.affine });
  return { file, maskImg, decoder: decoderFromJSON(file.decoder) };
}

/** --save-model needs an estimator that can be saved: say so before any work is done. */
export function checkSavable(estimatorName: string, create: (name: string) => { toJSON?: unknown }): void {
  if (typeof create(estimatorName).toJSON !== 'function') {
    throw new Error(`--save-model: estimator "${estimatorName}" has no toJSON(), so a model using it cannot be saved`);
  }
}
