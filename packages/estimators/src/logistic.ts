// Penalised logistic regression. L2 leaves the intercept unpenalised (as scikit-learn's lbfgs);
// L1 also leaves it unpenalised (scikit-learn's liblinear penalises it, so L1 intercepts differ
// slightly from liblinear's). L2 has two solvers: Newton-CG, solved to the exact optimum, and
// 'lbfgs', which retraces scikit-learn's lbfgs (scipy's L-BFGS-B) iteration for iteration so that
// its early stop lands on scikit-learn's coefficients.
import { fitWithRegisteredSolver } from './delegate.js';
import { Matrix } from '@neurodecode/matrix';
import { LinearClassifierBase, type LinearClassifierState } from './base.js';
import { checkClassification } from './labels.js';
import { centreColumns, coordinateDescentL1Logistic, kernelNewtonLogistic, newtonLogistic } from './logistic-solvers.js';
import { lbfgsLogistic } from './logistic-lbfgs.js';
import { rowGram } from './linalg.js';
import type { BatchedKernel, Classifier, FitOptions, LinearModel, Targets } from './types.js';

/** LogisticRegression's parameters (scikit-learn's names, camel-cased). */
export interface LogisticRegressionParams {
  /** Inverse regularisation strength (> 0). */
  C: number;
  penalty: 'l2' | 'l1';
  /** 'auto': binary or L1 -> one-vs-rest; L2 with more than two classes -> multinomial. */
  multiClass: 'auto' | 'ovr' | 'multinomial';
  fitIntercept: boolean;
  /**
   * 'newton-cg': stop when the largest gradient entry is below tol * 1e-6 of its starting value.
   * 'lbfgs': scikit-learn's meaning, the largest entry of the gradient of
   * sum(loss) + ||w||^2 / (2 C) at most tol (or scipy's relative decrease test, ftol = 1e7 * eps).
   * 'coordinate-descent' (L1): relative step size.
   */
  tol: number;
  /** Iteration cap ('lbfgs': scikit-learn's max_iter, counted as scipy counts iterations). */
  maxIter: number;
  /**
   * L2: 'newton-cg' (exact optimum) or 'lbfgs' (scikit-learn's solver and early stop);
   * L1: 'coordinate-descent'. 'auto' picks 'newton-cg' for L2, 'coordinate-descent' for L1.
   */
  solver: 'auto' | 'newton-cg' | 'lbfgs' | 'coordinate-descent' | 'tfjs';
}

/** LogisticRegression's default parameters. */
export const LOGISTIC_DEFAULTS: LogisticRegressionParams = {
  C: 1,
  penalty: 'l2',
  multiClass: 'auto',
  fitIntercept: true,
  tol: 1e-4,
  maxIter: 100,
  solver: 'auto',
};

interface LogisticState extends LinearClassifierState {
  multinomial: boolean;
  nIter: number;
}

