// A deterministic simulated fMRI set shaped like the whole-brain Haxby data: an ellipsoid brain,
// spatially smooth AR(1) noise around a smooth baseline, and a face/house signal planted in a few
// known spherical blobs (written as signal_mask.nii.gz so analyses can check they recover it).
// The 4-D image is generated and gzipped one volume at a time, so memory stays O(one volume).
import { createWriteStream, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { finished } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { NiftiImage, serializeHeader, trackTemporary, untrackTemporary, writeNifti } from '@neurodecode/nifti-io';
import {
  BoldVolumes, boldHeader, checkSimulationParams, labelsText, layoutHeader, simulationLayout, SIMULATED_TR,
  type SimulationLayout, type SimulationOptions, type SimulationParams,
} from './simulate-volumes.js';

export { SIMULATED_TR, simulateFmriImages, type SimulatedImages, type SimulationOptions } from './simulate-volumes.js';

export interface SimulateOptions extends SimulationOptions {
  /** Output folder (created if missing). */
  outDir: string;
}

export interface SimulatedSet {
  out: string;
  bold: string;
  mask: string;
  signal_mask: string;
  labels: string;
  shape: [number, number, number, number];
  zooms: [number, number, number];
  tr: number;
  n_volumes: number;
  n_runs: number;
  n_mask_voxels: number;
  n_signal_voxels: number;
  seed: number;
  snr: number;
  classes: ['face', 'house'];
  /** Blob centres in voxel coordinates and their radius in voxels. */
  blobs: { center: [number, number, number]; radius: number }[];
  /** Per-volume label and run, as written to labels.txt. */
  conditions: string[];
  runs: number[];
}

function checkOptions(o: SimulateOptions): SimulationParams & { outDir: string } {
  if (!o || typeof o.outDir !== 'string' || !o.outDir) throw new Error('outDir: a folder to write the simulated set into is required');
  return { ...checkSimulationParams(o), outDir: resolve(o.outDir) };
}

/** Simulate a face/house fMRI set and write it into `opts.outDir`. */
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
    out: o.outDir, ...paths, shape: [nx, ny, nz, o.volumes], zooms: [...o.zooms], tr: SIMULATED_TR,
    n_volumes: o.volumes, n_runs: o.runs, n_mask_voxels: nMask, n_signal_voxels: nSignal, seed: o.seed,
    snr: o.snr, classes: ['face', 'house'], blobs, conditions, runs,
  };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  trackTemporary(tmp);
  try {
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw new Error(`${path}: write failed (${(err as Error).message})`);
  } finally {
    untrackTemporary(tmp);
  }
}

/** Generate the 4-D series volume by volume straight into a gzip stream (temp file + rename). */
async function writeBold(path: string, layout: SimulationLayout): Promise<void> {
  const o = layout.params;
  const h = boldHeader(o, layout.affine);

  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  trackTemporary(tmp);
  const file = createWriteStream(tmp);
  const gz = createGzip({ level: 1, chunkSize: 1 << 20 });
  gz.pipe(file);
  // Either stream failing (disk full, folder removed) ends the write at once instead of leaving
  // it waiting for a 'drain' that never comes.
  let failure: Error | undefined;
  let onFailure: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => { onFailure = reject; });
  failed.catch(() => undefined);
  const fail = (e: Error) => { failure ??= e; onFailure(failure); };
  gz.on('error', fail);
  file.on('error', fail);
  const write = (chunk: Uint8Array): Promise<void> =>
    gz.write(chunk) ? Promise.resolve() : Promise.race([new Promise<void>((res) => gz.once('drain', res)), failed]);
  try {
    await write(serializeHeader(h));
    const volumes = new BoldVolumes(layout);
    for (let t = 0; t < o.volumes; t++) {
      const out = volumes.next();
      if (failure) throw failure;
      await write(new Uint8Array(out.buffer));
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
