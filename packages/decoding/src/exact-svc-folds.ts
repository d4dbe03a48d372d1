// The Decoder's fast path for its default estimator, LinearSVC with the exact solver, when no
// screening or clustering changes the features per fold: every fit the generic loop makes
// (outer folds x problems x the C grid x the inner folds of nested selection) is a fit on a row
// subset of one data set, so one Gram matrix and, per C, one M = K + B^2 + diag(1 / (2C)) serve
// them all. Identical row sets are fitted once (leave-one-run-out nests make each inner training
// set twice: leaving runs a then b, or b then a), and each fit starts from the factor of a
// related fit's support set (the outer training set's for its inner folds, the previous outer
// fold's for the next). The chosen C, scores and weights are those of the generic loop: the
// exact optimum does not depend on where the solver starts.
import type { Matrix } from '@neurodecode/matrix';
import {
  LinearSVC,
  linearSvcFromSubset,
  resolveLinearSvcSolver,
  SubsetSvcSolver,
  type LinearSVCParams,
  type Params,
  type SubsetSvcSolution,
} from '@neurodecode/estimators';
import type { Predictor, Split } from '@neurodecode/cv';
import type { Problem } from './decoder.js';
import { allZeroWeights } from './fold-helpers.js';

/** One outer fold's chosen model for one problem. */
export interface ExactSvcChoice {
  model: LinearSVC;
  params: Params;
}

/** What the fast path needs from the Decoder's fit. */
export interface ExactSvcFoldsInput {
  X: Matrix;
  gram: Float64Array;
  problems: Problem[];
  splits: Split[];
  params: LinearSVCParams;
  /** The grid's candidates (each sets C only). */
  candidates: Params[];
  selection: 'nested' | 'test-fold';
  scorer: (est: Predictor, X: Matrix, y: Float64Array) => number;
  /** Inner splits (indices into the outer training rows) of outer fold o for problem p. */
  innerSplits: (o: number, p: number) => Split[];
}

/**
 * The LinearSVC parameters when the fast path gives what the generic loop would: the estimator
 * is a plain LinearSVC (not a subclass) whose fits all use the exact squared-hinge solver with
 * one sample weight per row, and every candidate only sets C. Undefined otherwise.
 */
export function exactSvcParams(
  base: unknown,
  candidates: Params[],
  nSmallest: number,
  nLargest: number,
  p: number,
): LinearSVCParams | undefined {
  if (!(base instanceof LinearSVC) || Object.getPrototypeOf(base) !== LinearSVC.prototype) return undefined;
  const params = base.getParams() as unknown as LinearSVCParams;
  if (params.penalty !== 'l2' || params.loss !== 'squared_hinge' || params.solver === 'tfjs') return undefined;
  if (params.classWeight !== null && params.classWeight !== undefined) return undefined;
  if (!candidates.every((c) => Object.keys(c).every((k) => k === 'C') && (c.C === undefined || (typeof c.C === 'number' && c.C > 0))))
    return undefined;
  for (const n of [nSmallest, nLargest]) if (resolveLinearSvcSolver(params, n, p, true) !== 'exact') return undefined;
  return params;
}

function rowsKey(rows: Int32Array): string {
  return Int32Array.from(rows).sort().join(',');
}

function globalRows(train: Int32Array, local: Int32Array): Int32Array {
  return Int32Array.from(local, (i) => train[i]!);
}

