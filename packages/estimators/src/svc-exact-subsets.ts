// Exact LinearSVC (squared hinge, L2) fits on many row subsets of one data set: the folds of a
// nested cross-validation. M = K + B^2 + diag(1 / (2C)) does not depend on the labels or the
// rows chosen, so one M of all rows serves every class and fold at one C, and a fit on a subset
// starts from the Cholesky factor of a related fit's support set (a superset's, with the rows
// the subset lacks taken out by rank-one updates) instead of factoring its own from scratch.
// The answer is the unique optimum that SquaredHingeDual finds on the subset's own Gram block;
// only the work differs. Solves that do not settle fall back to exactly that solver.
import { Matrix } from '@neurodecode/matrix';
import { ExchangeRule, FreeSetFactor, SquaredHingeDual } from './svc-exact.js';
import { LinearSVC, type LinearSVCParams } from './linear-svc.js';

/** Where one subset fit ended: its rows (global ids, ascending), signed duals, and the support set's factor. */
export interface SubsetSvcSolution {
  rows: Int32Array;
  /** b_i = y_i alpha_i for each entry of rows. */
  beta: Float64Array;
  /** Factor of M over the support set (global ids), for fits that start here. */
  factor: FreeSetFactor;
  /** Pivoting steps taken (0 when the fallback solver ran). */
  iterations: number;
}

/**
 * Exact squared-hinge LinearSVC fits at one C on row subsets of one data set, given the Gram
 * matrix of all its rows. `solve` starts from a related solution (another fold, the same labels
 * and C) or a rough guess; the result does not depend on the start.
 */
export class SubsetSvcSolver {
  readonly nRows: number;
  readonly C: number;
  readonly bias: number;
  private readonly K: Float64Array;
  private readonly M: Float64Array;
  /** Absolute row sums of M. */
  private readonly rowNorms: Float64Array;
  private readonly inSet: Uint8Array;
  private readonly free: Uint8Array;
  private readonly gradient: Float64Array;
  private readonly betaAll: Float64Array;
  private rhs: Float64Array;