/** Logistic regression, L2 (Newton or lbfgs) or L1 (coordinate descent), one-vs-rest or multinomial. */
export class LogisticRegression
  extends LinearClassifierBase<LogisticRegressionParams, LogisticState>
  implements Classifier<LogisticRegressionParams>, LinearModel
{
  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super('LogisticRegression', LOGISTIC_DEFAULTS, params);
  }

  get nIter(): number {
    return this.fittedState('nIter').nIter;
  }

  fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    if (opts?.sampleWeight) throw new Error('LogisticRegression: sampleWeight is not supported');
    const { X: m, classes, codes } = checkClassification(X, y);
    const P = this.params;
    if (!(P.C > 0)) throw new RangeError(`LogisticRegression: C must be > 0, got ${P.C}`);
    if (P.penalty !== 'l2' && P.penalty !== 'l1')
      throw new RangeError(`LogisticRegression: penalty must be "l2" or "l1", got ${JSON.stringify(P.penalty)}`);
    if (!['auto', 'ovr', 'multinomial'].includes(P.multiClass))
      throw new RangeError(`LogisticRegression: multiClass must be "auto", "ovr" or "multinomial", got ${JSON.stringify(P.multiClass)}`);
    if (!['auto', 'newton-cg', 'lbfgs', 'coordinate-descent', 'tfjs'].includes(P.solver))
      throw new RangeError(
        `LogisticRegression: solver must be "auto", "newton-cg", "lbfgs", "coordinate-descent" or "tfjs", got ${JSON.stringify(P.solver)}`,
      );
    if (P.solver === 'tfjs') {
      if (P.penalty !== 'l2' || P.multiClass === 'multinomial')
        throw new RangeError('LogisticRegression: solver "tfjs" supports penalty "l2" with one-vs-rest only');
      const r = fitWithRegisteredSolver(
        'LogisticRegression',
        'logistic-tfjs',
        { C: P.C, fitIntercept: P.fitIntercept, maxIter: Math.max(P.maxIter, 1000) },
        m,
        y!,
        opts,
      );
      this.state = { classes: r.classes, nFeatures: m.cols, coef: r.coef, intercept: r.intercept, multinomial: false, nIter: r.nIter };
      return this;
    }
    const solver = P.solver === 'auto' ? (P.penalty === 'l1' ? 'coordinate-descent' : 'newton-cg') : P.solver;
    if ((solver !== 'coordinate-descent') !== (P.penalty === 'l2'))
      throw new RangeError(`LogisticRegression: solver "${solver}" does not support penalty "${P.penalty}"`);
    if (!(P.tol > 0)) throw new RangeError(`LogisticRegression: tol must be > 0, got ${P.tol}`);
    if (!(P.maxIter >= 1)) throw new RangeError(`LogisticRegression: maxIter must be >= 1, got ${P.maxIter}`);
    const k = classes.length;
    const multinomial = P.multiClass === 'multinomial' || (P.multiClass === 'auto' && P.penalty === 'l2' && k > 2);
    if (multinomial && P.penalty === 'l1') throw new RangeError('LogisticRegression: multiClass "multinomial" needs penalty "l2"');
    const n = m.rows;
    const p = m.cols;
    const rows = k === 2 ? 1 : k;
    const coef = new Matrix(rows, p);
    const intercept = new Float64Array(rows);
    let nIter = 0;
    const relTol = P.tol * 1e-6;
    if (multinomial) {
      const sol =
        solver === 'lbfgs'
          ? lbfgsLogistic(m.data, n, p, codes, k, P.C, P.fitIntercept, P.maxIter, P.tol)
          : newtonLogistic(m.data, n, p, codes, k, P.C, P.fitIntercept, P.maxIter, relTol);
      nIter = sol.nIter;
      if (k === 2) {
        for (let j = 0; j < p; j++) coef.data[j] = sol.W[p + j]! - sol.W[j]!;
        intercept[0] = sol.b[1]! - sol.b[0]!;
      } else {
        coef.data.set(sol.W);
        intercept.set(sol.b);
      }
    } else {
      const signs = new Float64Array(n);
      // More features than samples: Newton in kernel form (n + 1 unknowns) beats touching p.
      if (opts?.gram && opts.gram.length !== n * n)
        throw new RangeError(`gram: length ${opts.gram.length} does not match X rows ${n} (expected ${n}x${n})`);
      const kernel = solver === 'newton-cg' && p > n ? (opts?.gram ?? rowGram(m.data, n, p)) : undefined;
      // One centred copy serves every one-vs-rest problem of the primal Newton solver.
      const centred = solver === 'newton-cg' && !kernel && P.fitIntercept ? centreColumns(m.data, n, p) : undefined;
      for (let r = 0; r < rows; r++) {
        const positive = rows === 1 ? 1 : r;
        for (let i = 0; i < n; i++) signs[i] = codes[i] === positive ? 1 : -1;
        if (solver === 'lbfgs') {
          const sol = lbfgsLogistic(m.data, n, p, signs, 1, P.C, P.fitIntercept, P.maxIter, P.tol);
          coef.data.set(sol.W, r * p);
          intercept[r] = sol.b[0]!;
          nIter = Math.max(nIter, sol.nIter);
        } else if (solver === 'newton-cg' && kernel) {
          const sol = kernelNewtonLogistic(kernel, n, signs, P.C, P.fitIntercept, P.maxIter, relTol);
          const row = coef.data.subarray(r * p, (r + 1) * p);
          for (let i = 0; i < n; i++) {
            const ai = sol.a[i]!;
            if (ai === 0) continue;
            for (let j = 0; j < p; j++) row[j]! += ai * m.data[i * p + j]!;
          }
          intercept[r] = sol.b;
          nIter = Math.max(nIter, sol.nIter);
        } else if (solver === 'newton-cg') {
          const sol = newtonLogistic(m.data, n, p, signs, 1, P.C, P.fitIntercept, P.maxIter, relTol, centred);
          coef.data.set(sol.W, r * p);
          intercept[r] = sol.b[0]!;
          nIter = Math.max(nIter, sol.nIter);
        } else {
          const sol = coordinateDescentL1Logistic(m.data, n, p, signs, P.C, P.fitIntercept, P.maxIter * 10, P.tol * 1e-2);
          coef.data.set(sol.w, r * p);
          intercept[r] = sol.b;
          nIter = Math.max(nIter, sol.nIter);
        }
      }
    }
    this.state = { classes, nFeatures: p, coef, intercept, multinomial, nIter };
    return this;
  }

  predictProba(X: Matrix): Matrix {
    const s = this.fittedState('predictProba');
    const z = this.decisionFunction(X);
    const k = s.classes.length;
    const out = new Matrix(z.rows, k);
    for (let i = 0; i < z.rows; i++) {
      if (z.cols === 1) {
        const p1 = 1 / (1 + Math.exp(-z.data[i]!));
        out.data[i * 2] = 1 - p1;
        out.data[i * 2 + 1] = p1;
        continue;
      }
      let sum = 0;
      if (s.multinomial) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, z.data[i * k + c]!);
        for (let c = 0; c < k; c++) sum += out.data[i * k + c] = Math.exp(z.data[i * k + c]! - max);
      } else {
        // One-vs-rest: each problem's probability, renormalised across classes.
        for (let c = 0; c < k; c++) sum += out.data[i * k + c] = 1 / (1 + Math.exp(-z.data[i * k + c]!));
      }
      for (let c = 0; c < k; c++) out.data[i * k + c]! /= sum;
    }
    return out;
  }

  batchedKernel(): BatchedKernel {
    // The searchlight's 'logistic' kernel solves to the optimum; an lbfgs fit is a different
    // answer, so it advertises a name the searchlight runs through fit() instead.
    const params = this.getParams();
    return { name: params.solver === 'lbfgs' ? 'logistic-lbfgs' : 'logistic', params };
  }
}
