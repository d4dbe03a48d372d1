// The built-in estimators, registered under their short names on import of the package.
import { registerEstimator, type EstimatorEntry } from './registry.js';
import { LinearSVC } from './linear-svc.js';
import { LogisticRegression } from './logistic.js';
import { Ridge, RidgeClassifier } from './ridge.js';
import { GaussianNB } from './naive-bayes.js';
import { DummyClassifier } from './dummy.js';
import { StandardScaler } from './preprocessing.js';
import { SelectPercentile } from './feature-selection.js';

/** The registry entries of the built-in estimators (registered when the package is imported). */
export const BUILTIN_ESTIMATORS: readonly EstimatorEntry[] = [
  { name: 'svc', kind: 'classifier', description: 'Linear SVM (liblinear dual coordinate descent; C, loss, fitIntercept...)', create: (p) => new LinearSVC(p) },
  { name: 'logistic', kind: 'classifier', description: 'Logistic regression, L2 (Newton-CG) or L1 (coordinate descent), one-vs-rest or multinomial', create: (p) => new LogisticRegression(p) },
  { name: 'ridge-classifier', kind: 'classifier', description: 'Ridge regression on -1/+1 class targets', create: (p) => new RidgeClassifier(p) },
  { name: 'ridge', kind: 'regressor', description: 'Ridge regression (closed form, unpenalised intercept)', create: (p) => new Ridge(p) },
  { name: 'gnb', kind: 'classifier', description: 'Gaussian naive Bayes', create: (p) => new GaussianNB(p) },
  { name: 'dummy', kind: 'classifier', description: 'Chance baseline (most_frequent, prior, stratified, uniform)', create: (p) => new DummyClassifier(p) },
  { name: 'standard-scaler', kind: 'transformer', description: 'Centre and scale each feature', create: (p) => new StandardScaler(p) },
  { name: 'select-percentile', kind: 'transformer', description: 'Keep the top percentile of features by ANOVA F', create: (p) => new SelectPercentile(p) },
];

for (const entry of BUILTIN_ESTIMATORS) registerEstimator(entry, { replace: true });
