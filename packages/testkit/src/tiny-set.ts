// A tiny decoding set written straight to disk (no neurodecode code involved, so tests of the
// reader cannot be fooled by the writer): a gzipped NIfTI-1 float32 4-D image with a weak class
// effect, an all-ones uint8 mask, and a Haxby-style labels file with four runs.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rng } from './index.js';

export interface TinySet {
  dir: string;
  bold: string;
  mask: string;
  labels: string;
}

/** NIfTI-1 single-file bytes: 348-byte header, 4 bytes of extension flags, then the data. */
export function niftiBytes(shape: number[], datatype: 2 | 16, data: Uint8Array | Float32Array, voxelMm = 3): Buffer {
  const bitpix = datatype === 16 ? 32 : 8;
  const out = Buffer.alloc(352 + data.byteLength);
  out.writeInt32LE(348, 0);
  out.writeInt16LE(shape.length, 40);
  shape.forEach((n, i) => out.writeInt16LE(n, 42 + 2 * i));
  for (let i = shape.length; i < 7; i++) out.writeInt16LE(1, 42 + 2 * i);
  out.writeInt16LE(datatype, 70);
  out.writeInt16LE(bitpix, 72);
  out.writeFloatLE(1, 76); // qfac
  for (let i = 1; i <= 3; i++) out.writeFloatLE(voxelMm, 76 + 4 * i);
  out.writeFloatLE(2, 76 + 16); // TR
  out.writeFloatLE(352, 108); // vox_offset
  out.writeFloatLE(1, 112); // scl_slope
  out.writeUInt8(2 | 8, 123); // xyzt_units: mm, s
  out.writeInt16LE(0, 252); // qform_code
  out.writeInt16LE(1, 254); // sform_code
  out.writeFloatLE(voxelMm, 280);
  out.writeFloatLE(voxelMm, 296 + 4);
  out.writeFloatLE(voxelMm, 312 + 8);
  out.write('n+1\0', 344, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 352);
  return out;
}

export function writeTinySet(dir: string, { volumes = 24, side = 6, seed = 1 } = {}): TinySet {
  const n = side ** 3;
  const random = rng(seed);
  const data = new Float32Array(n * volumes);
  const rows = ['labels chunks'];
  for (let v = 0; v < volumes; v++) {
    const cls = v % 2;
    for (let i = 0; i < n; i++) data[v * n + i] = 100 + (random() - 0.5) * 4 + (cls && i % 7 === 0 ? 1.5 : 0);
    rows.push(`${cls ? 'face' : 'house'} ${Math.floor((v * 4) / volumes)}`);
  }
  const set = { dir, bold: join(dir, 'bold.nii.gz'), mask: join(dir, 'mask.nii.gz'), labels: join(dir, 'labels.txt') };
  writeFileSync(set.bold, gzipSync(niftiBytes([side, side, side, volumes], 16, data), { level: 1 }));
  writeFileSync(set.mask, gzipSync(niftiBytes([side, side, side], 2, new Uint8Array(n).fill(1))));
  writeFileSync(set.labels, rows.join('\n') + '\n');
  return set;
}

/** Relative path -> sha256 of every regular file under `dir`, to prove what changed and what did not. */
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
