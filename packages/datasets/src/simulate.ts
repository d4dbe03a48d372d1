// A deterministic simulated fMRI set shaped like the whole-brain Haxby data: an ellipsoid brain,
// spatially smooth AR(1) noise around a smooth baseline, and a face/house signal planted in a few
// known spherical blobs (written as signal_mask.nii.gz so analyses can check they recover it).
// The 4-D image is generated and gzipped one volume at a time, so memory stays O(one volume).
import { createWriteStream, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { finished } from 'node:stream/promises';
import {
  NiftiImage,
  openTemporary,
  serializeHeader,
  temporaryName,
  untrackTemporary,
  writeFileAtomicSync,
  writeNifti,
} from '@neurodecode/nifti-io';
import {
  BoldVolumes,
  boldHeader,
  checkSimulationParams,
  labelsText,
  layoutHeader,
  simulationLayout,
  SIMULATED_TR,
  type SimulationLayout,
  type SimulationOptions,
  type SimulationParams,
} from './simulate-volumes.js';

export {
  DEFAULT_VARIABILITY,
  SIMULATED_TR,
  simulatedClassNames,
  simulateFmriImages,
  type SimulatedImages,
  type SimulationLayout,
  type SimulationOptions,
  type SimulationParams,
  Random,
} from './simulate-volumes.js';

/** Options of {@link simulateFmri}: the simulation settings plus where to write. */
export interface SimulateOptions extends SimulationOptions {
  /** Output folder (created if missing). */
  outDir: string;
}

/**
 * What {@link simulateFmri} wrote (absolute paths) and the settings and truth behind it; field
 * names are snake_case because the CLI prints this object as its JSON.
 */
export interface SimulatedSet {
  /** The output folder (`outDir`, resolved). */
  out: string;
  /** `bold.nii.gz`: the 4-D series. */
  bold: string;
  /** `mask.nii.gz`: the brain mask (uint8). */
  mask: string;
  /** `signal_mask.nii.gz`: 1 in the voxels that carry the class signal. */
  signal_mask: string;
  /** `labels.txt`: header `labels chunks`, then each volume's class and run (from 0). */
  labels: string;
  /** Grid size and number of volumes. */
  shape: [number, number, number, number];
  /** Voxel size in mm. */
  zooms: [number, number, number];
  /** Repetition time in seconds ({@link SIMULATED_TR}). */
  tr: number;
  /** Number of volumes. */
  n_volumes: number;
  /** Number of runs. */
  n_runs: number;
  /** Voxels inside the brain mask. */
  n_mask_voxels: number;
  /** Voxels inside the signal blobs. */
  n_signal_voxels: number;
  /** The seed used. */
  seed: number;
  /** Class effect in noise standard deviations. */
  snr: number;
  /** Trial-to-trial amplitude variability (see {@link SimulationOptions.variability}). */
  variability: number;
  /** The class names (face, house with two classes). */
  classes: string[];
  /** Blob centres in voxel coordinates and their radius in voxels. */
  blobs: { center: [number, number, number]; radius: number }[];
  /** Per-volume label and run, as written to labels.txt. */
  conditions: string[];
  /** Run index (from 0) of each volume. */
  runs: number[];
}

function checkOptions(o: SimulateOptions): SimulationParams & { outDir: string } {
  if (!o || typeof o.outDir !== 'string' || !o.outDir) throw new Error('outDir: a folder to write the simulated set into is required');
  return { ...checkSimulationParams(o), outDir: resolve(o.outDir) };
}

/** Simulate a face/house (or K-class) fMRI set and write it into `opts.outDir`. */
export async function simulateFmri(opts: SimulateOptions): Promise<SimulatedSet> {
  const o = checkOptions(opts);
  const [nx, ny, nz] = o.shape;
  const layout = simulationLayout(o);
  const { affine, conditions, runs, blobs, nMask, nSignal } = layout;
  await fsp.mkdir(o.outDir, { recursive: true });
  const paths = {
    bold: join(o.outDir, 'bold.nii.gz'),
    mask: join(o.outDir, 'mask.nii.gz'),
    signal_mask: join(o.outDir, 'signal_mask.nii.gz'),
    labels: join(o.outDir, 'labels.txt'),
  };

  const header = layoutHeader(o);
  await writeNifti(new NiftiImage({ data: layout.mask, shape: o.shape, affine, header }), paths.mask);
  await writeNifti(new NiftiImage({ data: layout.blobSign, shape: o.shape, affine, header }), paths.signal_mask);

  await writeBold(paths.bold, layout);
  await writeAtomically(paths.labels, labelsText(layout));

  return {
    out: o.outDir,
    ...paths,
    shape: [nx, ny, nz, o.volumes],
    zooms: [...o.zooms],
    tr: SIMULATED_TR,
    n_volumes: o.volumes,
    n_runs: o.runs,
    n_mask_voxels: nMask,
    n_signal_voxels: nSignal,
    seed: o.seed,
    snr: o.snr,
    variability: o.variability,
    classes: layout.classes,
    blobs,
    conditions,
    runs,
  };
}

/**
 * Write a text file so that a reader sees either the old file or the whole new one: through a
 * temporary file in the same folder, renamed into place (removed if the write fails).
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  writeFileAtomicSync(path, text);
}

/** Generate the 4-D series volume by volume straight into a gzip stream (temp file + rename). */
async function writeBold(path: string, layout: SimulationLayout): Promise<void> {
  const volumes = new BoldVolumes(layout);
  await writeSeries(path, serializeHeader(boldHeader(layout.params, layout.affine)), layout.params.volumes, () => volumes.next());
}

/**
 * Write a NIfTI header then `count` volumes made one at a time by `next` into a gzip stream, through
 * a tracked temporary file renamed at the end: memory stays O(one volume), nothing half-written.
 */
export async function writeSeries(path: string, header: Uint8Array, count: number, next: (t: number) => ArrayBufferView): Promise<void> {
  // Created and tracked synchronously, then written through its descriptor (see nifti-io's temporaries).
  const tmp = temporaryName(path);
  const file = createWriteStream(tmp, { fd: openTemporary(tmp, path) });
  const gz = createGzip({ level: 1, chunkSize: 1 << 20 });
  gz.pipe(file);
  // Either stream failing (disk full, folder removed) ends the write at once instead of leaving
  // it waiting for a 'drain' that never comes.
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
  gz.on('error', fail);
  file.on('error', fail);
  const write = (chunk: Uint8Array): Promise<void> =>
    gz.write(chunk) ? Promise.resolve() : Promise.race([new Promise<void>((res) => gz.once('drain', res)), failed]);
  try {
    await write(header);
    for (let t = 0; t < count; t++) {
      const out = next(t);
      if (failure) throw failure;
      await write(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    }
    gz.end();
    await Promise.race([finished(file), failed]);
    if (failure) throw failure;
    await fsp.rename(tmp, path);
  } catch (err) {
    gz.destroy();
    file.destroy();
    await fsp.rm(tmp, { force: true });
    throw new Error(`${path}: write failed (${(err as Error).message})`);
  } finally {
    untrackTemporary(tmp);
  }
}
