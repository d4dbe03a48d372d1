// Scorers: (fitted estimator, X, y) -> number, larger is better, named as scikit-learn names them.
import type { Matrix } from '@neurodecode/matrix';
import type { Estimator, Label, Targets } from '@neurodecode/estimators';
import { accuracyScore, balancedAccuracyScore, meanSquaredError, r2Score, rocAucScore } from './metrics.js';
import { f1Score, precisionScore, recallScore } from './classification-report.js';

/** What scorers need from a fitted estimator (Classifier, Regressor, GridSearchCV...). */
export interface Predictor extends Estimator {
  predict(X: Matrix): Label[] | Float64Array;
  decisionFunction?(X: Matrix): Matrix;
  predictProba?(X: Matrix): Matrix;
  readonly classes?: Label[];
}

/** A function scoring a fitted estimator on X and y (greater is better). */
export type Scorer = (estimator: Predictor, X: Matrix, y: Targets) => number;

/** Names of the built-in scorers (scikit-learn's). */
export type ScorerName =
  | 'accuracy'
  | 'balanced_accuracy'
  | 'roc_auc'
  | 'r2'
  | 'neg_mean_squared_error'
  | 'f1'
  | 'f1_macro'
  | 'f1_weighted'
  | 'precision'
  | 'precision_macro'
  | 'precision_weighted'
  | 'recall'
  | 'recall_macro'
  | 'recall_weighted';

/** Scores whose column order follows estimator.classes: decision function, else probabilities. */
function rankingScores(estimator: Predictor, X: Matrix): Matrix {
  if (typeof estimator.decisionFunction === 'function') return estimator.decisionFunction(X);
  if (typeof estimator.predictProba === 'function') return estimator.predictProba(X);
  throw new TypeError(`scoring: roc_auc needs an estimator with decisionFunction or predictProba`);
}

const scorers: Record<ScorerName, Scorer> = {
  accuracy: (est, X, y) => accuracyScore(y, est.predict(X)),
  balanced_accuracy: (est, X, y) => balancedAccuracyScore(y, est.predict(X)),
  roc_auc: (est, X, y) => {
    const classes = est.classes;
    if (!classes) throw new TypeError('scoring: roc_auc needs a classifier (an estimator with classes)');
    // A two-class probability matrix has a column per class; the positive one is classes[1].
    return rocAucScore(y, rankingScores(est, X), { classes });
  },
  r2: (est, X, y) => r2Score(y, est.predict(X)),
  neg_mean_squared_error: (est, X, y) => -meanSquaredError(y, est.predict(X)),
  // Binary scorers: the positive class is the estimator's second class (scikit-learn's pos_label=1 on 0/1 labels).
  f1: (est, X, y) => f1Score(y, est.predict(X), { posLabel: est.classes?.[1] }),
  f1_macro: (est, X, y) => f1Score(y, est.predict(X), { average: 'macro' }),
  f1_weighted: (est, X, y) => f1Score(y, est.predict(X), { average: 'weighted' }),
  precision: (est, X, y) => precisionScore(y, est.predict(X), { posLabel: est.classes?.[1] }),
  precision_macro: (est, X, y) => precisionScore(y, est.predict(X), { average: 'macro' }),
  precision_weighted: (est, X, y) => precisionScore(y, est.predict(X), { average: 'weighted' }),
  recall: (est, X, y) => recallScore(y, est.predict(X), { posLabel: est.classes?.[1] }),
  recall_macro: (est, X, y) => recallScore(y, est.predict(X), { average: 'macro' }),
  recall_weighted: (est, X, y) => recallScore(y, est.predict(X), { average: 'weighted' }),
};

/** Names of every built-in scorer. */
export function listScorers(): ScorerName[] {
  return Object.keys(scorers) as ScorerName[];
}

/**
 * A scorer by name (or the function itself). roc_auc ranks with decisionFunction, or with the
 * probabilities when there is none; with more than two classes it is the one-vs-rest macro mean.
 */
export function getScorer(scoring: ScorerName | string | Scorer): Scorer {
  if (typeof scoring === 'function') return scoring;
  const found = scorers[scoring as ScorerName];
  if (!found) throw new RangeError(`scoring: unknown scorer "${scoring}"; known: ${listScorers().join(', ')}`);
  return found;
}

/** The estimator's own score method (accuracy for classifiers, R^2 for regressors). */
export const defaultScorer: Scorer = (est, X, y) => {
  const withScore = est as Predictor & { score?(X: Matrix, y: Targets): number };
  if (typeof withScore.score === 'function') return withScore.score(X, y);
  return est.kind === 'regressor' ? r2Score(y, est.predict(X)) : accuracyScore(y, est.predict(X));
};

/** A scoring argument: a scorer name or function, a list of names, or name -> scorer. */
export type Scoring = ScorerName | string | Scorer | readonly (ScorerName | string)[] | Record<string, ScorerName | string | Scorer>;

/** Normalise a scoring argument to named scorers (the first is the primary one). */
export function resolveScoring(scoring: Scoring | undefined): { names: string[]; scorers: Scorer[] } {
  if (scoring === undefined) return { names: ['score'], scorers: [defaultScorer] };
  if (typeof scoring === 'function') return { names: [scoring.name || 'score'], scorers: [scoring] };
  if (typeof scoring === 'string') return { names: [scoring], scorers: [getScorer(scoring)] };
  if (Array.isArray(scoring)) {
    if (scoring.length === 0) throw new RangeError('scoring: empty list');
    return { names: scoring.slice(), scorers: scoring.map((s) => getScorer(s)) };
  }
  const entries = Object.entries(scoring as Record<string, ScorerName | string | Scorer>);
  if (entries.length === 0) throw new RangeError('scoring: empty object');
  return { names: entries.map(([k]) => k), scorers: entries.map(([, s]) => getScorer(s)) };
}
