// Permutation test of a cross-validated score: how often does a model trained on shuffled
// labels score at least as well? p = (C + 1) / (n + 1), as scikit-learn.
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import type { Matrix, MatrixLike } from '@neurodecode/matrix';
import type { Estimator, FitOptions, Targets } from '@neurodecode/estimators';
import { encodeSorted, takeTargets } from './labels.js';
import { createRandom, shuffleInPlace, type Random } from './random.js';
import { defaultScorer, getScorer, type Predictor, type Scorer, type ScorerName } from './scorers.js';
import {
  buildFold,
  checkXy,
  fitAndScoreFold,
  resolveCv,
  rowGram,
  withSharedGram,
  type CvArg,
  type ProgressCallback,
} from './cross-validate.js';

/**
 * The estimator capability permutation tests use (now part of the Estimator interface as the
 * optional prepareFixedDesign hook): prepare once for many fits on the same training rows, then
 * fit each target vector cheaply. Kept as a named type for existing imports.
 */
export type FixedDesignFitting = Pick<Estimator, 'prepareFixedDesign'>;

/** Options of permutationTestScore (scikit-learn's permutation_test_score, camel-cased). */
export interface PermutationTestOptions {
  /** Default 5 folds (stratified for classifiers). */
  cv?: CvArg;
  groups?: Targets;
  nPermutations?: number;
  /** Default: the estimator's own score. */
  scoring?: ScorerName | string | Scorer;
  /** Seed of the label shuffles (default 0). */
  seed?: number;
  /**
   * Shuffle labels only among samples of the same group. Default: true whenever groups are given
   * (scikit-learn's permutation_test_score semantics); false shuffles across groups.
   */
  permuteWithinGroups?: boolean;
  /** Passed to every fit (sampleWeight and gram are restricted to the training fold). */
  fitOptions?: FitOptions;
  /**
   * Compute X X^T once and hand every fit its training block as FitOptions.gram. Estimators whose
   * acceptsGram() says so get this automatically; this forces it for the others. Only for
   * estimators that fit X itself: a pipeline that transforms X first must not receive the Gram
   * matrix of the raw data (Pipeline drops it).
   */
  precomputeGram?: boolean;
  onProgress?: ProgressCallback;
}

/** The true-label score, the scores with permuted labels, and the p-value. */
export interface PermutationTestResult {
  /** Mean cross-validated score with the true labels. */
  score: number;
  /** (number of null scores >= score + 1) / (nPermutations + 1). */
  pvalue: number;
  /** Mean cross-validated score of every permutation. */
  nullScores: Float64Array;
  /** Per-fold scores with the true labels. */
  foldScores: Float64Array;
}

/**
 * Index permutation for shuffling labels: y[perm[i]] becomes sample i's label. Within groups,
 * each group's positions (groups visited in sorted order) are shuffled among themselves.
 */
export function labelPermutation(n: number, random: Random, groupCodes?: Int32Array, nGroups = 0): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (!groupCodes) return shuffleInPlace(perm, random);
  const members: number[][] = Array.from({ length: nGroups }, () => []);
  for (let i = 0; i < n; i++) members[groupCodes[i]!]!.push(i);
  for (const positions of members) {
    const shuffled = shuffleInPlace(positions.slice(), random);
    positions.forEach((p, k) => (perm[p] = shuffled[k]!));
  }
  return perm;
}

/** Significance of a cross-validated score by refitting on permuted labels (optionally permuted within groups), as scikit-learn's permutation_test_score. */
export function permutationTestScore(
  estimator: Estimator,
  X: MatrixLike,
  y: Targets,
  opts: PermutationTestOptions = {},
): PermutationTestResult {
  checkOptions(
    'permutationTestScore',
    opts,
    optionKeys<PermutationTestOptions>({
      cv: true,
      groups: true,
      nPermutations: true,
      scoring: true,
      seed: true,
      permuteWithinGroups: true,
      fitOptions: true,
      precomputeGram: true,
      onProgress: true,
    }),
  );
  const matrix = checkXy(X, y, opts.groups);
  const nPermutations = opts.nPermutations ?? 100;
  if (!Number.isInteger(nPermutations) || nPermutations < 1) {
    throw new RangeError(`nPermutations: expected an integer >= 1, got ${nPermutations}`);
  }
  if (opts.permuteWithinGroups && opts.groups === undefined) {
    throw new TypeError('permuteWithinGroups: needs groups (one per sample), got none');
  }
  const scorer = opts.scoring === undefined ? defaultScorer : getScorer(opts.scoring);
  const splits = resolveCv(opts.cv, estimator).split(matrix.rows, y, opts.groups);
  const n = matrix.rows;

  const random = createRandom(opts.seed ?? 0);
  const within = opts.permuteWithinGroups ?? opts.groups !== undefined;
  const groupEnc = within ? encodeSorted(opts.groups!, 'groups') : undefined;
  const permutedY: Targets[] = [];
  for (let p = 0; p < nPermutations; p++) {
    const perm = labelPermutation(n, random, groupEnc?.codes, groupEnc?.classes.length);
    permutedY.push(takeTargets(y, perm));
  }

  const fitOptions =
    opts.precomputeGram && opts.fitOptions?.gram === undefined
      ? { ...opts.fitOptions, gram: rowGram(matrix) }
      : withSharedGram(estimator, matrix, opts.fitOptions);
  const nFolds = splits.length;
  const foldScores = new Float64Array(nFolds);
  const nullFoldScores = new Float64Array(nPermutations * nFolds);
  const total = nFolds * (nPermutations + 1);
  let done = 0;
  opts.onProgress?.(0, total);
  // Folds outside, permutations inside: each fold's rows are copied once, only y changes.
  splits.forEach((split, f) => {
    const fold = buildFold(matrix, split, opts.groups, fitOptions);
    // The true labels go through the same path as the permuted ones, so both use one solver.
    const fitTargets = estimator.prepareFixedDesign?.(fold.XTrain, fold.fitOptions);
    const score = (labels: Targets): number => {
      const yTrain = takeTargets(labels, split.train);
      const yTest = takeTargets(labels, split.test);
      if (!fitTargets) return fitAndScoreFold(estimator.clone(), fold, yTrain, yTest, [scorer], false).test[0]!;
      return scorer(fitTargets(yTrain) as Predictor, fold.XTest, yTest);
    };
    foldScores[f] = score(y);
    opts.onProgress?.(++done, total);
    for (let p = 0; p < nPermutations; p++) {
      nullFoldScores[p * nFolds + f] = score(permutedY[p]!);
      opts.onProgress?.(++done, total);
    }
  });

  const mean = (values: Float64Array): number => values.reduce((a, b) => a + b, 0) / values.length;
  const score = mean(foldScores);
  const nullScores = new Float64Array(nPermutations);
  let atLeast = 0;
  for (let p = 0; p < nPermutations; p++) {
    nullScores[p] = mean(nullFoldScores.subarray(p * nFolds, (p + 1) * nFolds));
    if (nullScores[p]! >= score) atLeast++;
  }
  return { score, pvalue: (atLeast + 1) / (nPermutations + 1), nullScores, foldScores };
}
