// Header facts and value range of an image: the fields `neurodecode info --json` prints and the
// web demo shows, kept here so the terminal and the browser give identical numbers.
import type { NiftiImage } from './image.js';

const SPACE_UNITS: Record<number, string> = { 0: 'unknown', 1: 'm', 2: 'mm', 3: 'um' };
const TIME_UNITS: Record<number, string> = { 0: 'unknown', 8: 's', 16: 'ms', 24: 'us', 32: 'Hz', 40: 'ppm', 48: 'rad/s' };

/** Header facts and value range of an image, as {@link summarizeImage} computes them (snake_case: printed as JSON). */
export interface ImageSummary {
  /** Image shape. */
  shape: number[];
  /** Data type name (see {@link DtypeName}). */
  datatype: string;
  /** Voxel sizes in mm (7 significant digits), then TR and higher pixdims for 4-D and up. */
  zooms: number[];
  /** Voxel-to-mm affine, 4x4 rows. */
  affine: number[][];
  /** Header qform_code (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI). */
  qform_code: number;
  /** Header sform_code (same codes as qform_code). */
  sform_code: number;
  /** Repetition time in seconds, or null for 3-D images and a zero pixdim[4]. */
  tr: number | null;
  /** Space and time units from xyzt_units (`mm`, `s`, ... or `unknown`). */
  units: { space: string; time: string };
  /** 1 or 2. */
  nifti_version: number;
  /** The header's free-text description. */
  descrip: string;
  /** Over the finite voxels only (null when there are none). */
  min: number | null;
  /** Largest finite value, or null. */
  max: number | null;
  /** Mean of the finite values, or null. */
  mean: number | null;
  /** Voxels left out of min/max/mean: JSON has no Infinity or NaN, so they are counted here. */
  non_finite: { nan: number; posinf: number; neginf: number };
}

/** The facts `neurodecode info --json` prints (and the web demo shows), in one place. */
export function summarizeImage(img: NiftiImage): ImageSummary {
  let min = Infinity,
    max = -Infinity,
    sum = 0,
    count = 0;
  const nonFinite = { nan: 0, posinf: 0, neginf: 0 };
  // rgb and complex voxels have no single value to range over.
  if (img.dtype !== 'rgb24' && img.dtype !== 'rgba32' && !img.dtype.startsWith('complex')) {
    const d = img.data;
    for (let i = 0; i < d.length; i++) {
      const v = Number(d[i]!);
      if (!Number.isFinite(v)) {
        if (v === Infinity) nonFinite.posinf++;
        else if (v === -Infinity) nonFinite.neginf++;
        else nonFinite.nan++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count++;
    }
  }
  const h = img.header;
  return {
    shape: img.shape.slice(),
    datatype: img.dtype,
    zooms: img.zooms.map((z) => Number(z.toPrecision(7))),
    affine: img.affine.map((r) => r.slice()),
    qform_code: h.qform_code,
    sform_code: h.sform_code,
    tr: img.tr ?? null,
    units: { space: SPACE_UNITS[h.xyzt_units & 0x07] ?? 'unknown', time: TIME_UNITS[h.xyzt_units & 0x38] ?? 'unknown' },
    nifti_version: h.version,
    descrip: h.descrip,
    min: count ? min : null,
    max: count ? max : null,
    mean: count ? sum / count : null,
    non_finite: nonFinite,
  };
}
