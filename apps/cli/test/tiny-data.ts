// A tiny decoding set written to disk in a few milliseconds (6x6x6 voxels, 24 volumes, two
// classes, four runs), so safety tests can run real commands without the shared data folder.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { rng } from '@neurodecode/testkit';

export interface TinySet {
  dir: string;
  bold: string;
  mask: string;
  labels: string;
}

const AFFINE = [[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]];

export async function writeTinySet(dir: string, { volumes = 24, side = 6, seed = 1 } = {}): Promise<TinySet> {
  const n = side ** 3;
  const random = rng(seed);
  const data = new Float32Array(n * volumes);
  const labelRows = ['labels chunks'];
  for (let v = 0; v < volumes; v++) {
    const cls = v % 2;
    for (let i = 0; i < n; i++) data[v * n + i] = 100 + (random() - 0.5) * 4 + (cls && i % 7 === 0 ? 1.5 : 0);
    labelRows.push(`${cls ? 'face' : 'house'} ${Math.floor((v * 4) / volumes)}`);
  }
  const maskData = new Uint8Array(n).fill(1);
  const bold = join(dir, 'bold.nii.gz');
  const mask = join(dir, 'mask.nii.gz');
  const labels = join(dir, 'labels.txt');
  await writeNifti(new NiftiImage({ data, shape: [side, side, side, volumes], affine: AFFINE }), bold);
  await writeNifti(new NiftiImage({ data: maskData, shape: [side, side, side], affine: AFFINE }), mask);
  writeFileSync(labels, labelRows.join('\n') + '\n');
  return { dir, bold, mask, labels };
}

/** path -> sha256 of every file under `dir` (recursively), to prove nothing changed. */
export function folderDigest(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.set(relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}
