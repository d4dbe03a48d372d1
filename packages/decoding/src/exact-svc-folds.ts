// The Decoder's fast path for its default estimator, LinearSVC with the exact solver, when no
// screening or clustering changes the features per fold: every fit the generic loop makes
// (outer folds x problems x the C grid x the inner folds of nested selection) is a fit on a row
// subset of one data set, so one Gram matrix and, per C, one M = K + B^2 + diag(1 / (2C)) serve
// them all. Identical row sets are fitted once (leave-one-run-out nests make each inner training
// set twice: leaving runs a then b, or b then a), by one of the outer folds that contain it. The
// fits run as a job of two phases of independent tasks (threads.ts): per problem the fit on all
// rows (phase 0); per problem and outer fold the fits over the C grid, the first starting from
// the all-rows fit and each next from the previous C's support set, then the fits over the C grid
// of every inner training set that outer fold owns, each starting from the Cholesky factor of
// the outer fit at the same C with the rows the inner set lacks taken out (a few rank-one
// updates instead of a new factor), each scored on the inner test rows that use it. The chosen
// C, scores and weights are those of the generic loop: the exact optimum does not depend on
// where the solver starts, and the starts do not depend on how many threads run the tasks.
import { Matrix } from '@neurodecode/matrix';
import {
  LinearSVC,
  linearSvcFromSubset,
  resolveLinearSvcSolver,
  SubsetSvcSolver,
  type LinearSVCParams,
  type Params,
  type SubsetSvcSolution,
} from '@neurodecode/estimators';
import { getScorer, type Predictor, type Split } from '@neurodecode/cv';
import type { Problem } from './decoder.js';
import { allZeroWeights } from './fold-helpers.js';
import { runJob, sharedFloat64, shareIf, type PhasedJob, type TaskRunner } from './threads.js';

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
  /** A scorer name (getScorer's), so worker threads can score too. */
  scoring: string;
  /** Inner splits (indices into the outer training rows) of outer fold o for problem p. */
  innerSplits: (o: number, p: number) => Split[];
  /** Threads to run the fits on (1: this thread only). */
  threads: number;
  /**
   * Progress in outer-fold problems (P x O of them, one task each), called from this thread
   * after each task it ran itself, with the count every thread has finished.
   */
  onProgress?: (done: number, total: number) => void;
}

/** One distinct inner training set of one problem, and the inner folds (outer o, fold s) that test on it. */
interface InnerFit {
  problem: number;
  /** The outer fold that fits it (one that contains its rows), from its own outer fits. */
  outer: number;
  rows: Int32Array;
  uses: { outer: number; fold: number; test: Int32Array }[];
}

/** The job the threads share: inputs, and outputs in shared memory. */
export interface ExactSvcJob extends PhasedJob {
  kind: 'exact-svc';
  rows: number;
  gram: Float64Array;
  ys: Float64Array[];
  trains: Int32Array[];
  params: LinearSVCParams;
  Cs: number[];
  scoring: string;
  inner: InnerFit[];
  /** The inner fits (indices into inner) each outer task makes: for problem p and outer fold o, owned[p * O + o]. */
  owned: number[][];
  /** Signed duals of the all-rows fit per problem (problem x N), at the first C. */
  fullBeta: Float64Array;
  /** Signed duals per problem, outer fold and C, over all N rows (0 off the training rows). */
  outerBeta: Float64Array;
  outerIterations: Float64Array;
  /** Inner scores: for problem p and outer fold o, scoreOffset[p * O + o] + fold * nC + c. */
  innerScores: Float64Array;
  scoreOffset: Int32Array;
  /** Outer-fold tasks finished, by any thread (one counter, shared memory). */
  finished: Int32Array;
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
  const job = planExactSvc(input);
  // Starting worker threads costs about a tenth of a second: worth it from a few hundred
  // million multiply-adds of solves (each fit costs about (training rows)^2 per pivoting step).
  const n = Math.max(...job.trains.map((t) => t.length));
  const fits = (job.phases[1]! + job.inner.length) * job.Cs.length;
  const threads = fits * n * n >= 2e8 ? input.threads : 1;
  const tasks = exactSvcTasks(job);
  const total = job.phases[1]!;
  const report = input.onProgress;
  runJob(
    job,
    threads,
    report
      ? (phase, task) => {
          tasks(phase, task);
          if (phase === 1) report(Atomics.load(job.finished, 0), total);
        }
      : tasks,
  );
  report?.(total, total);
  return chooseExactSvc(job, input);
}

