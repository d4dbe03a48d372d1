export * from './types.js';
export * from './registry.js';
export {
  encodeLabels,
  compareLabels,
  checkMatrix,
  checkLength,
  checkClassification,
  checkRegression,
  targetsToArray,
  accuracy,
  r2,
} from './labels.js';
export { seededRandom } from './random.js';
export {
  BaseEstimator,
  BaseClassifier,
  LinearClassifierBase,
  argmaxLabels,
  linearScores,
  type ClassifierState,
  type LinearClassifierState,
} from './base.js';
export { BaseRegressor, BaseTransformer, FittedEstimator, type FittedWidth } from './plugin-bases.js';
export {
  LinearSVC,
  solveLinearSvcDual,
  solveLinearSvcDualGram,
  resolveLinearSvcSolver,
  LINEAR_SVC_DEFAULTS,
  EXACT_SVC_MAX_SAMPLES,
  type LinearSVCParams,
  type LinearSvcSolver,
  type DualSvmOptions,
} from './linear-svc.js';
export { SquaredHingeDual, FreeSetFactor, weightsFromDual, type ExactSolveInfo } from './svc-exact.js';
export { SubsetSvcSolver, linearSvcFromSubset, type SubsetSvcSolution } from './svc-exact-subsets.js';
export { LogisticRegression, LOGISTIC_DEFAULTS, type LogisticRegressionParams } from './logistic.js';
export { Ridge, RidgeClassifier, solveRidge, solveWeightedRidge, type RidgeParams, type RidgeClassifierParams } from './ridge.js';
export { combinedSampleWeights, checkSampleWeight, type ClassWeight } from './weights.js';
export { GaussianNB, type GaussianNBParams } from './naive-bayes.js';
export { DummyClassifier, DummyRegressor, type DummyClassifierParams, type DummyRegressorParams } from './dummy.js';
export {
  ElasticNet,
  Lasso,
  EnetPath,
  cdDesign,
  cdDesignRows,
  enetCoordinateDescent,
  enetAlphaGrid,
  exactEnetSolve,
  checkEnetSolver,
  DEFAULT_ENET_SOLVER,
  type EnetSolver,
  type ElasticNetParams,
  type CdDesign,
} from './lasso.js';
export { ExactEnetPath, type ExactPathStats } from './lasso-exact.js';
export { RidgeCV, RidgeClassifierCV, ridgeLooErrors, type RidgeCVParams } from './ridge-cv.js';
export { tronLogisticGram, type TronOptions } from './tron-logistic.js';
export { SVR, solveSvrDual, type SVRParams } from './svr.js';
export {
  l1MinC,
  solveL1SquaredHinge,
  solveL1Linear,
  featureMajor,
  zeroGradientMax,
  labelCorrelations,
  type L1MinCLoss,
  type L1Loss,
  type L1SvcOptions,
  type L1PathGradient,
} from './l1-svc.js';
export { StandardScaler, type StandardScalerParams } from './preprocessing.js';
export {
  SelectPercentile,
  fClassif,
  fRegression,
  percentileSupport,
  type FScores,
  type FTestOptions,
  type SelectPercentileParams,
} from './feature-selection.js';
export { Pipeline, type PipelineStep } from './pipeline.js';
export { dotRange, rowGram, columnGram, columnMeans, selectGram, choleskySolveInPlace } from './linalg.js';
export { tiledRowGram } from './gram-kernel.js';
export { WarmStartStore } from './warm-start.js';
export { logGamma, logBeta, regularizedIncompleteBeta, fSurvival } from './stats.js';
export { BUILTIN_ESTIMATORS } from './builtins.js';
export { encodeValue, decodeValue, toEstimatorJSON, readEstimatorJSON, ESTIMATOR_JSON_FORMAT, type EstimatorJSON } from './serialize.js';
