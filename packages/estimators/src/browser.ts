// Browser entry: everything but the conformance kit (which uses node:util).
export * from './types.js';
export * from './registry.js';
export { encodeLabels, compareLabels, checkMatrix, checkLength, checkClassification, checkRegression, targetsToArray, accuracy, r2 } from './labels.js';
export { seededRandom } from './random.js';
export { BaseEstimator, BaseClassifier, LinearClassifierBase, argmaxLabels, linearScores, type ClassifierState, type LinearClassifierState } from './base.js';
export { LinearSVC, solveLinearSvcDual, solveLinearSvcDualGram, resolveLinearSvcSolver, LINEAR_SVC_DEFAULTS, EXACT_SVC_MAX_SAMPLES, type LinearSVCParams, type LinearSvcSolver, type DualSvmOptions } from './linear-svc.js';
export { SquaredHingeDual, weightsFromDual, type ExactSolveInfo } from './svc-exact.js';
export { LogisticRegression, LOGISTIC_DEFAULTS, type LogisticRegressionParams } from './logistic.js';
export { Ridge, RidgeClassifier, solveRidge, type RidgeParams } from './ridge.js';
export { GaussianNB, type GaussianNBParams } from './naive-bayes.js';
export { DummyClassifier, type DummyClassifierParams } from './dummy.js';
export { StandardScaler, type StandardScalerParams } from './preprocessing.js';
export { SelectPercentile, fClassif, fRegression, percentileSupport, type FScores, type FTestOptions, type SelectPercentileParams } from './feature-selection.js';
export { Pipeline, type PipelineStep } from './pipeline.js';
export { rowGram, columnGram, selectGram, choleskySolveInPlace } from './linalg.js';
export { tiledRowGram } from './gram-kernel.js';
export { logGamma, logBeta, regularizedIncompleteBeta, fSurvival } from './stats.js';
export { BUILTIN_ESTIMATORS } from './builtins.js';
