export type { Split, Splitter } from './splitters.js';
export {
  KFold,
  StratifiedKFold,
  GroupKFold,
  LeaveOneGroupOut,
  LeavePGroupsOut,
  splitterUsesGroups,
  type KFoldOptions,
} from './splitters.js';
export {
  ShuffleSplit,
  StratifiedShuffleSplit,
  trainTestSplit,
  parseCvSpec,
  type ShuffleSplitOptions,
  type TrainTestSplitOptions,
  type SplitSize,
} from './shuffle-split.js';
export {
  accuracyScore,
  balancedAccuracyScore,
  rocAucScore,
  binaryAuc,
  confusionMatrix,
  r2Score,
  meanSquaredError,
  type ConfusionMatrix,
  type RocAucOptions,
} from './metrics.js';
export { getScorer, listScorers, type Scorer, type ScorerName, type Scoring, type Predictor } from './scorers.js';
export {
  crossValidate,
  crossValScore,
  resolveCv,
  gramBlock,
  type CrossValidateOptions,
  type CrossValidateResult,
  type CrossValScoreOptions,
  type CvArg,
  type ProgressCallback,
  type FoldFitOptions,
} from './cross-validate.js';
export { GridSearchCV, expandParamGrid, type GridSearchOptions, type GridSearchResults, type ParamGrid } from './grid-search.js';
export { permutationTestScore, type PermutationTestOptions, type PermutationTestResult, type FixedDesignFitting } from './permutation.js';
export { LogisticRegressionCV, LassoCV, resolveCs, type LogisticRegressionCVParams, type LassoCVParams } from './cv-estimators.js';
export {
  precisionScore,
  recallScore,
  f1Score,
  perClassScores,
  classificationReport,
  formatClassificationReport,
  type Average,
  type ClassScores,
  type ClassificationReport,
} from './classification-report.js';
export { PredefinedSplit, RepeatedKFold, RepeatedStratifiedKFold, type RepeatedKFoldOptions } from './more-splitters.js';
export {
  crossValPredict,
  learningCurve,
  type CrossValPredictOptions,
  type PredictMethod,
  type LearningCurveOptions,
  type LearningCurveResult,
} from './cross-val-predict.js';
