// Every .nii.gz read verifies each gzip member's CRC32 and length, whatever the read chunking,
// and trailing bytes follow one rule (nibabel's): zero padding or further members only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '@neurodecode/testkit';
import { readNifti } from '../src/index.js';
import { readNiftiFromBuffer } from '../src/browser.js';
import { handNifti, payload } from './helpers.js';

const CHUNK_SIZES = [1, 2, 7, 8, 13, 64, 333, 4096, 1 << 20];

function sample(): { raw: Uint8Array; values: number[] } {
  const values = Array.from({ length: 4 * 5 * 6 }, (_, i) => (i * 37) % 251 - 100);
  const raw = handNifti({ dim: [4, 5, 6], datatype: 4, bitpix: 16 }, payload('int16', values, true));
  return { raw, values };
}

test('gzip: trailer, CRC and length are verified for every chunk size', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { raw, values } = sample();
    const gz = gzipSync(raw);
    const flippedCrc = Uint8Array.from(gz); flippedCrc[gz.length - 6]! ^= 0x10;
    const flippedSize = Uint8Array.from(gz); flippedSize[gz.length - 2]! ^= 0x01;
    // A stored (level 0) stream so a flipped byte changes the data without breaking the deflate syntax.
    const stored = gzipSync(raw, { level: 0 });
    const flippedData = Uint8Array.from(stored); flippedData[stored.length - 8 - 20]! ^= 0x04;
    const bad: [string, Uint8Array, RegExp][] = [
      ['no-trailer', gz.subarray(0, gz.length - 8), /truncated gzip stream/],
      ['half-trailer', gz.subarray(0, gz.length - 3), /truncated gzip stream/],
      ['bad-crc', flippedCrc, /corrupt gzip stream/],
      ['bad-size', flippedSize, /corrupt gzip stream/],
      ['bad-data', flippedData, /corrupt gzip stream/],
      ['junk-after', concat(gz, new TextEncoder().encode('junk')), /corrupt gzip stream|unexpected bytes/],
      ['zeros-then-junk', concat(gz, new Uint8Array(9), new TextEncoder().encode('junk')), /unexpected bytes after the gzip data at offset/],
      ['second-member-cut', concat(gz, gzipSync(raw).subarray(0, 30)), /truncated gzip stream/],
      ['second-member-bad-crc', concat(gz, flippedCrc), /corrupt gzip stream/],
      ['zeros-then-bad-member', concat(gz, new Uint8Array(5), flippedCrc), /corrupt gzip stream/],
    ];
    for (const [name, bytes, re] of bad) {
      const path = join(dir, `${name}.nii.gz`);
      writeFileSync(path, bytes);
      for (const chunkSize of CHUNK_SIZES) {
        await assert.rejects(readNifti(path, { chunkSize }), (e: Error) => {
          assert.ok(e.message.startsWith(`${path}: `), `${name}@${chunkSize}: names the file: ${e.message}`);
          assert.match(e.message, re, `${name}@${chunkSize}`);
          return true;
        });
      }
      // The browser entry checks the trailer too (its rule for trailing bytes is the platform's).
      if (!name.includes('after') && !name.includes('second') && !name.includes('zeros')) {
        await assert.rejects(readNiftiFromBuffer(bytes, name), new RegExp(`^Error: ${name}: `));
      }
    }
    const good: [string, Uint8Array][] = [
      ['plain', gz],
      ['zero-padding', concat(gz, new Uint8Array(1000))],
      ['two-members', concat(gzipSync(raw.subarray(0, 200)), gzipSync(raw.subarray(200)))],
      ['extra-member', concat(gz, gzipSync(new Uint8Array(50).fill(3)))],
      ['padding-between-members', concat(gz, new Uint8Array(17), gzipSync(new Uint8Array(9)), new Uint8Array(3))],
    ];
    for (const [name, bytes] of good) {
      const path = join(dir, `${name}.nii.gz`);
      writeFileSync(path, bytes);
      for (const chunkSize of CHUNK_SIZES) {
        const img = await readNifti(path, { chunkSize });
        assert.deepEqual(Array.from(img.data), values, `${name}@${chunkSize}`);
      }
    }
  } finally {
    cleanup();
  }
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
