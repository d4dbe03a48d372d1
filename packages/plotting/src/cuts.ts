// Where to cut: nilearn's find_xyz_cut_coords (centre of the largest supra-threshold cluster,
// refined by a second threshold at the cluster's mean) and a greedy slice finder for x/y/z/mosaic.
import { labelComponents } from '@neurodecode/image-ops';
import { applyAffine } from '@neurodecode/nifti-io';
import { percentileOf, type Bounds, type Volume } from './volume.js';

/** Keep only the largest cluster of `inside` (6-connectivity); returns its voxel count. */
function keepLargest(inside: Uint8Array, shape: [number, number, number]): number {
  const { labels, count, sizes } = labelComponents(inside, shape);
  if (count === 0) return 0;
  let best = 0;
  for (let c = 1; c < count; c++) if (sizes[c]! > sizes[best]!) best = c;
  const keep = best + 1;
  for (let p = 0; p < inside.length; p++) inside[p] = labels[p] === keep ? 1 : 0;
  return sizes[best]!;
}

/**
 * Cut coordinates (mm) through the main activation: the largest cluster of |map| above
 * `threshold` (default: the 80th percentile of the non-zero |values|, as nilearn), then the
 * centre of mass of |map| over the voxels of that cluster above its mean |value| when more
 * than 50 remain. Falls back to the centre of the grid when no voxel passes. Clusters are
 * labelled inside the box of the supra-threshold voxels only (a focal map on a 1 mm grid is a
 * small fraction of its 7 million voxels).
 */
export function findXyzCutCoords(vol: Volume, threshold?: number): [number, number, number] {
  const d = vol.data;
  const [nx, ny, nz] = vol.shape;
  const t = threshold ?? percentileOf(d, 80, (v) => v !== 0);
  const passes = (v: number) => v !== 0 && Number.isFinite(v) && Math.abs(v) > t - 1e-15;
  let i0 = nx,
    i1 = -1,
    j0 = ny,
    j1 = -1,
    k0 = nz,
    k1 = -1;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (!passes(d[p]!)) continue;
        if (i < i0) i0 = i;
        if (i > i1) i1 = i;
        if (j < j0) j0 = j;
        if (j > j1) j1 = j;
        if (k < k0) k0 = k;
        if (k > k1) k1 = k;
      }
  if (i1 < 0) return applyAffine(vol.affine, (nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2);
  // The box: |values| copied out (0 where a voxel does not pass), and its own 6-connected clusters.
  const bx = i1 - i0 + 1,
    by = j1 - j0 + 1,
    bz = k1 - k0 + 1;
  const box: [number, number, number] = [bx, by, bz];
  const values = new Float64Array(bx * by * bz);
  const inside = new Uint8Array(values.length);
  for (let k = 0, q = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      const row = i0 + nx * (j0 + j + ny * (k0 + k));
      for (let i = 0; i < bx; i++, q++) {
        const v = d[row + i]!;
        if (passes(v)) {
          values[q] = Math.abs(v);
          inside[q] = 1;
        }
      }
    }
  keepLargest(inside, box);
  let sum = 0,
    count = 0;
  for (let q = 0; q < values.length; q++)
    if (inside[q]) {
      sum += values[q]!;
      count++;
    }
  const mean = sum / count;
  const second = new Uint8Array(values.length);
  let nSecond = 0;
  for (let q = 0; q < values.length; q++)
    if (inside[q] && values[q]! > mean) {
      second[q] = 1;
      nSecond++;
    }
  const use = nSecond > 50 && keepLargest(second, box) > 0 ? second : inside;
  let w = 0,
    ci = 0,
    cj = 0,
    ck = 0;
  for (let k = 0, q = 0; k < bz; k++)
    for (let j = 0; j < by; j++)
      for (let i = 0; i < bx; i++, q++) {
        if (!use[q]) continue;
        const a = values[q]!;
        w += a;
        ci += a * i;
        cj += a * j;
        ck += a * k;
      }
  return applyAffine(vol.affine, i0 + ci / w, j0 + cj / w, k0 + ck / w);
}

/**
 * `count` cut positions (mm) along world axis `axis` where the map has the most supra-threshold
 * mass, at least `spacing` mm apart; the rest spread evenly inside `bounds`. Sorted ascending.
 */
export function findCutSlices(vol: Volume, axis: 0 | 1 | 2, count: number, threshold: number, bounds: Bounds): number[] {
  const [lo, hi] = bounds[axis];
  const bins = Math.max(1, Math.round((hi - lo) / vol.step));
  const mass = new Float64Array(bins);
  const [nx, ny, nz] = vol.shape;
  const a = vol.affine[axis]!;
  const d = vol.data;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        const v = d[p]!;
        if (!(Math.abs(v) > threshold)) continue;
        const w = a[0]! * i + a[1]! * j + a[2]! * k + a[3]!;
        const b = Math.floor(((w - lo) / (hi - lo)) * bins);
        if (b >= 0 && b < bins) mass[b] += Math.abs(v);
      }
  const spacing = (hi - lo) / (count * 2.5);
  const cuts: number[] = [];
  const centre = (b: number) => lo + ((b + 0.5) / bins) * (hi - lo);
  while (cuts.length < count) {
    let best = -1;
    for (let b = 0; b < bins; b++) {
      if (mass[b]! <= 0) continue;
      if (cuts.some((c) => Math.abs(c - centre(b)) < spacing)) continue;
      if (best < 0 || mass[b]! > mass[best]!) best = b;
    }
    if (best < 0) break;
    cuts.push(centre(best));
  }
  // Too little signal for `count` distinct cuts: fill the largest gaps evenly.
  while (cuts.length < count) {
    const all = [lo, ...cuts.slice().sort((x, y) => x - y), hi];
    let g = 0;
    for (let q = 1; q < all.length - 1; q++) if (all[q + 1]! - all[q]! > all[g + 1]! - all[g]!) g = q;
    cuts.push((all[g]! + all[g + 1]!) / 2);
  }
  return cuts.sort((x, y) => x - y).map((c) => Math.round(c * 10) / 10);
}
