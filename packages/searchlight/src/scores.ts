// Pure helpers on fold scores (shard ranges, fold means, the scores image), shared by the Node
// engine, shard merging and browser code.
import { NiftiImage, type Affine } from '@neurodecode/nifti-io';

/** Positions [start, end) of shard `index` of `count`: contiguous blocks as even as possible. */
export function shardRange(nCentres: number, shard: { index: number; count: number }): { start: number; end: number } {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shard: index ${index} is out of range 0..${count - 1}`);
  }
  if (count > nCentres) throw new RangeError(`shard: ${count} shards for only ${nCentres} sphere centres`);
  return { start: Math.floor((index * nCentres) / count), end: Math.floor(((index + 1) * nCentres) / count) };
}

/** Mean over folds, always summed in fold order so every way of computing a map agrees bit for bit. */
export function meanOverFolds(foldScores: Float64Array, nFolds: number): Float64Array {
  const n = foldScores.length / nFolds;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let sum = 0;
    for (let f = 0; f < nFolds; f++) sum += foldScores[s * nFolds + f]!;
    out[s] = sum / nFolds;
  }
  return out;
}

/** A 3-D float32 image holding `scores` at the centres' voxels and 0 elsewhere. */
export function scoresImage(shape: readonly number[], affine: Affine, centres: Int32Array, scores: Float64Array): NiftiImage {
  const grid = [shape[0]!, shape[1]!, shape[2]!];
  const data = new Float32Array(grid[0]! * grid[1]! * grid[2]!);
  for (let s = 0; s < centres.length; s++) data[centres[s]!] = scores[s]!;
  // JSON turns -0 into 0; normalising here keeps shard merges byte-identical to single runs.
  const cleanAffine = affine.map((row) => row.map((v) => v + 0));
  return new NiftiImage({ data, shape: grid, affine: cleanAffine });
}
