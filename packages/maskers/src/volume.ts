// Small shared helpers: loading images, comparing grids, and voxel bookkeeping for masks.
import { rejectPromise } from '@neurodecode/matrix';
import { readNifti, NiftiImage, affinesClose, type Affine } from '@neurodecode/nifti-io';

/** An image in memory or a path to a NIfTI file. */
export type ImgLike = NiftiImage | string;

export async function loadImage(img: ImgLike, arg: string): Promise<NiftiImage> {
  if (img instanceof NiftiImage) return img;
  if (typeof img === 'string') {
    try {
      return await readNifti(img);
    } catch (err) {
      throw new Error(`${arg}: cannot read ${img}: ${(err as Error).message}`);
    }
  }
  rejectPromise(img, arg);
  throw new Error(`${arg}: expected a NiftiImage or a path, got ${typeof img}`);
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

export function formatAffine(affine: Affine): string {
  return `[${affine
    .slice(0, 3)
    .map((r) => `[${r.map((v) => +v.toFixed(4)).join(', ')}]`)
    .join(', ')}]`;
}

export function sameGrid(a: NiftiImage, b: NiftiImage): boolean {
  return a.shape[0] === b.shape[0] && a.shape[1] === b.shape[1] && a.shape[2] === b.shape[2] && affinesClose(a.affine, b.affine, 1e-5);
}

/** Throw a one-line error naming both grids unless `img` lies on the grid of `ref`. */
export function assertSameGrid(img: NiftiImage, imgArg: string, ref: NiftiImage, refArg: string, hint = ''): void {
  const s1 = img.shape.slice(0, 3),
    s2 = ref.shape.slice(0, 3);
  if (s1.some((v, i) => v !== s2[i])) {
    throw new Error(`${imgArg}: shape ${formatShape(s1)} differs from the shape ${formatShape(s2)} of ${refArg}${hint}`);
  }
  if (!affinesClose(img.affine, ref.affine, 1e-5)) {
    throw new Error(
      `${imgArg}: affine ${formatAffine(img.affine)} differs from the affine ${formatAffine(ref.affine)} of ${refArg}${hint}`,
    );
  }
}

/** A binary copy (1 where the value is non-zero and not NaN) of one 3-D volume. */
export function binaryVolume(img: NiftiImage, arg: string): Uint8Array {
  img.assertRealMask(arg);
  if (img.nVolumes !== 1) {
    throw new Error(`${arg}: expected a 3-D image, got shape ${formatShape(img.shape)}`);
  }
  const src = img.data;
  const out = new Uint8Array(img.volumeSize);
  for (let i = 0; i < out.length; i++) {
    const v = src[i] as number;
    out[i] = v !== 0 && v === v ? 1 : 0;
  }
  return out;
}

/**
 * Fortran-order offsets of the non-zero voxels of a binary volume, listed in C order over
 * (i, j, k) with i slowest: the column order of masked matrices.
 */
export function maskOffsetsCOrder(mask: Uint8Array, shape: readonly number[]): Int32Array {
  const [nx, ny, nz] = shape as [number, number, number];
  let count = 0;
  for (let v = 0; v < mask.length; v++) count += mask[v]!;
  const offsets = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nz; k++) {
        const f = i + nx * (j + ny * k);
        if (mask[f]) offsets[n++] = f;
      }
    }
  }
  return offsets;
}

/** Mean over volumes (float64) of a 3-D or 4-D image's data. */
export function meanVolume(img: NiftiImage): Float64Array {
  const n = img.volumeSize,
    nVol = img.nVolumes;
  const out = new Float64Array(n);
  const data = img.data;
  for (let t = 0; t < nVol; t++) {
    const off = t * n;
    for (let v = 0; v < n; v++) out[v] += data[off + v] as number;
  }
  if (nVol > 1) for (let v = 0; v < n; v++) out[v] /= nVol;
  return out;
}

/** A uint8 3-D image on img's grid holding `mask`. */
export function maskImageLike(img: NiftiImage, mask: Uint8Array): NiftiImage {
  const header = { ...img.header, dim: img.header.dim.slice(), pixdim: img.header.pixdim.slice() };
  const out = new NiftiImage({ data: mask, shape: img.shape.slice(0, 3), affine: img.affine, header });
  out.header.dim[0] = 3;
  out.header.dim[4] = 1;
  out.header.scl_slope = 1;
  out.header.scl_inter = 0;
  out.header.cal_min = 0;
  out.header.cal_max = 0;
  return out;
}
