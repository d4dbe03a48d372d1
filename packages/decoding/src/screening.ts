// nilearn's feature screening: an ANOVA-F SelectPercentile whose percentile is scaled by how
// much of a standard brain the mask covers (a small ROI keeps everything).
import type { NiftiImage } from '@neurodecode/nifti-io';

/** Volume of the MNI152 brain mask in mm^3, the figure nilearn 0.10 scales percentiles by. */
export const MNI152_BRAIN_VOLUME = 1827243.0;

/** Volume of the mask in mm^3 (voxel count times voxel volume). */
export function maskVolumeMm3(mask: NiftiImage): number {
  const a = mask.affine;
  const det = Math.abs(
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
      a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
      a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!),
  );
  let n = 0;
  const d = mask.data;
  for (let i = 0; i < mask.volumeSize; i++) if (d[i]) n++;
  return n * det;
}

/**
 * The percentile actually used: `percentile * MNI volume / mask volume`, capped at 100. Returns
 * 100 (no screening) for null/undefined/100.
 */
export function adjustScreeningPercentile(percentile: number | null | undefined, mask?: NiftiImage): number {
  if (percentile === null || percentile === undefined || percentile >= 100) return 100;
  if (!(percentile > 0)) throw new Error(`screeningPercentile: must be in (0, 100], got ${percentile}`);
  if (!mask) return percentile;
  const scaled = percentile * (MNI152_BRAIN_VOLUME / maskVolumeMm3(mask));
  return Math.min(100, scaled);
}
