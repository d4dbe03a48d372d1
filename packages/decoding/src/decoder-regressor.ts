// DecoderRegressor: the Decoder workflow for continuous targets (nilearn's default estimator 'svr').
import type { Matrix } from '@neurodecode/matrix';
import type { Targets } from '@neurodecode/estimators';
import { BaseDecoder } from './decoder.js';
import { isImageInput, type ImgsLike } from './image-input.js';

/** nilearn's DecoderRegressor: the Decoder's workflow for continuous targets (svr by default, R²). */
export class DecoderRegressor extends BaseDecoder {
  protected readonly isClassifier = false;

  /** Mask the images with the embedded masker, then cross-validate and fit. Targets: one per volume. */
  async fit(imgs: ImgsLike, y: Targets, opts: { groups?: Targets } = {}): Promise<this> {
    const X = await this.maskForFit(imgs);
    this.fitMatrix(X, y, opts);
    if (this.coef && this.stdCoef) this.setCoefImages(new Map([['beta', this.coef.row(0)]]), new Map([['beta', this.stdCoef.row(0)]]));
    return this;
  }

  /** R² (or the chosen scoring) of images or a matrix against targets. */
  score(X: Matrix, y: Targets): number;
  score(imgs: ImgsLike, y: Targets): Promise<number>;
  score(X: Matrix | ImgsLike, y: Targets): number | Promise<number> {
    if (isImageInput(X)) return this.maskForPredict(X).then((m) => this.scoreMatrix(m, y));
    return this.scoreMatrix(X, y);
  }

  fitMatrix(X: Matrix, y: Targets, opts: { groups?: Targets } = {}): this {
    this.checkFitInputs(X, y, opts);
    const yy = Float64Array.from(y as ArrayLike<number>, (v) => Number(v));
    if (yy.some((v) => !Number.isFinite(v))) throw new Error('y: regression targets must be finite numbers');
    this.fitProblems(X, [{ y: yy }], opts.groups);
    return this;
  }

  predict(X: Matrix): Float64Array;
  predict(imgs: ImgsLike): Promise<Float64Array>;
  predict(X: Matrix | ImgsLike): Float64Array | Promise<Float64Array> {
    if (isImageInput(X)) return this.maskForPredict(X).then((m) => this.decide(m).col(0));
    return this.decide(X).col(0);
  }

  get meanScore(): number {
    const s = this.cvScores.beta ?? [];
    return s.reduce((a, b) => a + b, 0) / s.length;
  }
}
