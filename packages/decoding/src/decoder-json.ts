// A fitted Decoder as JSON and back: what `decode --save-model` writes and `predict` applies.
// Linear models are saved as the fold-averaged coefficients; other models as every fold's model
// (through the estimator contract's toJSON), restored through the registry by name.
import { createEstimator, decodeValue, encodeValue, type Estimator, type EstimatorJSON, type Label } from '@neurodecode/estimators';
import type { Matrix } from '@neurodecode/matrix';
import { Decoder } from './decoder.js';

/** Format tag of a saved decoder; a file with another tag is refused by decoderFromJSON. */
export const DECODER_JSON_FORMAT = 'neurodecode-decoder/1';

/** A fitted Decoder as JSON: classes, fold-averaged weights or each fold's model, and the estimator's name. */
export interface DecoderJSON {
  format: typeof DECODER_JSON_FORMAT;
  /** Registered name of the estimator (needed to restore fold models). */
  estimator: string;
  classes: Label[];
  nFeatures: number;
  screeningPercentileUsed: number;
  cvScores: Record<string, number[]>;
  coef?: unknown;
  intercept?: unknown;
  foldModels?: { estimator: EstimatorJSON; support: unknown }[][];
}

/** The fitted decoder as JSON; `estimatorName` is the registered name it was built with. */
export function decoderToJSON(decoder: Decoder, estimatorName: string): DecoderJSON {
  if (!decoder.classes.length) throw new Error('Decoder: call fit() before saving it');
  const out: DecoderJSON = {
    format: DECODER_JSON_FORMAT,
    estimator: estimatorName,
    classes: decoder.classes.slice(),
    nFeatures: decoder.nFeatures,
    screeningPercentileUsed: decoder.screeningPercentileUsed,
    cvScores: decoder.cvScores,
  };
  if (decoder.foldModels) {
    out.foldModels = decoder.foldModels.map((folds) =>
      folds.map(({ estimator, support }) => {
        if (typeof estimator.toJSON !== 'function') {
          throw new Error(`estimator: "${estimatorName}" has no toJSON(), so its fitted models cannot be saved`);
        }
        return { estimator: estimator.toJSON(), support: encodeValue(support ?? null) };
      }),
    );
  } else {
    out.coef = encodeValue(decoder.coef);
    out.intercept = encodeValue(decoder.intercept);
  }
  return out;
}

/** A Decoder that predicts as the saved one did (its cross-validation is not re-run). */
export function decoderFromJSON(json: DecoderJSON): Decoder {
  if (!json || json.format !== DECODER_JSON_FORMAT) {
    throw new Error(`json: not a saved decoder (expected format "${DECODER_JSON_FORMAT}", got ${JSON.stringify(json?.format)})`);
  }
  const decoder = new Decoder({ estimator: json.estimator });
  decoder.classes = json.classes.slice();
  decoder.nFeatures = json.nFeatures;
  decoder.screeningPercentileUsed = json.screeningPercentileUsed;
  decoder.cvScores = json.cvScores;
  if (json.foldModels) {
    decoder.foldModels = json.foldModels.map((folds) =>
      folds.map(({ estimator, support }) => {
        const est: Estimator = createEstimator(json.estimator);
        if (typeof est.fromJSON !== 'function')
          throw new Error(`estimator: "${json.estimator}" has no fromJSON(), so the saved models cannot be restored`);
        const s = decodeValue(support);
        return { estimator: est.fromJSON(estimator), support: s === null ? undefined : (s as Int32Array) };
      }),
    );
  } else {
    decoder.coef = decodeValue(json.coef) as Matrix;
    decoder.intercept = decodeValue(json.intercept) as Float64Array;
  }
  return decoder;
}
