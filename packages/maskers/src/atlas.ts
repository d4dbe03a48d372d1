// ROI masks from atlases, following the workshop recipe: region -> binary -> resample to the
// functional grid -> keep voxels with functional signal and resampled value > 0.5.
import { NiftiImage } from '@neurodecode/nifti-io';
import { dilateMask } from './masking.js';
import { resampleTemplate } from './resampling.js';
import { formatShape, loadImage, maskImageLike, meanVolume, type ImgLike } from './volume.js';

/** The functional image whose grid an atlas ROI mask is built on, and the dilation of the resampled ROI. */
export interface FunctionalTarget {
  /** Functional image (3-D or 4-D) whose grid the mask is built on. */
  funcImg: ImgLike;
  /** Iterations of 6-connected binary dilation of the resampled ROI (before the functional restriction). */
  dilation?: number;
}

/** A probabilistic atlas ROI: the volumes averaged and the threshold their mean must exceed. */
export interface ProbabilisticSelection {
  /** Indices of the atlas volumes making up the ROI. */
  volumes: number[];
  /** The mean of the selected volumes must exceed this. */
  threshold?: number;
}

/** A deterministic atlas ROI: the label values it is made of. */
export interface LabelSelection {
  /** Label values making up the ROI. */
  labels: number[];
}

type Box = [number, number][];

/** Bounding box in mm of the voxels where `inside` is true (all voxels when absent). */
function worldBox(img: NiftiImage, inside?: ArrayLike<number>): Box | undefined {
  const [nx, ny, nz] = img.shape as [number, number, number];
  const A = img.affine;
  const box: Box = [
    [Infinity, -Infinity],
    [Infinity, -Infinity],
    [Infinity, -Infinity],
  ];
  let any = false;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (inside && !inside[i + nx * (j + ny * k)]) continue;
        // Only the faces of the grid can extend the box when every voxel counts.
        if (!inside && i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1) continue;
        any = true;
        for (let a = 0; a < 3; a++) {
          const v = A[a]![0]! * i + A[a]![1]! * j + A[a]![2]! * k + A[a]![3]!;
          if (v < box[a]![0]) box[a]![0] = v;
          if (v > box[a]![1]) box[a]![1] = v;
        }
      }
  return any ? box : undefined;
}

function formatBox(box: Box): string {
  return box.map(([lo, hi], a) => `${'xyz'[a]} ${Math.round(lo)}..${Math.round(hi)}`).join(', ') + ' mm';
}

async function finishMask(roi: NiftiImage, target: FunctionalTarget, interpolation: 'continuous' | 'nearest'): Promise<NiftiImage> {
  const func = await loadImage(target.funcImg, 'funcImg');
  func.assertNumeric('funcImg');
  const meanFunc = meanVolume(func);
  const grid = new NiftiImage({ data: meanFunc, shape: func.shape.slice(0, 3), affine: func.affine });
  const resampled = await resampleTemplate(roi, grid, interpolation);
  const values = resampled.data;
  const shape = func.shape.slice(0, 3) as [number, number, number];
  let mask: Uint8Array = new Uint8Array(meanFunc.length);
  for (let v = 0; v < mask.length; v++) mask[v] = (values[v] as number) > 0.5 ? 1 : 0;
  const iterations = target.dilation ?? 0;
  if (!(Number.isInteger(iterations) && iterations >= 0)) throw new Error(`dilation: must be a non-negative integer, got ${iterations}`);
  if (iterations > 0) mask = dilateMask(mask, shape, iterations);
  let kept = 0;
  for (let v = 0; v < mask.length; v++) {
    if (meanFunc[v] === 0 || Number.isNaN(meanFunc[v]!)) mask[v] = 0;
    kept += mask[v]!;
  }
  // An empty ROI almost always means the image is not in the atlas's space: say so rather than
  // hand back a mask that makes every later step fail obscurely.
  if (kept === 0) {
    const region = worldBox(roi, roi.data as ArrayLike<number>);
    throw new Error(
      `funcImg: the ROI has no voxel on this image's grid; the image spans ${formatBox(worldBox(grid)!)} but the region spans ${region ? formatBox(region) : 'nothing'}; is the image in the atlas's space (e.g. MNI)?`,
    );
  }
  return maskImageLike(grid, mask);
}

/**
 * ROI mask from a 4-D probabilistic atlas: voxels where the mean of the selected volumes exceeds
 * `threshold`, resampled with continuous (cubic B-spline) interpolation to the functional grid as
 * nilearn's resample_to_img does by default, kept where the resampled value > 0.5 and the mean
 * functional image is non-zero. Returns a uint8 image on the functional grid.
 */
export async function maskFromProbabilisticAtlas(
  atlas: ImgLike,
  selection: ProbabilisticSelection,
  target: FunctionalTarget,
): Promise<NiftiImage> {
  const img = await loadImage(atlas, 'atlas');
  img.assertNumeric('atlas');
  const { volumes, threshold = 0 } = selection;
  if (!Array.isArray(volumes) || volumes.length === 0) throw new Error('volumes: need at least one atlas volume index');
  const nVol = img.nVolumes;
  for (const v of volumes) {
    if (!Number.isInteger(v) || v < 0 || v >= nVol) {
      throw new Error(`volumes: index ${v} is outside 0..${nVol - 1} for the atlas of shape ${formatShape(img.shape)}`);
    }
  }
  const n = img.volumeSize,
    data = img.data;
  const sum = new Float64Array(n);
  for (const t of volumes) {
    const base = t * n;
    for (let i = 0; i < n; i++) sum[i] += data[base + i] as number;
  }
  const roi = new Uint8Array(n);
  const cut = threshold * volumes.length;
  let any = false;
  for (let i = 0; i < n; i++)
    if (sum[i]! > cut) {
      roi[i] = 1;
      any = true;
    }
  if (!any) throw new Error(`volumes: the mean of atlas volumes [${volumes.join(', ')}] never exceeds threshold ${threshold}`);
  // Float data so the spline result is not truncated to integers (nilearn casts to float too).
  const roiImg = new NiftiImage({ data: Float64Array.from(roi), shape: img.shape.slice(0, 3), affine: img.affine });
  return finishMask(roiImg, target, 'continuous');
}

/**
 * ROI mask from a 3-D label image: voxels whose label is one of `labels`, resampled (nearest) to
 * the functional grid and kept where the mean functional image is non-zero.
 */
export async function maskFromLabelImage(labelImg: ImgLike, selection: LabelSelection, target: FunctionalTarget): Promise<NiftiImage> {
  const img = await loadImage(labelImg, 'labelImg');
  img.assertNumeric('labelImg');
  if (img.nVolumes !== 1) throw new Error(`labelImg: expected a 3-D label image, got shape ${formatShape(img.shape)}`);
  const wanted = new Set(selection.labels);
  if (wanted.size === 0) throw new Error('labels: need at least one label value');
  const n = img.volumeSize,
    data = img.data;
  const roi = new Uint8Array(n);
  const found = new Set<number>();
  for (let i = 0; i < n; i++) {
    const x = data[i] as number;
    if (wanted.has(x)) {
      roi[i] = 1;
      found.add(x);
    }
  }
  const missing = [...wanted].filter((l) => !found.has(l));
  if (missing.length === wanted.size) throw new Error(`labels: none of [${[...wanted].join(', ')}] occurs in labelImg`);
  return finishMask(maskImageLike(img, roi), target, 'nearest');
}
