// Mask geometry from NIfTI images and the reverse trip (coefficients -> image). Masked voxel
// order is C order over (i, j, k), i slowest, as in the rest of neurodecode and nilearn; NIfTI
// data are stored Fortran order (i fastest).
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import type { MaskGeometry } from './geometry.js';

/** Geometry of the non-zero voxels of a 3-D mask image. */
export function maskGeometry(mask: NiftiImage, arg = 'mask'): MaskGeometry {
  mask.assertRealMask(arg);
  if (mask.nVolumes !== 1) throw new Error(`${arg}: expected a 3-D mask, got shape [${mask.shape.join(', ')}]`);
  const [nx, ny, nz] = mask.shape as [number, number, number];
  const indices: number[] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nz; k++) {
        if (Number(mask.data[i + nx * (j + ny * k)]) !== 0) indices.push((i * ny + j) * nz + k);
      }
    }
  }
  if (indices.length === 0) throw new Error(`${arg}: the mask has no voxels`);
  const zooms = mask.zooms.slice(0, 3) as [number, number, number];
  return { shape: [nx, ny, nz], indices: Int32Array.from(indices), zooms };
}

function fortranIndex(linearC: number, shape: readonly number[]): number {
  const [nx, ny, nz] = shape as [number, number, number];
  const i = Math.floor(linearC / (ny * nz));
  const j = Math.floor(linearC / nz) % ny;
  const k = linearC % nz;
  return i + nx * (j + ny * k);
}

/** Volumes of a 4-D image as rows of a (volumes x mask voxels) matrix. */
export function applyMask(func: NiftiImage, geom: MaskGeometry, arg = 'func'): Matrix {
  const [nx, ny, nz] = geom.shape;
  if (func.shape[0] !== nx || func.shape[1] !== ny || func.shape[2] !== nz) {
    throw new Error(`${arg}: grid [${func.shape.slice(0, 3).join(', ')}] does not match the mask grid [${nx}, ${ny}, ${nz}]`);
  }
  const nVol = func.nVolumes;
  const vs = func.volumeSize;
  const p = geom.indices.length;
  const offsets = Int32Array.from(geom.indices, (l) => fortranIndex(l, geom.shape));
  const X = Matrix.zeros(nVol, p);
  for (let t = 0; t < nVol; t++) {
    const base = t * vs;
    const row = t * p;
    for (let c = 0; c < p; c++) X.data[row + c] = Number(func.data[base + offsets[c]!]);
  }
  return X;
}

/** Coefficient rows (one per map) placed back on the mask grid, as an image like `like`. */
export function unmask(coef: Matrix, geom: MaskGeometry, like: NiftiImage): NiftiImage {
  const [nx, ny, nz] = geom.shape;
  if (coef.cols !== geom.indices.length) {
    throw new Error(`coef: ${coef.cols} columns do not match the ${geom.indices.length} mask voxels`);
  }
  const vs = nx * ny * nz;
  const data = new Float32Array(vs * coef.rows);
  for (let r = 0; r < coef.rows; r++) {
    for (let c = 0; c < coef.cols; c++) data[r * vs + fortranIndex(geom.indices[c]!, geom.shape)] = coef.data[r * coef.cols + c]!;
  }
  const shape = coef.rows === 1 ? [nx, ny, nz] : [nx, ny, nz, coef.rows];
  return like.withData(data, shape);
}
