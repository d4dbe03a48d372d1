export { cleanSignals, detrendInPlace, standardizeInPlace, type CleanOptions, type Standardize } from './signal.js';
export {
  butterworthDesign,
  butterworthFilter,
  butterworthFor,
  steadyStateInitial,
  ZeroPhaseFilter,
  type ButterworthOptions,
  type FilterCoefficients,
  type FilterKind,
} from './butterworth.js';
export {
  computeEpiMask,
  computeBackgroundMask,
  computeBrainMask,
  intersectMasks,
  erodeMask,
  dilateMask,
  largestConnectedComponent,
  type EpiMaskOptions,
  type BackgroundMaskOptions,
  type BrainMaskOptions,
  type IntersectOptions,
  type Shape3,
} from './masking.js';
export {
  NiftiMasker,
  loadImages,
  type NiftiMaskerOptions,
  type MaskStrategy,
  type SignalOptions,
  type TransformOptions,
  type ImgsLike,
} from './nifti-masker.js';
export { NiftiLabelsMasker, type LabelsMaskerOptions, type RegionStrategy } from './labels-masker.js';
export {
  maskFromProbabilisticAtlas,
  maskFromLabelImage,
  type FunctionalTarget,
  type ProbabilisticSelection,
  type LabelSelection,
} from './atlas.js';
export { maskOffsetsCOrder, type ImgLike } from './volume.js';
