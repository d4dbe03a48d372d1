// A stack of subject maps inside a mask: loaded, checked (same grid and affine, finite inside the
// mask, chance level within the maps' range) and flattened to rows of mask voxels.
import type { NiftiImage } from '@neurodecode/nifti-io';
import { loadImg, type ImgLike } from '@neurodecode/image-ops';
import { maskGraph, type MaskGraph } from './graph.js';

/** Subject maps inside a mask, flattened to rows of mask voxels, as {@link loadStack} returns them. */
export interface SubjectStack {
  /** n rows of V mask voxels, minus the chance level. */
  Y: Float64Array;
  /** Number of rows (maps; a 4-D input counts one row per volume). */
  n: number;
  /** The mask's voxels and face neighbours; defines the column order of `Y`. */
  graph: MaskGraph;
  /** The mask image (3-D). */
  mask: NiftiImage;
  /** Names of the inputs (paths, or "maps[i]"), for messages. */
  names: string[];
}

/** Options of {@link loadStack}. */
export interface StackOptions {
  /** Value subtracted from every map (e.g. 0.5 for two-class accuracy); default 0. */
  chance?: number;
  /** Second set of maps for a paired test: the stack holds maps - pairedWith. */
  pairedWith?: readonly ImgLike[];
  /** Minimum number of maps (default 2). */
  minMaps?: number;
}

function sameGrid(a: NiftiImage, b: NiftiImage): string | undefined {
  for (let d = 0; d < 3; d++)
    if (a.shape[d] !== b.shape[d]) return `shape [${b.shape.slice(0, 3).join(', ')}] differs from [${a.shape.slice(0, 3).join(', ')}]`;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) {
      const x = a.affine[r]![c]!,
        y = b.affine[r]![c]!;
      if (Math.abs(x - y) > 1e-4 * Math.max(1, Math.abs(x)))
        return `affine differs (entry [${r}][${c}]: ${y} vs ${x}); resample the maps onto one grid first`;
    }
  return undefined;
}

const nameOf = (img: ImgLike, i: number, what: string) => (typeof img === 'string' ? img : `${what}[${i}]`);

/**
 * Load maps (3-D each, or one 4-D image per entry, each volume a row) and a mask into a subject
 * stack: every map on the mask's grid (same shape, affine within 1e-4 relative), finite inside the
 * mask, and, when `chance` is given for an unpaired stack, the chance level within the maps' range.
 * @throws Error naming the map (its path, or `maps[i]` / `pairedWith[i]`), `mask`, `chance` or
 * `pairedWith` when one of these checks fails or there are fewer than `minMaps` rows.
 */
export async function loadStack(maps: readonly ImgLike[], maskImg: ImgLike, opts: StackOptions = {}): Promise<SubjectStack> {
  const chance = opts.chance ?? 0;
  if (!Number.isFinite(chance)) throw new Error(`chance: expected a finite number, got ${chance}`);
  const mask = await loadImg(maskImg, {}, 'mask');
  if (mask.nVolumes !== 1) throw new Error(`mask: expected a 3-D image, got shape [${mask.shape.join(', ')}]`);
  const graph = maskGraph(mask.data, mask.shape);
  if (graph.nVoxels === 0) throw new Error('mask: no voxel is inside the mask');
  const rows: Float64Array[] = [];
  const names: string[] = [];
  let lo = Infinity,
    hi = -Infinity;
  const addImage = async (src: ImgLike, i: number, what: string, into: (vol: Float64Array, name: string) => void) => {
    const name = nameOf(src, i, what);
    const img = await loadImg(src, {}, name);
    img.assertNumeric(name);
    const problem = sameGrid(mask, img);
    if (problem) throw new Error(`${name}: ${problem} (the mask's grid)`);
    for (let t = 0; t < img.nVolumes; t++) {
      const vol = img.volume(t);
      const row = new Float64Array(graph.nVoxels);
      for (let v = 0; v < graph.nVoxels; v++) {
        const x = vol[graph.gridIndex[v]!]!;
        if (!Number.isFinite(x)) {
          throw new Error(
            `${name}${img.nVolumes > 1 ? ` volume ${t}` : ''}: value ${x} inside the mask at voxel index ${graph.gridIndex[v]}`,
          );
        }
        row[v] = x;
      }
      into(row, img.nVolumes > 1 ? `${name}#${t}` : name);
    }
  };
  for (let i = 0; i < maps.length; i++) {
    await addImage(maps[i]!, i, 'maps', (row, name) => {
      rows.push(row);
      names.push(name);
    });
  }
  if (opts.pairedWith) {
    const second: Float64Array[] = [];
    for (let i = 0; i < opts.pairedWith.length; i++) await addImage(opts.pairedWith[i]!, i, 'pairedWith', (row) => second.push(row));
    if (second.length !== rows.length)
      throw new Error(`pairedWith: ${second.length} maps for ${rows.length} maps; a paired test needs one per map`);
    rows.forEach((r, i) => {
      for (let v = 0; v < r.length; v++) r[v]! -= second[i]![v]!;
    });
  }
  const n = rows.length;
  const minMaps = opts.minMaps ?? 2;
  if (n < minMaps) throw new Error(`maps: a group test needs at least ${minMaps} subject maps, got ${n}`);
  const V = graph.nVoxels;
  const Y = new Float64Array(n * V);
  rows.forEach((r, i) => {
    for (let v = 0; v < V; v++) {
      const x = r[v]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      Y[i * V + v] = x - chance;
    }
  });
  if (!opts.pairedWith && opts.chance !== undefined && (chance < lo || chance > hi)) {
    throw new Error(`chance: ${chance} is outside the maps' range [${lo}, ${hi}] inside the mask`);
  }
  return { Y, n, graph, mask, names };
}

/** A mask-order vector as an image on the mask's grid (0 outside the mask). */
export function unmask(
  values: ArrayLike<number>,
  stack: { graph: MaskGraph; mask: NiftiImage },
  Ctor: Float64ArrayConstructor | Int32ArrayConstructor = Float64Array,
): NiftiImage {
  const out = new Ctor(stack.mask.volumeSize);
  const gi = stack.graph.gridIndex;
  for (let v = 0; v < gi.length; v++) out[gi[v]!] = values[v]!;
  const img = stack.mask.withData(out, stack.mask.shape.slice(0, 3), stack.mask.affine);
  img.header.cal_min = 0;
  img.header.cal_max = 0;
  return img;
}