  constructor(gram: Float64Array, nRows: number, opts: { C: number; bias: number }) {
    if (gram.length !== nRows * nRows) throw new RangeError(`gram: length ${gram.length} does not match ${nRows}x${nRows}`);
    if (!(opts.C > 0)) throw new RangeError(`C: must be > 0, got ${opts.C}`);
    this.nRows = nRows;
    this.C = opts.C;
    this.bias = opts.bias;
    this.K = gram;
    const biasSq = opts.bias * opts.bias;
    const M = new Float64Array(nRows * nRows);
    for (let t = 0; t < M.length; t++) M[t] = gram[t]! + biasSq;
    for (let i = 0; i < nRows; i++) M[i * nRows + i]! += 0.5 / opts.C;
    this.M = M;
    this.rowNorms = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) {
      let sum = 0;
      for (let j = 0; j < nRows; j++) sum += Math.abs(M[i * nRows + j]!);
      this.rowNorms[i] = sum;
    }
    this.inSet = new Uint8Array(nRows);
    this.free = new Uint8Array(nRows);
    this.gradient = new Float64Array(nRows);
    this.betaAll = new Float64Array(nRows);
    this.rhs = new Float64Array(64);
  }

  /**
   * The exact optimum on `rows` (ascending global ids) for labels `signs` (+1 / -1 per global
   * row). `start`: a solution at this C for the same labels whose factor is reused (rows it has
   * and these lack are removed from it), or a guess of signed duals per global row whose support set starts the
   * pivoting.
   */
  solve(signs: Int8Array, rows: Int32Array, start?: SubsetSvcSolution | Float64Array): SubsetSvcSolution {
    const { nRows: N, M, inSet, free, gradient, betaAll } = this;
    const n = rows.length;
    for (let a = 0; a < n; a++) inSet[rows[a]!] = 1;
    let factor: FreeSetFactor;
    if (start && !(start instanceof Float64Array)) {
      factor = start.factor.clone(16);
      // Take out the support vectors this subset lacks, last factor rows first (each removal
      // rotates only the rows after it).
      for (let a = factor.m - 1; a >= 0; a--) {
        const i = factor.order[a]!;
        if (!inSet[i]) factor.remove(i);
      }
      for (let a = 0; a < n; a++) free[rows[a]!] = 0;
      for (let a = 0; a < factor.m; a++) free[factor.order[a]!] = 1;
    } else {
      factor = new FreeSetFactor(M, N, Math.min(N, 64));
      for (let a = 0; a < n; a++) {
        const i = rows[a]!;
        free[i] = start ? (signs[i]! * start[i]! > 0 ? 1 : 0) : 1;
      }
    }
    const result = this.pivot(signs, rows, factor);
    for (let a = 0; a < n; a++) {
      inSet[rows[a]!] = 0;
      free[rows[a]!] = 0;
    }
    gradient.fill(0);
    betaAll.fill(0);
    return result;
  }

  private pivot(signs: Int8Array, rows: Int32Array, factor: FreeSetFactor): SubsetSvcSolution {
    const { M, N, free, gradient, betaAll } = this.view();
    const n = rows.length;
    const rule = new ExchangeRule(n);
    let ok = false;
    while (rule.next()) {
      if (!this.refactor(factor, rows)) break;
      const m = factor.m;
      if (this.rhs.length < m) this.rhs = new Float64Array(2 * m);
      const rhs = this.rhs;
      factor.solve(signs, rhs);
      const { order } = factor;
      let scale = 1;
      for (let a = 0; a < m; a++) {
        betaAll[order[a]!] = rhs[a]!;
        scale = Math.max(scale, Math.abs(rhs[a]!));
      }
      for (let r = 0; r < n; r++) {
        const i = rows[r]!;
        if (free[i]) continue;
        betaAll[i] = 0;
        const row = i * N;
        let g0 = 0,
          g1 = 0;
        let a = 0;
        for (; a + 1 < m; a += 2) {
          g0 += M[row + order[a]!]! * rhs[a]!;
          g1 += M[row + order[a + 1]!]! * rhs[a + 1]!;
        }
        if (a < m) g0 += M[row + order[a]!]! * rhs[a]!;
        gradient[i] = g0 + g1 - signs[i]!;
      }
      const alphaSlack = -1e-12 * scale;
      const isBad = (i: number): boolean => (free[i] ? signs[i]! * betaAll[i]! < alphaSlack : signs[i]! * gradient[i]! < -1e-12);
      if (rule.step(rows, n, free, isBad)) {
        ok = true;
        break;
      }
    }
    const beta = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const i = rows[r]!;
      const b = free[i] ? betaAll[i]! : 0;
      beta[r] = signs[i]! * b < 0 ? 0 : b;
    }
    if (ok && factor.m === countFree(free, rows) && this.satisfiesKkt(signs, rows, beta))
      return { rows, beta, factor, iterations: rule.iterations };
    return this.fallback(signs, rows);
  }

  private view(): { M: Float64Array; N: number; free: Uint8Array; gradient: Float64Array; betaAll: Float64Array } {
    return { M: this.M, N: this.nRows, free: this.free, gradient: this.gradient, betaAll: this.betaAll };
  }

  private listBuffer = new Int32Array(0);

  /** Bring the factor to the free set (FreeSetFactor.syncTo over the subset's rows). */
  private refactor(factor: FreeSetFactor, rows: Int32Array): boolean {
    if (this.listBuffer.length < rows.length) this.listBuffer = new Int32Array(rows.length);
    return factor.syncTo(this.free, rows, rows.length, this.listBuffer);
  }

  /** SquaredHingeDual's optimality test on the subset (beta per entry of rows). */
  private satisfiesKkt(signs: Int8Array, rows: Int32Array, beta: Float64Array): boolean {
    const { M, nRows: N } = this;
    const n = rows.length;
    // |M_SS|_inf is at most the largest full row sum of M over the subset's rows: a slightly
    // looser rounding allowance than SquaredHingeDual's, without an n^2 pass per fit.
    let normM = 0;
    let normBeta = 0;
    const support: number[] = [];
    for (let r = 0; r < n; r++) {
      normBeta = Math.max(normBeta, Math.abs(beta[r]!));
      if (beta[r] !== 0) support.push(r);
      normM = Math.max(normM, this.rowNorms[rows[r]!]!);
    }
    const tol = 1e-7 + 1e-11 * normM * normBeta;
    for (let r = 0; r < n; r++) {
      const i = rows[r]!;
      const alpha = signs[i]! * beta[r]!;
      if (alpha < 0) return false;
      const row = i * N;
      let g = -signs[i]!;
      for (const c of support) g += M[row + rows[c]!]! * beta[c]!;
      const alphaGradient = signs[i]! * g;
      if (alpha > 0 ? Math.abs(alphaGradient) > tol : alphaGradient < -tol) return false;
    }
    return true;
  }

  /** The fit SquaredHingeDual makes on the subset's own Gram block (pivoting, then coordinate descent). */
  private fallback(signs: Int8Array, rows: Int32Array): SubsetSvcSolution {
    const { K, nRows: N } = this;
    const n = rows.length;
    const block = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) block[a * n + b] = K[rows[a]! * N + rows[b]!]!;
    const local = Int8Array.from(rows, (i) => signs[i]!);
    const dual = new SquaredHingeDual(block, n, { C: this.C, bias: this.bias });
    const beta = new Float64Array(n);
    const guess = new Float64Array(n);
    dual.roughGuess(local, guess);
    dual.solve(local, beta, guess);
    const factor = new FreeSetFactor(this.M, N, 64);
    for (let r = 0; r < n; r++) if (local[r]! * beta[r]! > 0 && !factor.append(rows[r]!)) break;
    return { rows, beta, factor, iterations: 0 };
  }

  /**
   * A starting guess for `rows` when no related solution exists: a few epochs of dual coordinate
   * descent on the subset's Gram block, as signed duals per global row.
   */
  roughGuess(signs: Int8Array, rows: Int32Array): Float64Array {
    const { K, nRows: N } = this;
    const n = rows.length;
    const block = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) block[a * n + b] = K[rows[a]! * N + rows[b]!]!;
    const dual = new SquaredHingeDual(block, n, { C: this.C, bias: this.bias });
    const local = new Float64Array(n);
    dual.roughGuess(
      Int8Array.from(rows, (i) => signs[i]!),
      local,
    );
    const out = new Float64Array(N);
    for (let r = 0; r < n; r++) out[rows[r]!] = local[r]!;
    return out;
  }
}

