// Base classes for regressors and transformers, the counterparts of BaseClassifier: parameter
// plumbing (BaseEstimator), the fitted flag, the not-fitted guard and input checks, so a plugin
// writes only fit and predict (or transform).
import type { Matrix } from '@neurodecode/matrix';
import { BaseEstimator } from './base.js';
import { checkMatrix, checkRegression, r2 } from './labels.js';
import type { AnyParams, FitOptions, Targets } from './types.js';

/** Fitted state every regressor and transformer keeps. */
export interface FittedWidth {
  /** Number of columns of the X seen in fit; later calls must match it. */
  nFeatures: number;
}

/**
 * What BaseRegressor and BaseTransformer share: the fitted state, the not-fitted guard and the
 * check of X against the width seen in fit.
 */
export abstract class FittedEstimator<P extends AnyParams, S extends FittedWidth> extends BaseEstimator<P> {
  /** Set by fit; undefined until then. */
  protected state: S | undefined;

  /** True once fit has set the state. */
  get fitted(): boolean {
    return this.state !== undefined;
  }

  /** The fitted state, or the standard not-fitted error naming `method`. */
  protected fittedState(method: string): S {
    if (!this.state) throw this.notFitted(method);
    return this.state;
  }

  /** Validate X after fit (predict, transform) against the fitted width. */
  protected checkInput(X: Matrix, method: string): Matrix {
    return checkMatrix(X, 'X', this.fittedState(method).nFeatures, this.estimatorName);
  }
}

/**
 * Base for regressors: implement `fit` (set `this.state`, return this) and `predict`.
 * `score` is R² on `predict`, as scikit-learn's RegressorMixin.
 */
export abstract class BaseRegressor<P extends AnyParams, S extends FittedWidth> extends FittedEstimator<P, S> {
  readonly kind = 'regressor' as const;

  /** Learn from X (n x p) and numeric targets y (n); checkRegression(X, y) validates both. */
  abstract fit(X: Matrix, y?: Targets, opts?: FitOptions): this;

  /** One prediction per row of X. */
  abstract predict(X: Matrix): Float64Array;

  /** R² of predict(X) against y. */
  score(X: Matrix, y: Targets): number {
    const pred = this.predict(X);
    return r2(checkRegression(X, y).y, pred);
  }
}

/** Base for transformers: implement `fit` and `transform`; `fitTransform` chains them. */
export abstract class BaseTransformer<P extends AnyParams, S extends FittedWidth> extends FittedEstimator<P, S> {
  readonly kind = 'transformer' as const;

  /** Learn from X (y is optional and only length-checked by most transformers). */
  abstract fit(X: Matrix, y?: Targets, opts?: FitOptions): this;

  /** Map X (n x p) to the transformed matrix (n rows). */
  abstract transform(X: Matrix): Matrix;

  /** fit(X, y, opts) then transform(X). */
  fitTransform(X: Matrix, y?: Targets, opts?: FitOptions): Matrix {
    return this.fit(X, y, opts).transform(X);
  }
}
