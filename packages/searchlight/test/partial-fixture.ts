// A small valid partial result (one shard of a 2x2x1 grid, two folds) for reader tests.
import type { PartialFile, PartialHeader } from '../src/shards.js';

export function validPartial(over: Partial<PartialHeader> = {}): PartialFile {
  const header: PartialHeader = {
    kind: 'shard', fingerprint: 'f'.repeat(32), shard: { index: 0, count: 1 }, start: 0, end: 4, totalCentres: 4, nFolds: 2,
    shape: [2, 2, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], ...over,
  };
  return { header, centres: Int32Array.from([0, 1, 2, 3]), foldScores: new Float64Array(8).fill(0.5) };
}

