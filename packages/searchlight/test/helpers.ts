// Shared inputs for the haxby-slice tests: face vs house, KFold(4) without shuffling, radius 5.6.
import { readFileSync } from 'node:fs';
import { KFold } from '@neurodecode/cv';
import { seededRandom } from '@neurodecode/estimators';
import { NiftiImage, readNifti } from '@neurodecode/nifti-io';
import { dataPath } from '@neurodecode/testkit';
import { permuteWithinGroups, type SearchlightOptions } from '../src/index.js';

let cached: { func: NiftiImage; mask: NiftiImage; y: string[]; chunks: string[] } | undefined;

export async function haxbySlice() {
  if (!cached) {
    const rows = readFileSync(dataPath('haxby-slice', 'labels.txt')!, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    cached = {
      func: await readNifti(dataPath('haxby-slice', 'bold.nii.gz')!),
      mask: await readNifti(dataPath('haxby-slice', 'mask.nii.gz')!),
      y: rows.map((r) => r[0]!),
      chunks: rows.map((r) => r[1]!),
    };
  }
  return cached;
}

export async function sliceOptions(extra: Partial<SearchlightOptions> = {}): Promise<SearchlightOptions> {
  const d = await haxbySlice();
  return { func: d.func, mask: d.mask, y: d.y, targets: ['face', 'house'], cv: new KFold({ nSplits: 4 }), radius: 5.6, threads: 2, ...extra };
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

export const pluginModule = new URL('./fixtures/exact-svc.js', import.meta.url).href;

export const slowPluginModule = new URL('./fixtures/slow-gnb.js', import.meta.url).href;

/** A run of a few seconds that checkpoints every 100 ms. */
export async function checkpointOptions(checkpoint?: string): Promise<SearchlightOptions> {
  return sliceOptions({ estimator: { name: 'slow-gnb', modules: [slowPluginModule] }, threads: 2, chunkSize: 16, checkpoint, checkpointInterval: 100, fastPath: false });
}

/** Every `step`-th voxel of the slice's mask as searchlight centres (the generic logistic fits are slow). */
export async function everyNth(step: number): Promise<NiftiImage> {
  const { mask } = await haxbySlice();
  const data = new Uint8Array(mask.volumeSize);
  let seen = 0;
  for (let v = 0; v < mask.volumeSize; v++) if (Number(mask.data[v]) !== 0 && seen++ % step === 0) data[v] = 1;
  return new NiftiImage({ data, shape: mask.shape.slice(0, 3), affine: mask.affine, header: mask.header });
}

/** The slice's labels with the `targets` volumes shuffled within runs as the null-map engine's first permutation for `seed` does. */
export async function permutedLabels(targets: string[], seed: number): Promise<string[]> {
  const d = await haxbySlice();
  const next = seededRandom(seed);
  const rows = d.y.map((l, i) => (targets.includes(l) ? i : -1)).filter((i) => i >= 0);
  const perm = permuteWithinGroups(rows.map((r) => d.chunks[r]!), rows.length, next);
  const y = d.y.slice();
  rows.forEach((r, i) => {
    y[r] = d.y[rows[perm[i]!]!]!;
  });
  return y;
}