/** Per problem and outer fold, the model and parameters the generic loop would choose. */
export function exactSvcFolds(input: ExactSvcFoldsInput): ExactSvcChoice[][] {
  const { X, gram, problems, splits, params, candidates, selection, scorer } = input;
  const N = X.rows;
  const bias = params.fitIntercept ? params.interceptScaling : 0;
  const Cs = candidates.map((c) => (c.C as number | undefined) ?? params.C);
  const solvers = Cs.map((C) => new SubsetSvcSolver(gram, N, { C, bias }));
  const nested = selection === 'nested' && candidates.length > 1;
  return problems.map((problem, p) => {
    const yAll = problem.y;
    const signs = Int8Array.from(yAll, (v) => (v === 1 ? 1 : -1));
    const pickY = (rows: Int32Array) => Float64Array.from(rows, (i) => yAll[i]!);
    const modelOf = (c: number, sol: SubsetSvcSolution) => linearSvcFromSubset({ ...params, ...candidates[c] }, X, sol, [0, 1], bias);
    const inner = nested ? splits.map((_, o) => input.innerSplits(o, p)) : [];
    // outer[o][c]: the fits on the outer training sets; scores[o][s][c]: the inner scores.
    const outer: SubsetSvcSolution[][] = splits.map(() => []);
    const scores = inner.map((folds) => folds.map(() => new Float64Array(candidates.length)));
    splits.forEach((split, o) => {
      for (let c = 0; c < candidates.length; c++) {
        // The support set at the previous C on these rows is the best start (the factor cannot
        // be shared: C changes its diagonal); the first C starts from the previous fold's factor.
        const start = c > 0 ? spread(outer[o]![c - 1]!, N) : (outer[o - 1]?.[0] ?? solvers[0]!.roughGuess(signs, split.train));
        outer[o]!.push(solvers[c]!.solve(signs, split.train, start));
      }
    });
    const outerModels = candidates.map((_, c) => outer.map((fits) => modelOf(c, fits[c]!)));
    if (nested) {
      const cache = new Map<string, LinearSVC[]>();
      splits.forEach((split, o) => {
        inner[o]!.forEach((fold, s) => {
          const rows = globalRows(split.train, fold.train);
          const key = rowsKey(rows);
          let models = cache.get(key);
          if (!models) {
            models = [];
            // The first C starts from the outer fit's factor without this fold's held-out rows;
            // the next ones from the support set at the previous C (closer than another fold's).
            let previous: SubsetSvcSolution | undefined;
            for (let c = 0; c < candidates.length; c++) {
              const start = previous ? spread(previous, N) : outer[o]![c]!;
              previous = solvers[c]!.solve(signs, rows, start);
              models.push(modelOf(c, previous));
            }
            cache.set(key, models);
          }
          const test = globalRows(split.train, fold.test);
          const Xtest = X.selectRows(test);
          const ytest = pickY(test);
          for (let c = 0; c < candidates.length; c++) scores[o]![s]![c] = scorer(models[c] as unknown as Predictor, Xtest, ytest);
        });
      });
    }
    return splits.map((split, o) => {
      let best = candidates.length - 1;
      if (nested) {
        // GridSearchCV's choice: the best rank of the mean inner scores (NaN ranks last), the
        // first candidate among equals.
        const means = candidates.map((_, c) => {
          let mean = 0;
          for (const row of scores[o]!) mean += row[c]!;
          return mean / scores[o]!.length;
        });
        const rank = (c: number) => means.filter((m) => (Number.isNaN(means[c]!) ? !Number.isNaN(m) : m > means[c]!)).length;
        best = 0;
        for (let c = 1; c < candidates.length; c++) if (rank(c) < rank(best)) best = c;
      } else if (candidates.length > 1) {
        // nilearn's test-fold pick: ties go to the later candidate; an all-zero model scores 0.
        const Xte = X.selectRows(split.test);
        const yte = pickY(split.test);
        let bestScore = -Infinity;
        best = 0;
        for (let c = 0; c < candidates.length; c++) {
          const model = outerModels[c]![o]!;
          const s = allZeroWeights(model) ? 0 : scorer(model as unknown as Predictor, Xte, yte);
          if (s >= bestScore) {
            bestScore = s;
            best = c;
          }
        }
      }
      return { model: outerModels[best]![o]!, params: candidates[best]! };
    });
  });
}

/** A solution's signed duals spread over all N rows (a starting guess for the same rows at another C). */
function spread(sol: SubsetSvcSolution, N: number): Float64Array {
  const out = new Float64Array(N);
  for (let r = 0; r < sol.rows.length; r++) out[sol.rows[r]!] = sol.beta[r]!;
  return out;
}
