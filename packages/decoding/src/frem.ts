// FREM (Hoyos-Idrobo et al. 2018), nilearn's FREMClassifier / FREMRegressor: the Decoder with
// ReNA clustering of each training fold's voxels first (10% of them kept as clusters), ANOVA
// screening when more than 100 clusters remain (20%, scaled by mask volume), and the models of
// many shuffled splits averaged (30 seeded stratified shuffle splits by default).
import { ShuffleSplit, StratifiedShuffleSplit, type Splitter } from '@neurodecode/cv';
import { Decoder, type DecoderOptions } from './decoder.js';
import { DecoderRegressor } from './decoder-regressor.js';

/** FREM's options: the Decoder's, plus the clustering percentile and how cluster weights reach the voxels. */
export interface FREMOptions extends DecoderOptions {
  /** Share of voxels kept as ReNA clusters, in (0, 100] (default 10; 100 = no clustering). */
  clusteringPercentile?: number;
  /**
   * How each fold's cluster weights become voxel weights. 'mean' (default): divided by the cluster
   * size, so the averaged voxel map predicts exactly as the fold models did on cluster means.
   * 'spread': every voxel gets its cluster's weight, as nilearn's coef_img_ (whose predictions
   * then weigh large clusters more than the fold models did).
   */
  clusterWeights?: 'mean' | 'spread';
}

function checkOptions(opts: FREMOptions): { percentile: number; weights: 'mean' | 'spread' } {
  const p = opts.clusteringPercentile ?? 10;
  if (!(p > 0 && p <= 100)) throw new RangeError(`clusteringPercentile: must be in (0, 100], got ${p}`);
  const weights = opts.clusterWeights ?? 'mean';
  if (weights !== 'mean' && weights !== 'spread') throw new Error(`clusterWeights: expected "mean" or "spread", got "${String(weights)}"`);
  return { percentile: p, weights };
}

/** A fold count becomes that many seeded shuffle splits (10% held out), as nilearn's FREM does. */
function fremCv(cv: Splitter | number | undefined, classifier: boolean): Splitter {
  if (cv !== undefined && typeof cv !== 'number') return cv;
  const nSplits = cv ?? 30;
  if (!(Number.isInteger(nSplits) && nSplits >= 1)) throw new RangeError(`cv: a fold count must be an integer >= 1, got ${nSplits}`);
  return classifier ? new StratifiedShuffleSplit({ nSplits, seed: 0 }) : new ShuffleSplit({ nSplits, seed: 0 });
}

/** nilearn's FREMClassifier: ReNA clusters, screening and 30 shuffle splits averaged; the Decoder's options and attributes. */
export class FREMClassifier extends Decoder {
  constructor(opts: FREMOptions = {}) {
    const clustering = checkOptions(opts);
    // The clustering options are FREM's own; the Decoder checks the rest strictly.
    const { clusteringPercentile: _percentile, clusterWeights: _weights, ...decoderOptions } = opts;
    super({ ...decoderOptions, cv: fremCv(opts.cv, true) });
    this.useClustering(clustering);
  }
}

/** nilearn's FREMRegressor: FREM for continuous targets (svr by default, R², key 'beta'). */
export class FREMRegressor extends DecoderRegressor {
  constructor(opts: FREMOptions = {}) {
    const clustering = checkOptions(opts);
    // The clustering options are FREM's own; the Decoder checks the rest strictly.
    const { clusteringPercentile: _percentile, clusterWeights: _weights, ...decoderOptions } = opts;
    super({ ...decoderOptions, cv: fremCv(opts.cv, false) });
    this.useClustering(clustering);
  }
}
