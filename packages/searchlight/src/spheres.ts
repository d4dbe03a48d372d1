// Searchlight spheres in world space. A sphere holds every mask voxel whose mm coordinate lies
// within `radius` of its centre's mm coordinate (inclusive), as nilearn's SearchLight defines it.
// The distance between two voxels depends only on their index difference through the affine's
// linear part, so one offset stencil serves every centre, whatever the affine (oblique included).
import type { Affine } from '@neurodecode/nifti-io';

/** Spheres in CSR form: the mask columns of sphere s are indices[offsets[s] .. offsets[s+1]). */
export interface Spheres {
  offsets: Int32Array;
  indices: Int32Array;
}

/** Relative tolerance on the squared radius, so a voxel exactly on the sphere is kept despite rounding. */
const RADIUS_EPSILON = 1e-9;

function linearPart(affine: Affine): number[][] {
  return [0, 1, 2].map((r) => [affine[r]![0]!, affine[r]![1]!, affine[r]![2]!]);
}

function inverse3(m: number[][]): number[][] {
  const [a, b, c] = m[0]!,
    [d, e, f] = m[1]!,
    [g, h, i] = m[2]!;
  const A = e! * i! - f! * h!,
    B = -(d! * i! - f! * g!),
    C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  if (!(Math.abs(det) > 0)) throw new Error('affine: the 3x3 linear part is singular');
  return [
    [A / det, -(b! * i! - c! * h!) / det, (b! * f! - c! * e!) / det],
    [B / det, (a! * i! - c! * g!) / det, -(a! * f! - c! * d!) / det],
    [C / det, -(a! * h! - b! * g!) / det, (a! * e! - b! * d!) / det],
  ];
}

/** Length in mm of the volume's diagonal: the largest distance two voxels can be apart. */
export function volumeExtent(shape: readonly number[], affine: Affine): number {
  const m = linearPart(affine);
  let s = 0;
  for (let r = 0; r < 3; r++) {
    const v = m[r]![0]! * (shape[0]! - 1) + m[r]![1]! * (shape[1]! - 1) + m[r]![2]! * (shape[2]! - 1);
    s += v * v;
  }
  // A single-voxel-thick volume still has a voxel's worth of extent along each axis.
  const zooms = [0, 1, 2].map((c) => Math.hypot(m[0]![c]!, m[1]![c]!, m[2]![c]!));
  return Math.max(Math.sqrt(s), ...zooms);
}

/** Throw unless radius is a positive number of mm no larger than the volume's extent. */
export function checkRadius(radius: number, shape: readonly number[], affine: Affine): void {
  if (!(typeof radius === 'number' && Number.isFinite(radius) && radius > 0)) {
    throw new RangeError(`radius: must be a positive number of mm, got ${radius}`);
  }
  const extent = volumeExtent(shape, affine);
  if (radius > extent) {
    throw new RangeError(`radius: ${radius} mm is larger than the volume's extent of ${extent.toFixed(2)} mm`);
  }
}

/**
 * Voxel offsets (di, dj, dk) within `radius` mm, sorted in C order (di slowest), so that adding
 * them to a centre visits neighbours in increasing masked-column order.
 */
export function sphereStencil(affine: Affine, radius: number): Int32Array {
  const m = linearPart(affine);
  const inv = inverse3(m);
  // |d_a| <= radius * ||row a of M^-1|| bounds the voxel offsets of any point within radius.
  const bound = [0, 1, 2].map((a) => Math.floor(radius * Math.hypot(inv[a]![0]!, inv[a]![1]!, inv[a]![2]!) + 1e-9));
  const limit = radius * radius * (1 + RADIUS_EPSILON);
  const out: number[] = [];
  for (let di = -bound[0]!; di <= bound[0]!; di++) {
    for (let dj = -bound[1]!; dj <= bound[1]!; dj++) {
      for (let dk = -bound[2]!; dk <= bound[2]!; dk++) {
        let d2 = 0;
        for (let r = 0; r < 3; r++) {
          const v = m[r]![0]! * di + m[r]![1]! * dj + m[r]![2]! * dk;
          d2 += v * v;
        }
        if (d2 <= limit) out.push(di, dj, dk);
      }
    }
  }
  return Int32Array.from(out);
}

/** A grid (shape, affine) with the mask voxels and the centres spheres are built around. */
export interface SphereGeometry {
  /** 3-D grid shape. */
  shape: readonly number[];
  affine: Affine;
  /** Flat voxel index (Fortran order, i fastest) of each mask column, in C order over (i, j, k). */
  maskVoxels: Int32Array;
}

/**
 * Spheres around `centres` (flat Fortran-order voxel indices, each inside the mask).
 * Sphere members are mask column numbers in increasing order.
 */
export function computeSpheres(geometry: SphereGeometry, centres: Int32Array, radius: number): Spheres {
  const { shape, affine, maskVoxels } = geometry;
  checkRadius(radius, shape, affine);
  const [nx, ny, nz] = [shape[0]!, shape[1]!, shape[2]!];
  const columnOf = new Int32Array(nx * ny * nz).fill(-1);
  for (let c = 0; c < maskVoxels.length; c++) columnOf[maskVoxels[c]!] = c;
  const stencil = sphereStencil(affine, radius);
  const nOffsets = stencil.length / 3;
  const offsets = new Int32Array(centres.length + 1);
  let members = new Int32Array(Math.max(16, centres.length * Math.min(nOffsets, maskVoxels.length)));
  let count = 0;
  for (let s = 0; s < centres.length; s++) {
    const flat = centres[s]!;
    const i = flat % nx,
      j = Math.floor(flat / nx) % ny,
      k = Math.floor(flat / (nx * ny));
    for (let o = 0; o < nOffsets; o++) {
      const a = i + stencil[3 * o]!,
        b = j + stencil[3 * o + 1]!,
        c = k + stencil[3 * o + 2]!;
      if (a < 0 || a >= nx || b < 0 || b >= ny || c < 0 || c >= nz) continue;
      const col = columnOf[a + nx * (b + ny * c)]!;
      if (col < 0) continue;
      if (count === members.length) {
        const grown = new Int32Array(members.length * 2);
        grown.set(members);
        members = grown;
      }
      members[count++] = col;
    }
    offsets[s + 1] = count;
  }
  return { offsets, indices: members.slice(0, count) };
}

/** Flat Fortran-order indices of the non-zero voxels of a 3-D mask, listed in C order (i slowest). */
export function maskVoxelsCOrder(data: ArrayLike<number>, shape: readonly number[]): Int32Array {
  const [nx, ny, nz] = [shape[0]!, shape[1]!, shape[2]!];
  const out: number[] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nz; k++) {
        const flat = i + nx * (j + ny * k);
        const v = data[flat]!;
        if (v !== 0 && !Number.isNaN(v)) out.push(flat);
      }
    }
  }
  return Int32Array.from(out);
}

/** Number of members of each sphere. */
export function sphereSizes(spheres: Spheres): Int32Array {
  const n = spheres.offsets.length - 1;
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) out[s] = spheres.offsets[s + 1]! - spheres.offsets[s]!;
  return out;
}
