// A damaged or hostile partial result (shard or checkpoint) gives one error naming the file,
// never a RangeError from a typed array or a huge allocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@neurodecode/testkit';
import { decodePartial, encodePartial, type PartialFile, type PartialHeader } from '../src/shards.js';
import { mergeShards, searchlight } from '../src/index.js';
import { skipWithoutShared } from '@neurodecode/testkit';

export function validPartial(over: Partial<PartialHeader> = {}): PartialFile {
  const header: PartialHeader = {
    kind: 'shard', fingerprint: 'f'.repeat(32), shard: { index: 0, count: 1 }, start: 0, end: 4, totalCentres: 4, nFolds: 2,
    shape: [2, 2, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], ...over,
  };
  return { header, centres: Int32Array.from([0, 1, 2, 3]), foldScores: new Float64Array(8).fill(0.5) };
}

test('partial results with impossible headers are refused naming the file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad: [string, PartialFile][] = [
      ['huge-shape', validPartial({ shape: [100000, 100000, 100000] })],
      ['negative-shape', validPartial({ shape: [2, -2, 1] })],
      ['fractional-folds', validPartial({ nFolds: 1.5 })],
      ['zero-folds', validPartial({ nFolds: 0 })],
      ['start-after-end', validPartial({ start: 3, end: 1 })],
      ['end-past-total', validPartial({ end: 9 })],
      ['bad-kind', validPartial({ kind: 'other' as 'shard' })],
      ['bad-shard', validPartial({ shard: { index: 2, count: 1 } })],
      ['nan-affine', validPartial({ affine: [[NaN, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] })],
    ];
    const centreOut = validPartial();
    centreOut.centres[3] = 99;
    bad.push(['centre-outside-grid', centreOut]);
    for (const [name, file] of bad) {
      const bytes = encodePartial(file);
      const path = join(dir, `${name}.part`);
      assert.throws(() => decodePartial(bytes, path), (e: Error) => e.message.startsWith(`${path}: `) && !/Invalid typed array/.test(e.message), name);
      writeFileSync(path, bytes);
      await assert.rejects(mergeShards([path]), (e: Error) => e.message.startsWith(`${path}: `), name);
    }
    // A valid one still reads.
    assert.equal(decodePartial(encodePartial(validPartial()), 'ok').foldScores.length, 8);
  } finally {
    cleanup();
  }
});

test('a checkpoint that cannot be written fails the run with one clear error, not a crash', { skip: skipWithoutShared() }, async () => {
  const { checkpointOptions } = await import('./helpers.js');
  const opts = await checkpointOptions('/nonexistent-folder-nd/run.ckpt');
  await assert.rejects(searchlight(opts), /^Error: checkpoint: \/nonexistent-folder-nd\/run\.ckpt: write failed/);
});
