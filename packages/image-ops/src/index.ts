// @neurodecode/image-ops: image-level operations. Every function that takes an image accepts a
// NiftiImage or the path of a .nii / .nii.gz file, and is async.
export {
  loadImg,
  saveImg,
  newImgLike,
  meanImg,
  indexImg,
  iterImg,
  concatImgs,
  type ImgLike,
  type VoxelData,
  type VolumeIndex,
  type VolumeRange,
} from './io.js';
export { mathImg } from './math-img.js';
export { parseExpression, ExpressionError, FUNCTIONS as MATH_FUNCTIONS, type ExprNode, type BinaryOp, type UnaryOp } from './math-expr.js';
export { thresholdImg, binarizeImg, percentile, type ThresholdOptions } from './threshold.js';
export { binaryDilation, type DilationOptions } from './morphology.js';
export { labelComponents, neighbourOffsets, type Components, type Connectivity, type LabelOptions } from './components.js';
export { smoothImg, gaussianKernel, gaussianSmoothInPlace, fwhmToSigmas } from './smooth.js';
export { resampleImg, resampleToImg, type Interpolation, type ResampleOptions } from './resample.js';
export { cubicPrefilterLine, cubicPrefilterVolume, axisTaps } from './bspline.js';
export { cropImg, cropBox, coordTransform, mmToVoxel, type CropOptions, type CropBox } from './crop.js';
export { clustersTable, findClusters, type ClusterRow, type ClustersTableOptions } from './clusters.js';
export { atlasRegionsAt, readAtlasLabels, type AtlasSpec, type AtlasHit } from './atlas.js';
