// Binary morphology on 3-D masks, with scipy.ndimage's conventions (voxels outside the volume
// count as background).
import type { NiftiImage } from '@neurodecode/nifti-io';
import { imageLike, loadImg, spatialShape, type ImgLike } from './io.js';
import { neighbourOffsets } from './components.js';
import { checkOptions, optionKeys } from '@neurodecode/matrix';

/** Options of binary dilation: iterations and neighbourhood. */
export interface DilationOptions {
  /** How many times to dilate (default 1); 0 or less repeats until nothing changes. */
  iterations?: number;
  /** Neighbourhood: 6 (faces, scipy's default), 18 (+ edges) or 26 (+ corners). */
  connectivity?: 6 | 18 | 26;
}

/** One dilation step from `src` into `dst`; returns how many voxels were added. */
function dilateOnce(src: Uint8Array, dst: Uint8Array, nx: number, ny: number, nz: number, offsets: [number, number, number][]): number {
  dst.set(src);
  let added = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) {
        if (src[row + x] === 0) continue;
        for (const [dx, dy, dz] of offsets) {
          const xx = x + dx,
            yy = y + dy,
            zz = z + dz;
          if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
          const idx = xx + nx * (yy + ny * zz);
          if (dst[idx] === 0) {
            dst[idx] = 1;
            added++;
          }
        }
      }
    }
  }
  return added;
}

/**
 * Grow a mask (non-zero voxels) by `iterations` steps of its neighbourhood: scipy's
 * binary_dilation with the default 6-connected structuring element. Returns a uint8 0/1 image.
 */
export async function binaryDilation(mask: ImgLike, opts: DilationOptions = {}): Promise<NiftiImage> {
  checkOptions('binaryDilation', opts, optionKeys<DilationOptions>({ iterations: true, connectivity: true }));
  const { iterations = 1, connectivity = 6 } = opts;
  if (!Number.isInteger(iterations)) throw new Error(`iterations: expected an integer, got ${iterations}`);
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new Error(`connectivity: expected 6, 18 or 26, got ${connectivity}`);
  }
  const img = await loadImg(mask, {}, 'mask');
  img.assertNumeric('mask');
  if (img.nVolumes !== 1) throw new Error(`mask: expected a 3-D image, got shape [${img.shape.join(', ')}]`);
  const [nx, ny, nz] = spatialShape(img);
  const offsets = neighbourOffsets(connectivity);
  let cur = new Uint8Array(img.volumeSize);
  for (let i = 0; i < cur.length; i++) cur[i] = img.data[i] !== 0 ? 1 : 0;
  let next = new Uint8Array(cur.length);
  for (let it = 0; iterations < 1 || it < iterations; it++) {
    const added = dilateOnce(cur, next, nx, ny, nz, offsets);
    [cur, next] = [next, cur];
    if (added === 0) break;
  }
  return imageLike(img, cur, spatialShape(img));
}
