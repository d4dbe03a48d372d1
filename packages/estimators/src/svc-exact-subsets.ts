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
  /** Alpha per row at the last solve (or the guess): the factor's row order on rebuilds. */
  private readonly priority: Float64Array;
  /**
   * Scratch: rows (ascending) and their signed duals for a product with M. Pivoting fills it with
   * the free rows, the KKT check and decisions() with the support; none keeps it across calls.
   */
  private readonly freeIds: Int32Array;
  private readonly freeVals: Float64Array;
  private readonly boundIds: Int32Array;
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
    this.priority = new Float64Array(nRows);
    this.freeIds = new Int32Array(nRows);
    this.freeVals = new Float64Array(nRows);
    this.boundIds = new Int32Array(nRows);
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
      // Take out the support vectors this subset lacks.
      factor.removeWhere((i) => !inSet[i]);
      for (let a = 0; a < n; a++) free[rows[a]!] = 0;
      for (let a = 0; a < factor.m; a++) free[factor.order[a]!] = 1;
    } else {
      factor = new FreeSetFactor(M, N, Math.min(N, 64));
      for (let a = 0; a < n; a++) {
        const i = rows[a]!;
        free[i] = start ? (signs[i]! * start[i]! > 0 ? 1 : 0) : 1;
        if (start) this.priority[i] = signs[i]! * start[i]!;
      }
    }
    const result = this.pivot(signs, rows, factor);
    for (let a = 0; a < n; a++) {
      inSet[rows[a]!] = 0;
      free[rows[a]!] = 0;
    }
    gradient.fill(0);
    betaAll.fill(0);
    this.priority.fill(0);
    return result;
  }

  private pivot(signs: Int8Array, rows: Int32Array, factor: FreeSetFactor): SubsetSvcSolution {
    const { free, gradient, betaAll } = this;
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
        const i = order[a]!;
        betaAll[i] = rhs[a]!;
        this.priority[i] = signs[i]! * rhs[a]!;
        scale = Math.max(scale, Math.abs(rhs[a]!));
      }
      // The free rows in ascending order (rows is ascending), so each bound row's gradient reads
      // its row of M front to back whatever order the factor keeps.
      const { freeIds, freeVals } = this;
      let k = 0;
      for (let r = 0; r < n; r++) {
        const i = rows[r]!;
        if (!free[i]) continue;
        freeIds[k] = i;
        freeVals[k++] = betaAll[i]!;
      }
      // The bound rows, whose gradients pivoting needs.
      const bound = this.boundIds;
      let nb = 0;
      for (let r = 0; r < n; r++) {
        const i = rows[r]!;
        if (free[i]) continue;
        betaAll[i] = 0;
        this.priority[i] = 0;
        bound[nb++] = i;
      }
      this.gradientAt(bound, nb, m, signs);
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

  /**
   * gradient[i] = (M b)_i - y_i for the rows ids[0..count), with b given by its nonzero entries
   * freeIds / freeVals [0..m): four rows at a time, so each loaded id and dual serves four sums.
   */
  private gradientAt(ids: Int32Array, count: number, m: number, signs: Int8Array): void {
    const { M, nRows: N, freeIds, freeVals, gradient } = this;
    let b = 0;
    for (; b + 3 < count; b += 4) {
      const i0 = ids[b]!,
        i1 = ids[b + 1]!,
        i2 = ids[b + 2]!,
        i3 = ids[b + 3]!;
      const o0 = i0 * N,
        o1 = i1 * N,
        o2 = i2 * N,
        o3 = i3 * N;
      let g0 = 0,
        g1 = 0,
        g2 = 0,
        g3 = 0;
      for (let a = 0; a < m; a++) {
        const id = freeIds[a]!;
        const v = freeVals[a]!;
        g0 += M[o0 + id]! * v;
        g1 += M[o1 + id]! * v;
        g2 += M[o2 + id]! * v;
        g3 += M[o3 + id]! * v;
      }
      gradient[i0] = g0 - signs[i0]!;
      gradient[i1] = g1 - signs[i1]!;
      gradient[i2] = g2 - signs[i2]!;
      gradient[i3] = g3 - signs[i3]!;
    }
    for (; b < count; b++) {
      const i = ids[b]!;
      const row = i * N;
      let g = 0;
      for (let a = 0; a < m; a++) g += M[row + freeIds[a]!]! * freeVals[a]!;
      gradient[i] = g - signs[i]!;
    }
  }

  private listBuffer = new Int32Array(0);

  /** Bring the factor to the free set (FreeSetFactor.syncTo over the subset's rows). */
  private refactor(factor: FreeSetFactor, rows: Int32Array): boolean {
    if (this.listBuffer.length < rows.length) this.listBuffer = new Int32Array(rows.length);
    return factor.syncTo(this.free, rows, rows.length, this.listBuffer, this.priority);
  }

  /**
   * SquaredHingeDual's optimality test on the subset (beta per entry of rows), on the rows that
   * ended free: pivoting's last step already found every bound row's gradient feasible, with
   * a tighter tolerance, from the same duals.
   */
  private satisfiesKkt(signs: Int8Array, rows: Int32Array, beta: Float64Array): boolean {
    const { free, freeIds, freeVals, boundIds: check, gradient } = this;
    const n = rows.length;
    // |M_SS|_inf is at most the largest full row sum of M over the subset's rows: a slightly
    // looser rounding allowance than SquaredHingeDual's, without an n^2 pass per fit.
    let normM = 0;
    let normBeta = 0;
    let m = 0;
    let count = 0;
    for (let r = 0; r < n; r++) {
      const i = rows[r]!;
      normBeta = Math.max(normBeta, Math.abs(beta[r]!));
      normM = Math.max(normM, this.rowNorms[i]!);
      if (beta[r] !== 0) {
        freeIds[m] = i;
        freeVals[m++] = beta[r]!;
      }
      if (free[i]) {
        if (signs[i]! * beta[r]! < 0) return false;
        check[count++] = i;
      }
    }
    const tol = 1e-7 + 1e-11 * normM * normBeta;
    this.gradientAt(check, count, m, signs);
    // beta is rows' order, check ascending rows' order too: walk both.
    let c = 0;
    for (let r = 0; r < n && c < count; r++) {
      const i = rows[r]!;
      if (i !== check[c]) continue;
      c++;
      const alpha = signs[i]! * beta[r]!;
      const alphaGradient = signs[i]! * gradient[i]!;
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
   * The fitted model's decision values X_t w + b for rows `test` it was not fitted on, written
   * into out: for such a row M's entry is K_tr + B^2 = x_t x_r' + B^2, so the decision is
   * sum_r b_r M_tr over the support, m multiply-adds a row instead of forming w (m p) and
   * scoring it (p a row). Equal to the model's decisionFunction up to rounding.
   */
  decisions(solution: SubsetSvcSolution, test: Int32Array, out: Float64Array): Float64Array {
    const { M, nRows: N, inSet, freeIds: ids, freeVals: vals } = this;
    const { rows, beta } = solution;
    let m = 0;
    for (let r = 0; r < rows.length; r++) {
      inSet[rows[r]!] = 1;
      if (beta[r] === 0) continue;
      ids[m] = rows[r]!;
      vals[m++] = beta[r]!;
    }
    try {
      for (let t = 0; t < test.length; t++) {
        const i = test[t]!;
        if (inSet[i]) throw new RangeError(`test: row ${i} is one the model was fitted on`);
        const row = i * N;
        let s0 = 0,
          s1 = 0;
        let a = 0;
        for (; a + 1 < m; a += 2) {
          s0 += vals[a]! * M[row + ids[a]!]!;
          s1 += vals[a + 1]! * M[row + ids[a + 1]!]!;
        }
        if (a < m) s0 += vals[a]! * M[row + ids[a]!]!;
        out[t] = s0 + s1;
      }
    } finally {
      for (let r = 0; r < rows.length; r++) inSet[rows[r]!] = 0;
    }
    return out;
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
