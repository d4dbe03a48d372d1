// Subject maps with their own permutation (null) maps, for Stelzer et al. (2013) and Allefeld et
// al. (2016): observed[s] is one row of V mask voxels, nulls[s] holds K_s rows (float32 to halve
// the memory of 100+ maps per subject).
import { loadImg, type ImgLike } from '@neurodecode/image-ops';
import { loadStack, type SubjectStack } from './stack.js';

/**
 * Subject maps with their permutation (null) maps, as {@link loadNullStack} returns them: the
 * observed stack plus, per subject, its null maps minus the chance level, in mask order.
 */
export interface NullStack extends SubjectStack {
  /** nulls[s][k * V + v]: permutation map k of subject s. */
  nulls: Float32Array[];
  /** Number of null maps per subject. */
  counts: number[];
}

/** Observed maps (3-D, one per subject) and one 4-D null file per subject, all on the mask's grid. */
export async function loadNullStack(
  maps: readonly ImgLike[],
  nullMaps: readonly ImgLike[],
  mask: ImgLike,
  opts: { chance?: number } = {},
): Promise<NullStack> {
  if (nullMaps.length !== maps.length) {
    throw new Error(
      `null maps: ${nullMaps.length} files for ${maps.length} subject maps; give one 4-D null file per subject, in the same order`,
    );
  }
  const stack = await loadStack(maps, mask, { chance: opts.chance });
  if (stack.n !== maps.length) throw new Error(`maps: expected one 3-D map per subject, got ${stack.n} volumes in ${maps.length} files`);
  const V = stack.graph.nVoxels;
  const chance = opts.chance ?? 0;
  const nulls: Float32Array[] = [];
  const counts: number[] = [];
  for (let s = 0; s < nullMaps.length; s++) {
    const src = nullMaps[s]!;
    const name = typeof src === 'string' ? src : `nullMaps[${s}]`;
    const img = await loadImg(src, {}, name);
    img.assertNumeric(name);
    for (let d = 0; d < 3; d++) {
      if (img.shape[d] !== stack.mask.shape[d])
        throw new Error(
          `${name}: shape [${img.shape.join(', ')}] differs from the mask's grid [${stack.mask.shape.slice(0, 3).join(', ')}]`,
        );
    }
    const K = img.nVolumes;
    if (K < 1) throw new Error(`${name}: no null maps`);
    const out = new Float32Array(K * V);
    for (let k = 0; k < K; k++) {
      const vol = img.volume(k);
      for (let v = 0; v < V; v++) {
        const x = vol[stack.graph.gridIndex[v]!]!;
        if (!Number.isFinite(x)) throw new Error(`${name}: volume ${k} has ${x} inside the mask`);
        out[k * V + v] = x - chance;
      }
    }
    nulls.push(out);
    counts.push(K);
  }
  return { ...stack, nulls, counts };
}
