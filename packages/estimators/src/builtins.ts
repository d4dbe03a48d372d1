// The built-in estimators, registered under their short names on import of the package.
import { registerEstimator, type EstimatorEntry } from './registry.js';
import { LinearSVC } from './linear-svc.js';
import { LogisticRegression } from './logistic.js';
import { Ridge, RidgeClassifier } from './ridge.js';
import { GaussianNB } from './naive-bayes.js';
import { DummyClassifier, DummyRegressor } from './dummy.js';
import { ElasticNet, Lasso } from './lasso.js';
import { SVR } from './svr.js';
import { RidgeCV, RidgeClassifierCV } from './ridge-cv.js';
import { StandardScaler } from './preprocessing.js';
import { SelectPercentile } from './feature-selection.js';

/** The registry entries of the built-in estimators (registered when the package is imported). */
export const BUILTIN_ESTIMATORS: readonly EstimatorEntry[] = [
  {
    name: 'svc',
    kind: 'classifier',
    description: 'Linear SVM (liblinear dual coordinate descent; C, loss, fitIntercept...)',
    create: (p) => new LinearSVC(p),
  },
  {
    name: 'logistic',
    kind: 'classifier',
    description: 'Logistic regression, L2 (Newton-CG) or L1 (coordinate descent), one-vs-rest or multinomial',
    create: (p) => new LogisticRegression(p),
  },
  {
    name: 'ridge-classifier',
    kind: 'classifier',
    description: 'Ridge regression on -1/+1 class targets',
    create: (p) => new RidgeClassifier(p),
  },
  { name: 'ridge', kind: 'regressor', description: 'Ridge regression (closed form, unpenalised intercept)', create: (p) => new Ridge(p) },
  { name: 'gnb', kind: 'classifier', description: 'Gaussian naive Bayes', create: (p) => new GaussianNB(p) },
  {
    name: 'dummy',
    kind: 'classifier',
    description: 'Chance baseline (most_frequent, prior, stratified, uniform)',
    create: (p) => new DummyClassifier(p),
  },
  {
    name: 'dummy-regressor',
    kind: 'regressor',
    description: 'Constant baseline regressor (mean, median, quantile)',
    create: (p) => new DummyRegressor(p),
  },
  {
    name: 'lasso',
    kind: 'regressor',
    description: 'Lasso (L1) regression, solved exactly (solver "coordinate-descent": scikit-learn\'s)',
    create: (p) => new Lasso(p),
  },
  {
    name: 'elastic-net',
    kind: 'regressor',
    description: 'ElasticNet (L1 + L2) regression, solved exactly (solver "coordinate-descent": scikit-learn\'s)',
    create: (p) => new ElasticNet(p),
  },
  { name: 'svr', kind: 'regressor', description: 'Linear epsilon-SVR (libsvm SMO on X X^T)', create: (p) => new SVR(p) },
  { name: 'ridge-cv', kind: 'regressor', description: 'Ridge with alpha chosen by efficient leave-one-out', create: (p) => new RidgeCV(p) },
  {
    name: 'ridge-classifier-cv',
    kind: 'classifier',
    description: 'RidgeClassifier with alpha chosen by efficient leave-one-out',
    create: (p) => new RidgeClassifierCV(p),
  },
  { name: 'standard-scaler', kind: 'transformer', description: 'Centre and scale each feature', create: (p) => new StandardScaler(p) },
  {
    name: 'select-percentile',
    kind: 'transformer',
    description: 'Keep the top percentile of features by ANOVA F',
    create: (p) => new SelectPercentile(p),
  },
];

for (const entry of BUILTIN_ESTIMATORS) registerEstimator(entry, { replace: true });
