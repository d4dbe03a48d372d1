// Property-based fuzzing (fast-check) of the NIfTI reader on hand-written files of several
// datatypes, versions and byte orders, mutated byte by byte, truncated, and (gzipped) read with
// random chunk sizes: every case ends in a valid image or one Error naming the source.
// $FUZZ_RUNS cases (1,000 by default; `pnpm fuzz`: 100,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { NiftiDecoder, parseNifti, type NiftiImage } from '../src/index.js';
import { handNifti, payload } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 1000;
const values = Array.from({ length: 24 }, (_, i) => (i * 7) % 23 - 11);
const BASES: Uint8Array[] = [
  handNifti({ dim: [2, 3, 4], datatype: 4, bitpix: 16 }, payload('int16', values, true)),
  handNifti({ dim: [2, 3, 2, 2], datatype: 16, bitpix: 32, scl_slope: 2, scl_inter: 1 }, payload('float32', values, true)),
  handNifti({ dim: [4, 3, 2], datatype: 2, bitpix: 8, littleEndian: false }, payload('uint8', values.map((v) => v + 11), false)),
  handNifti({ version: 2, dim: [3, 2, 4], datatype: 64, bitpix: 64 }, payload('float64', values, true)),
  handNifti({ dim: [2, 2, 2], datatype: 128, bitpix: 24 }, payload('uint8', values, true)),
];

function checkImage(img: NiftiImage): void {
  const comps = img.dtype === 'rgb24' ? 3 : img.dtype === 'rgba32' ? 4 : img.dtype.startsWith('complex') ? 2 : 1;
  assert.equal(img.data.length, img.shape.reduce((a, b) => a * b, 1) * comps, 'data length matches the shape');
  for (const row of img.affine) for (const v of row) assert.ok(Number.isFinite(v), 'finite affine');
}

const mutation = fc.record({
  base: fc.integer({ min: 0, max: BASES.length - 1 }),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  cut: fc.option(fc.nat()),
  gz: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 700 }),
});

test(`fuzz: NIfTI reader (plain and gzip, random chunking), ${RUNS} cases`, (t) => {
  fc.assert(fc.property(mutation, ({ base, edits, cut, gz, chunk }) => {
    let bytes = Uint8Array.from(BASES[base]!);
    // Edits land in the header (first 352 bytes) most of the time: that is where parsing decides.
    for (const [at, v] of edits) bytes[at % Math.min(bytes.length, at % 3 ? 352 : bytes.length)] = v;
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    try {
      if (!gz) {
        checkImage(parseNifti(bytes, 'fz', { maxBytes: 1 << 24 }));
        return;
      }
      // The streaming decoder fed in chunks, as the gunzip path feeds it.
      const dec = new NiftiDecoder('fz', { maxBytes: 1 << 24 }, gzipSync(bytes).length * 1032);
      for (let off = 0; off < bytes.length; off += chunk) dec.push(bytes.subarray(off, off + chunk));
      checkImage(dec.finish());
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.ok(err instanceof Error && err.message.startsWith('fz: '), `error names the source: ${String(err)}`);
    }
  }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined });
  t.diagnostic(`NIfTI reader: ${RUNS} cases`);
});
