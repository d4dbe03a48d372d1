// The in-memory image: shape, affine (voxel -> mm, row-major 4x4), header, and voxel data in the
// file's own order (Fortran order, i fastest).
import { affineFromHeader, checkAffine, zoomsFromAffine } from './affine.js';
import { dtypeFromName, dtypeOfArray, type DtypeName, type NumericArray } from './dtypes.js';
import { emptyHeader, type Affine, type NiftiHeader } from './header.js';

/** What a {@link NiftiImage} is made from. */
export interface NiftiImageInit {
  /**
   * Voxel values in Fortran order (i fastest, then j, k, then volumes): shape's product values, times
   * the components per voxel for rgb/complex data. Kept, not copied.
   */
  data: NumericArray;
  /** 3 to 7 positive integers: the spatial size, then volumes (and higher dimensions). */
  shape: readonly number[];
  /** Voxel-to-mm affine, 4x4 rows; must be finite with an invertible 3x3 part. Copied. */
  affine: Affine;
  /** Header fields to keep (copied); defaults to an empty NIfTI-1 header. */
  header?: NiftiHeader;
  /** Defaults to the dtype of `data`; needed only for rgb/complex data. */
  dtype?: DtypeName;
}

function cloneHeader(h: NiftiHeader): NiftiHeader {
  return {
    ...h,
    dim: h.dim.slice(),
    pixdim: h.pixdim.slice(),
    srow_x: h.srow_x.slice(),
    srow_y: h.srow_y.slice(),
    srow_z: h.srow_z.slice(),
    extensions: h.extensions.map((e) => ({ code: e.code, data: e.data.slice() })),
  };
}

/**
 * An image in memory: shape, voxel-to-mm affine, header and voxel data in the file's order
 * (Fortran order, i fastest). Values are already scaled by scl_slope/scl_inter when read with
 * scaling. `instanceof NiftiImage` holds for images made by any copy of this package.
 */
export class NiftiImage {
  /** Size along each axis: 3 spatial, then volumes (and any higher dimensions). */
  readonly shape: number[];
  /** Voxel (i, j, k) to mm, row-major 4x4. */
  readonly affine: Affine;
  /** The header the image was read with (or made with); its affine fields may differ from `affine`. */
  readonly header: NiftiHeader;
  /** Voxel values, Fortran order. */
  readonly data: NumericArray;
  /** The data type the image is written as. */
  readonly dtype: DtypeName;

  /**
   * @throws Error `NiftiImage: ...` when the shape is not 3 to 7 positive integers, the data length
   * does not match it, or the affine is not a finite invertible 4x4.
   */
  constructor(init: NiftiImageInit) {
    const shape = init.shape.slice();
    if (shape.length < 3 || shape.length > 7 || shape.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new Error(`NiftiImage: shape must be 3 to 7 positive integers, got [${shape.join(', ')}]`);
    }
    const dtype = init.dtype ?? dtypeOfArray(init.data);
    const comps = dtypeFromName(dtype).components;
    const n = shape.reduce((a, b) => a * b, 1);
    if (init.data.length !== n * comps) {
      throw new Error(`NiftiImage: data has ${init.data.length} values but shape [${shape.join(', ')}] needs ${n * comps}`);
    }
    checkAffine(init.affine, 'NiftiImage');
    this.shape = shape;
    this.affine = init.affine.map((r) => r.slice());
    this.data = init.data;
    this.dtype = dtype;
    this.header = init.header ? cloneHeader(init.header) : emptyHeader();
  }

  /** Number of dimensions (3 to 7). */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of voxels in one 3-D volume. */
  get volumeSize(): number {
    return this.shape[0]! * this.shape[1]! * this.shape[2]!;
  }
  /** Number of 3-D volumes (1 for a 3-D image). */
  get nVolumes(): number {
    return this.shape.slice(3).reduce((a, b) => a * b, 1);
  }
  /** Voxel sizes in mm from the affine (and TR for 4-D images, from pixdim[4]). */
  get zooms(): number[] {
    const z: number[] = zoomsFromAffine(this.affine);
    for (let d = 3; d < this.shape.length; d++) z.push(this.header.pixdim[d + 1] ?? 1);
    return z;
  }
  /** Repetition time in seconds (pixdim[4] converted by the time units), or undefined. */
  get tr(): number | undefined {
    if (this.shape.length < 4) return undefined;
    const v = this.header.pixdim[4];
    if (!v) return undefined;
    const t = this.header.xyzt_units & 0x38;
    return t === 16 ? v / 1000 : t === 24 ? v / 1e6 : v;
  }

  /** A view (no copy) of volume t. */
  volume(t: number): NumericArray {
    if (!Number.isInteger(t) || t < 0 || t >= this.nVolumes) {
      throw new RangeError(`volume: index ${t} is outside 0..${this.nVolumes - 1}`);
    }
    const n = this.volumeSize;
    return this.data.subarray(t * n, (t + 1) * n) as NumericArray;
  }

  /** Throw, naming `arg`, unless the voxels are plain numbers (not rgb or complex). */
  assertNumeric(arg = 'img'): void {
    if (!dtypeFromName(this.dtype).numeric) {
      throw new Error(`${arg}: ${this.dtype} data cannot be used for arithmetic`);
    }
  }

  /**
   * The one check every mask goes through: real-valued data (rgb and complex values would be
   * read component by component, giving a wrong voxel count without an error).
   */
  assertRealMask(arg = 'mask'): void {
    if (!dtypeFromName(this.dtype).numeric) {
      throw new Error(`${arg}: ${this.dtype} data cannot be a mask (a mask holds one real number per voxel)`);
    }
  }

  /**
   * A new image with the given data (and shape/affine, defaulting to this image's), keeping the
   * header's other fields: nilearn's new_img_like.
   */
  withData(data: NumericArray, shape: readonly number[] = this.shape, affine: Affine = this.affine): NiftiImage {
    const header = cloneHeader(this.header);
    // Values held in memory are already scaled.
    header.scl_slope = 1;
    header.scl_inter = 0;
    return new NiftiImage({ data, shape, affine, header });
  }
}

// `instanceof NiftiImage` must hold for images made by another copy of this package (two
// versions in one install, or a bundled copy): a registry symbol brands every image, and
// instanceof checks the brand instead of the prototype chain (subclasses keep the usual check).
const NIFTI_IMAGE_BRAND = Symbol.for('@neurodecode/nifti-io.NiftiImage');
Object.defineProperty(NiftiImage.prototype, NIFTI_IMAGE_BRAND, { value: true });
Object.defineProperty(NiftiImage, Symbol.hasInstance, {
  value(this: unknown, x: unknown): boolean {
    return this === NiftiImage ? isNiftiImage(x) : Function.prototype[Symbol.hasInstance].call(this, x);
  },
});

/** True for a NiftiImage from any copy of @neurodecode/nifti-io. */
export function isNiftiImage(x: unknown): x is NiftiImage {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[NIFTI_IMAGE_BRAND] === true;
}

/** The affine a header implies (exported for tools that need header-only inspection). */
export { affineFromHeader };