/** The job's tasks and outputs: the distinct inner training sets, and shared arrays for the results. */
function planExactSvc(input: ExactSvcFoldsInput): ExactSvcJob {
  const { X, problems, splits, candidates, threads } = input;
  const N = X.rows;
  const P = problems.length;
  const O = splits.length;
  const nC = candidates.length;
  const nested = input.selection === 'nested' && nC > 1;
  const inner: InnerFit[] = [];
  const owned: number[][] = Array.from({ length: P * O }, () => []);
  const scoreOffset = new Int32Array(P * O);
  let nScores = 0;
  if (nested) {
    for (let p = 0; p < P; p++) {
      const byKey = new Map<string, { fit: InnerFit; outers: number[] }>();
      splits.forEach((split, o) => {
        const folds = input.innerSplits(o, p);
        scoreOffset[p * O + o] = nScores;
        nScores += folds.length * nC;
        folds.forEach((fold, s) => {
          const rows = globalRows(split.train, fold.train);
          const key = rowsKey(rows);
          let entry = byKey.get(key);
          if (!entry) {
            entry = { fit: { problem: p, outer: o, rows, uses: [] }, outers: [] };
            byKey.set(key, entry);
          }
          entry.outers.push(o);
          entry.fit.uses.push({ outer: o, fold: s, test: globalRows(split.train, fold.test) });
        });
      });
      // Each set goes to the outer fold (among those it came from) that owns the fewest so far,
      // so the outer tasks stay about the same size.
      for (const { fit, outers } of byKey.values()) {
        let owner = outers[0]!;
        for (const o of outers) if (owned[p * O + o]!.length < owned[p * O + owner]!.length) owner = o;
        fit.outer = owner;
        owned[p * O + owner]!.push(inner.length);
        inner.push(fit);
      }
    }
  }
  const params = input.params;
  return {
    kind: 'exact-svc',
    phases: [P, P * O],
    rows: N,
    // Shared memory whenever threads may run (whether they do depends on the task count).
    gram: shareIf(input.gram, threads),
    ys: problems.map((prob) => prob.y),
    trains: splits.map((s) => s.train),
    params,
    Cs: candidates.map((c) => (c.C as number | undefined) ?? params.C),
    scoring: input.scoring,
    inner,
    owned,
    fullBeta: sharedFloat64(P * N),
    outerBeta: sharedFloat64(P * O * nC * N),
    outerIterations: sharedFloat64(P * O * nC),
    innerScores: sharedFloat64(nScores),
    scoreOffset,
    finished: new Int32Array(typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(4) : new SharedArrayBuffer(4)),
  };
}

/** The task runner of one thread: its own solvers (one per C) over the shared Gram matrix. */
export function exactSvcTasks(job: ExactSvcJob): TaskRunner {
  const N = job.rows;
  const O = job.trains.length;
  const nC = job.Cs.length;
  const bias = job.params.fitIntercept ? job.params.interceptScaling : 0;
  const solvers: SubsetSvcSolver[] = [];
  const solver = (c: number) => (solvers[c] ??= new SubsetSvcSolver(job.gram, N, { C: job.Cs[c]!, bias }));
  const signsOf = (p: number) => Int8Array.from(job.ys[p]!, (v) => (v === 1 ? 1 : -1));
  const outerAt = (p: number, o: number, c: number) => job.outerBeta.subarray(((p * O + o) * nC + c) * N, ((p * O + o) * nC + c + 1) * N);
  return (phase, task) => {
    if (phase === 0) {
      const signs = signsOf(task);
      const all = Int32Array.from({ length: N }, (_, i) => i);
      const sol = solver(0).solve(signs, all, solver(0).roughGuess(signs, all));
      spreadInto(sol, job.fullBeta.subarray(task * N, (task + 1) * N));
    } else {
      const p = Math.floor(task / O);
      const o = task % O;
      const signs = signsOf(p);
      // The first C starts from the all-rows fit, each next C from the support set at the previous one.
      let start: Float64Array = job.fullBeta.subarray(p * N, (p + 1) * N);
      const outerFits: SubsetSvcSolution[] = [];
      for (let c = 0; c < nC; c++) {
        const sol = solver(c).solve(signs, job.trains[o]!, start);
        outerFits.push(sol);
        start = outerAt(p, o, c);
        spreadInto(sol, start);
        job.outerIterations[(p * O + o) * nC + c] = sol.iterations;
      }
      const y = job.ys[p]!;
      const scorer = nC > 1 && job.inner.length > 0 ? getScorer(job.scoring) : undefined;
      for (const f of job.owned[task]!) {
        const fit = job.inner[f]!;
        const tests = fit.uses.map((u) => ({ ...u, y: Float64Array.from(u.test, (i) => y[i]!), d: new Float64Array(u.test.length) }));
        // The first C starts from the outer fit's factor (the rows this set lacks removed); each
        // next C's M has another diagonal, so it starts from the previous C's support set.
        let from: SubsetSvcSolution | Float64Array = outerFits[0]!;
        for (let c = 0; c < nC; c++) {
          const sol = solver(c).solve(signs, fit.rows, from);
          for (const u of tests) {
            // The scorers ask a model for decisions on X: these are the fitted model's, from M.
            const decided = decisionsPredictor(solver(c).decisions(sol, u.test, u.d));
            job.innerScores[job.scoreOffset[p * O + u.outer]! + u.fold * nC + c] = scorer!(decided, decided.X, u.y);
          }
          if (c + 1 < nC) {
            from = new Float64Array(N);
            spreadInto(sol, from);
          }
        }
      }
      Atomics.add(job.finished, 0, 1);
    }
  };
}