function countFree(free: Uint8Array, rows: Int32Array): number {
  let m = 0;
  for (let r = 0; r < rows.length; r++) m += free[rows[r]!]!;
  return m;
}

/**
 * A fitted binary LinearSVC (classes [negative, positive]) from a subset solution: w = X_rows' b,
 * intercept = B^2 sum(b), exactly what LinearSVC.fit on those rows gives with the exact solver.
 * X holds all rows of the data set.
 */
export function linearSvcFromSubset(
  params: Partial<LinearSVCParams>,
  X: Matrix,
  solution: SubsetSvcSolution,
  classes: [number, number],
  bias: number,
): LinearSVC {
  const p = X.cols;
  const n = solution.rows.length;
  const coef = new Matrix(1, p);
  // weightsFromDual over the selected rows, without copying them.
  let sum = 0;
  const w = coef.data;
  for (let r = 0; r < n; r++) {
    const b = solution.beta[r]!;
    if (b === 0) continue;
    sum += b;
    const off = solution.rows[r]! * p;
    for (let j = 0; j < p; j++) w[j]! += b * X.data[off + j]!;
  }
  const model = new LinearSVC(params);
  (model as unknown as { state: unknown }).state = {
    classes: classes.slice(),
    nFeatures: p,
    coef,
    intercept: Float64Array.of(bias * bias * sum),
    nIter: solution.iterations,
  };
  return model;
}
