export { Decoder, DecoderRegressor, defaultInnerCv, type DecoderOptions, type Selection, type FoldResult } from './decoder.js';
export { defaultParamGrid, parseGridSpec } from './grid.js';
export { adjustScreeningPercentile, maskVolumeMm3, MNI152_BRAIN_VOLUME } from './screening.js';
export { decoderToJSON, decoderFromJSON, DECODER_JSON_FORMAT, type DecoderJSON } from './decoder-json.js';