/** The chosen candidate per problem and outer fold (GridSearchCV's rule, or nilearn's test-fold pick), and its model. */
function chooseExactSvc(job: ExactSvcJob, input: ExactSvcFoldsInput): ExactSvcChoice[][] {
  const { X, problems, splits, params, candidates } = input;
  const N = X.rows;
  const O = splits.length;
  const nC = candidates.length;
  const bias = params.fitIntercept ? params.interceptScaling : 0;
  const scorer = getScorer(input.scoring);
  const nested = job.inner.length > 0;
  const modelOf = (p: number, o: number, c: number): LinearSVC => {
    const rows = job.trains[o]!;
    const at = ((p * O + o) * nC + c) * N;
    const beta = Float64Array.from(rows, (i) => job.outerBeta[at + i]!);
    // linearSvcFromSubset reads the rows, duals and iteration count; the factor only serves starts.
    const solution = { rows, beta, iterations: job.outerIterations[(p * O + o) * nC + c]! } as SubsetSvcSolution;
    return linearSvcFromSubset({ ...params, ...candidates[c] }, X, solution, [0, 1], bias);
  };
  return problems.map((problem, p) =>
    splits.map((split, o) => {
      let best = nC - 1;
      if (nested) {
        // GridSearchCV's choice: the best rank of the mean inner scores (NaN ranks last), the
        // first candidate among equals.
        const folds = input.innerSplits(o, p).length;
        const base = job.scoreOffset[p * O + o]!;
        const means = candidates.map((_, c) => {
          let mean = 0;
          for (let s = 0; s < folds; s++) mean += job.innerScores[base + s * nC + c]!;
          return mean / folds;
        });
        const rank = (c: number) => means.filter((m) => (Number.isNaN(means[c]!) ? !Number.isNaN(m) : m > means[c]!)).length;
        best = 0;
        for (let c = 1; c < nC; c++) if (rank(c) < rank(best)) best = c;
      } else if (nC > 1) {
        // nilearn's test-fold pick: ties go to the later candidate; an all-zero model scores 0.
        const Xte = X.selectRows(split.test);
        const yte = Float64Array.from(split.test, (i) => problem.y[i]!);
        let bestScore = -Infinity;
        best = 0;
        for (let c = 0; c < nC; c++) {
          const model = modelOf(p, o, c);
          const s = allZeroWeights(model) ? 0 : scorer(model as unknown as Predictor, Xte, yte);
          if (s >= bestScore) {
            bestScore = s;
            best = c;
          }
        }
      }
      return { model: modelOf(p, o, best), params: candidates[best]! };
    }),
  );
}

/**
 * A binary classifier (classes 0, 1) that answers with known decision values for the rows of
 * its own stand-in X (rows only, no features): what the scorers need of a fitted model whose
 * decisions on a test set are already computed. Other matrices are refused.
 */
function decisionsPredictor(decisions: Float64Array): Predictor & { X: Matrix } {
  const X = new Matrix(decisions.length, 0);
  const own = (Q: Matrix, what: string): void => {
    if (Q !== X) throw new Error(`${what}: this model only knows its decisions on its own test rows`);
  };
  const refuse = (): never => {
    throw new Error('fit: decisions from the Gram matrix stand for a model already fitted');
  };
  return {
    X,
    kind: 'classifier',
    classes: [0, 1],
    fitted: true,
    fit: refuse,
    getParams: () => ({}),
    setParams: refuse,
    clone: refuse,
    decisionFunction(Q: Matrix): Matrix {
      own(Q, 'decisionFunction');
      return new Matrix(decisions.length, 1, Float64Array.from(decisions));
    },
    predict(Q: Matrix): number[] {
      own(Q, 'predict');
      return Array.from(decisions, (d) => (d > 0 ? 1 : 0));
    },
  };
}

/** A solution's signed duals written over all N rows of `out` (zero elsewhere): a start for other rows or another C. */
function spreadInto(sol: SubsetSvcSolution, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < sol.rows.length; r++) out[sol.rows[r]!] = sol.beta[r]!;
}
