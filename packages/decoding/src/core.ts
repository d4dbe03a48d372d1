// @neurodecode/decoding without Node built-ins: what a bundler gets for the main entry under the
// `browser` condition. The Decoder runs its fits in the calling thread; the Node entry (index.ts)
// adds worker threads.
export { DecoderRegressor } from './decoder-regressor.js';
export { Decoder, BaseDecoder, defaultInnerCv, type DecoderOptions, type Selection, type FoldResult } from './decoder.js';
export { defaultParamGrid, parseGridSpec } from './grid.js';
export { adjustScreeningPercentile, maskVolumeMm3, MNI152_BRAIN_VOLUME } from './screening.js';
export {
  NILEARN_ESTIMATORS,
  NILEARN_ESTIMATOR_NAMES,
  nilearnEstimator,
  resolveEstimator,
  geomspace,
  adaptGridToCvModel,
  type NilearnEstimatorSpec,
} from './nilearn-estimators.js';
export { FREMClassifier, FREMRegressor, type FREMOptions } from './frem.js';
export { ReNA, maskGridEdges, featureMajor, type ReNAOptions, type GridEdges } from './rena.js';
export { decoderToJSON, decoderFromJSON, DECODER_JSON_FORMAT, type DecoderJSON } from './decoder-json.js';
