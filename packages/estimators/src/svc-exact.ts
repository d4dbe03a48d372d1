// Exact solver for LinearSVC's default problem (L2 penalty, squared hinge, liblinear's penalised
// bias feature of value B) when samples are few: the dual in signed form b_i = y_i alpha_i is
//   minimise 1/2 b'Mb - y'b  subject to  y_i b_i >= 0,   M = X X' + B^2 + diag(1 / (2 C_i)),
// a strictly convex quadratic programme with sign constraints only (an LCP with an SPD matrix).
// Block principal pivoting (Judice & Pires; Kim & Park's safeguard) finds its exact solution in a
// handful of linear solves, where coordinate descent needs hundreds of passes on permuted labels.
// The weights follow as w = X' b and intercept = B^2 * sum(b).
import { seededRandom } from './random.js';
import { solveLinearSvcDualGram } from './linear-svc.js';

/** Outcome of one solve: pivoting iterations, and whether the coordinate-descent fallback ran. */
export interface ExactSolveInfo {
  iterations: number;
  fallback: boolean;
}

/** Cholesky factor (lower, in place, row-major m x m). Returns false when not positive definite. */
function choleskyInPlace(A: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    const oj = j * m;
    let d = A[oj + j]!;
    for (let k = 0; k < j; k++) d -= A[oj + k]! * A[oj + k]!;
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    A[oj + j] = d;
    for (let i = j + 1; i < m; i++) {
      const oi = i * m;
      let s = A[oi + j]!;
      for (let k = 0; k < j; k++) s -= A[oi + k]! * A[oj + k]!;
      A[oi + j] = s / d;
    }
  }
  return true;
}

/** Solve L L' x = b in place (L from choleskyInPlace). */
function choleskySolve(L: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const oi = i * m;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[oi + k]! * b[k]!;
    b[i] = s / L[oi + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * b[k]!;
    b[i] = s / L[i * m + i]!;
  }
}

/**
 * The Cholesky factor of M_FF for a free set F that changes a few indices at a time: an index is
 * appended as a new last row (O(m^2)), and removed by a rank-one update of the rows after it
 * (O(m^2)), so a pivoting step that moves k indices costs k m^2 instead of m^3 / 3. Rows are
 * stored with stride n (the factor never outgrows n x n).
 */
class FreeSetFactor {
  /** Free indices in factor order. */
  readonly order: Int32Array;
  /** Factor position of each index, -1 when bound. */
  readonly pos: Int32Array;
  m = 0;
  private readonly L: Float64Array;
  private readonly x: Float64Array;
  private readonly z: Float64Array;

  constructor(
    private readonly M: Float64Array,
    private readonly n: number,
  ) {
    this.L = new Float64Array(n * n);
    this.order = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.x = new Float64Array(n);
    this.z = new Float64Array(n);
  }

  clear(): void {
    for (let a = 0; a < this.m; a++) this.pos[this.order[a]!] = -1;
    this.m = 0;
  }

  /** Add index i as the last row; false when M_FF would not be numerically positive definite. */
  append(i: number): boolean {
    const { M, n, L, order, m } = this;
    const row = m * n;
    const mi = i * n;
    let d = M[mi + i]!;
    for (let k = 0; k < m; k++) {
      const rk = k * n;
      let s = M[mi + order[k]!]!;
      for (let t = 0; t < k; t++) s -= L[row + t]! * L[rk + t]!;
      s /= L[rk + k]!;
      L[row + k] = s;
      d -= s * s;
    }
    if (!(d > 1e-14 * M[mi + i]!)) return false;
    L[row + m] = Math.sqrt(d);
    order[m] = i;
    this.pos[i] = m;
    this.m = m + 1;
    return true;
  }

  /** Remove index i: the rows after it absorb its column by a rank-one update, then move up. */
  remove(i: number): void {
    const { n, L, order, pos, x: cs, z: sn } = this;
    const q = pos[i]!;
    const m = this.m;
    // L22 L22' + x x' = L22' L22'' with x = L[q+1.., q]: the rank-one update, row by row (each
    // row meets the rotations of the rows above it), so memory is read along rows.
    for (let j = q + 1; j < m; j++) {
      const rj = j * n;
      let xj = L[rj + q]!;
      for (let k = q + 1; k < j; k++) {
        const v = (L[rj + k]! + sn[k]! * xj) / cs[k]!;
        L[rj + k] = v;
        xj = cs[k]! * xj - sn[k]! * v;
      }
      const ljj = L[rj + j]!;
      const r = Math.hypot(ljj, xj);
      cs[j] = r / ljj;
      sn[j] = xj / ljj;
      L[rj + j] = r;
    }
    // Drop row q and column q.
    for (let r = q + 1; r < m; r++) {
      const src = r * n,
        dst = (r - 1) * n;
      for (let t = 0; t < q; t++) L[dst + t] = L[src + t]!;
      for (let t = q + 1; t <= r; t++) L[dst + t - 1] = L[src + t]!;
      order[r - 1] = order[r]!;
      pos[order[r - 1]!] = r - 1;
    }
    pos[i] = -1;
    this.m = m - 1;
  }

  /** b_F = M_FF^-1 y_F, written into out[a] for factor position a. */
  solve(signs: Int8Array, out: Float64Array): void {
    const { n, L, order, m, z } = this;
    for (let a = 0; a < m; a++) {
      const ra = a * n;
      let s = signs[order[a]!]!;
      for (let t = 0; t < a; t++) s -= L[ra + t]! * z[t]!;
      z[a] = s / L[ra + a]!;
    }
    // L' out = z, row-oriented: each solved entry is taken out of the ones above it.
    for (let a = m - 1; a >= 0; a--) {
      const ra = a * n;
      const v = z[a]! / L[ra + a]!;
      out[a] = v;
      for (let t = 0; t < a; t++) z[t] = z[t]! - L[ra + t]! * v;
    }
  }
}

/**
 * One design matrix (through its Gram K = X X'), many label vectors. `prepareInverse()` pays
 * O(n^3) once so that every later solve costs O(n^2) plus systems the size of the smaller of the
 * free and bound sets; without it each pivoting step factors the free block.
 */
export class SquaredHingeDual {
  readonly n: number;
  /** M = K + B^2 + diag(1 / (2 C_i)). */
  private readonly M: Float64Array;
  private readonly K: Float64Array;
  private readonly bias: number;
  private readonly C: number;
  private readonly sampleWeight?: Float64Array;
  /** M^-1, once prepareInverse() ran. */
  private P?: Float64Array;
  // Work arrays reused across solves (a solver serves one thread).
  private readonly free: Uint8Array;
  private readonly u: Float64Array;
  private readonly gradient: Float64Array;
  private readonly index: Int32Array;
  private readonly rhs: Float64Array;
  private block: Float64Array;
  /** Incrementally updated factor of the free block (solves without M^-1), made on first use. */
  private factor?: FreeSetFactor;
  /** Infinity norm of M, computed on first use. */
  private normM = -1;

  constructor(K: Float64Array, n: number, opts: { C: number; bias: number; sampleWeight?: Float64Array }) {
    if (K.length !== n * n) throw new RangeError(`gram: length ${K.length} does not match ${n}x${n}`);
    this.n = n;
    this.K = K;
    this.C = opts.C;
    this.bias = opts.bias;
    this.sampleWeight = opts.sampleWeight;
    const biasSq = opts.bias * opts.bias;
    const M = new Float64Array(n * n);
    for (let t = 0; t < n * n; t++) M[t] = K[t]! + biasSq;
    for (let i = 0; i < n; i++) {
      const Ci = opts.sampleWeight ? opts.C * opts.sampleWeight[i]! : opts.C;
      if (!(Ci > 0)) throw new RangeError(`sampleWeight: entry ${i} is ${opts.sampleWeight?.[i]}; the exact solver needs positive weights`);
      M[i * n + i]! += 0.5 / Ci;
    }
    this.M = M;
    this.free = new Uint8Array(n);
    this.u = new Float64Array(n);
    this.gradient = new Float64Array(n);
    this.index = new Int32Array(n);
    this.rhs = new Float64Array(n);
    this.block = new Float64Array(0);
  }

  /** Compute M^-1 once; worth it when several label vectors are solved on this design. */
  prepareInverse(): void {
    if (this.P) return;
    const n = this.n;
    const L = Float64Array.from(this.M);
    if (!choleskyInPlace(L, n)) return; // numerically indefinite: solves fall back per iteration
    const P = new Float64Array(n * n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      col.fill(0);
      col[j] = 1;
      choleskySolve(L, n, col);
      for (let i = 0; i < n; i++) P[i * n + j] = col[i]!;
    }
    this.P = P;
  }

  private workBlock(m: number): Float64Array {
    if (this.block.length < m * m) this.block = new Float64Array(Math.max(m * m, this.block.length * 2));
    return this.block;
  }

  /**
   * Free set F given (bound set at zero): b_F = M_FF^-1 y_F, gradient on the bound set. Returns
   * false when the block could not be factored.
   */
  private solveFreeBlock(signs: Int8Array, beta: Float64Array): boolean {
    const { n, M, free, index, rhs, gradient } = this;
    let m = 0;
    for (let i = 0; i < n; i++) if (free[i]) index[m++] = i;
    const A = this.workBlock(m);
    for (let a = 0; a < m; a++) {
      const row = index[a]! * n;
      for (let b = 0; b <= a; b++) A[a * m + b] = M[row + index[b]!]!;
      rhs[a] = signs[index[a]!]!;
    }
    if (m > 0 && !choleskyInPlace(A, m)) return false;
    choleskySolve(A, m, rhs);
    beta.fill(0);
    for (let a = 0; a < m; a++) beta[index[a]!] = rhs[a]!;
    for (let i = 0; i < n; i++) {
      if (free[i]) {
        gradient[i] = 0;
        continue;
      }
      const row = i * n;
      let s = -signs[i]!;
      for (let a = 0; a < m; a++) s += M[row + index[a]!]! * rhs[a]!;
      gradient[i] = s;
    }
    return true;
  }

  /**
   * The same with the factor of the free block kept from the previous pivoting step: indices
   * that left F are removed and new ones appended (k m^2 for k moves), or the factor is rebuilt
   * when that is cheaper (m^3 / 6).
   */
  private solveWithFactor(factor: FreeSetFactor, signs: Int8Array, beta: Float64Array): boolean {
    const { n, M, free, rhs, gradient } = this;
    let removals = 0,
      additions = 0;
    for (let i = 0; i < n; i++) {
      const inFactor = factor.pos[i]! >= 0;
      if (inFactor && !free[i]) removals++;
      else if (!inFactor && free[i]) additions++;
    }
    const m = factor.m;
    const target = m - removals + additions;
    let rebuild = removals * m * m + additions * 0.5 * target * target > (target * target * target) / 6;
    if (!rebuild) {
      for (let a = m - 1; a >= 0; a--) {
        const i = factor.order[a]!;
        if (!free[i]) factor.remove(i);
      }
      for (let i = 0; i < n && !rebuild; i++) if (free[i] && factor.pos[i]! < 0 && !factor.append(i)) rebuild = true;
    }
    if (rebuild) {
      factor.clear();
      for (let i = 0; i < n; i++) if (free[i] && !factor.append(i)) return false;
    }
    factor.solve(signs, rhs);
    const { order } = factor;
    const mf = factor.m;
    beta.fill(0);
    for (let a = 0; a < mf; a++) beta[order[a]!] = rhs[a]!;
    for (let i = 0; i < n; i++) {
      if (free[i]) {
        gradient[i] = 0;
        continue;
      }
      const row = i * n;
      let g = -signs[i]!;
      for (let a = 0; a < mf; a++) g += M[row + order[a]!]! * rhs[a]!;
      gradient[i] = g;
    }
    return true;
  }

  /**
   * The same through M^-1: with u = M^-1 y, the bound set's multipliers are r = -P_BB^-1 u_B and
   * b = u + P_:B r, so only a |B| x |B| system is factored.
   */
  private solveBoundBlock(beta: Float64Array): boolean {
    const { n, free, index, rhs, gradient, u } = this;
    const P = this.P!;
    let m = 0;
    for (let i = 0; i < n; i++) if (!free[i]) index[m++] = i;
    const A = this.workBlock(m);
    for (let a = 0; a < m; a++) {
      const row = index[a]! * n;
      for (let b = 0; b <= a; b++) A[a * m + b] = P[row + index[b]!]!;
      rhs[a] = -u[index[a]!]!;
    }
    if (m > 0 && !choleskyInPlace(A, m)) return false;
    choleskySolve(A, m, rhs);
    gradient.fill(0);
    for (let a = 0; a < m; a++) gradient[index[a]!] = rhs[a]!;
    for (let i = 0; i < n; i++) {
      if (!free[i]) {
        beta[i] = 0;
        continue;
      }
      const row = i * n;
      let s = u[i]!;
      for (let a = 0; a < m; a++) s += P[row + index[a]!]! * rhs[a]!;
      beta[i] = s;
    }
    return true;
  }

  /**
   * Solve for labels `signs` (+1 / -1); `beta` receives b = y * alpha. Falls back to dual
   * coordinate descent on the Gram matrix (tight tolerance) if pivoting does not settle or the
   * final optimality check fails. `guess` (a b for these labels, e.g. where a related fit ended)
   * chooses the support set pivoting starts from; it changes how many solves are needed, not
   * the answer.
   */
  solve(signs: Int8Array, beta: Float64Array, guess?: Float64Array): ExactSolveInfo {
    const { n, free, gradient } = this;
    if (this.P) {
      const P = this.P;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) s += P[row + j]! * signs[j]!;
        this.u[i] = s;
      }
    }
    // Start with every sample a support vector: with many features (n < p) that is usually the
    // answer, found by one solve.
    // From a guess, its support vectors (samples it never saw, at 0, start bound): pivoting
    // from a related fit's end point takes a few solves of the support-set size.
    if (guess) for (let i = 0; i < n; i++) free[i] = signs[i]! * guess[i]! > 0 ? 1 : 0;
    else free.fill(1);
    const factor = this.P ? undefined : (this.factor ??= new FreeSetFactor(this.M, n));
    factor?.clear();
    let bestInfeasible = n + 1;
    let chances = 3;
    const maxIterations = 10 * n + 20;
    let iterations = 0;
    let ok = false;
    while (iterations < maxIterations) {
      iterations++;
      let nFree = 0;
      for (let i = 0; i < n; i++) nFree += free[i]!;
      const solved = factor
        ? this.solveWithFactor(factor, signs, beta)
        : n - nFree < nFree
          ? this.solveBoundBlock(beta)
          : this.solveFreeBlock(signs, beta);
      if (!solved) break;
      // Infeasible: free samples whose alpha came out negative, bound ones with a descent direction.
      // Rounding-level violations (degenerate samples with alpha = 0 and zero gradient) are not
      // worth a pivot; they would only make the exchange cycle.
      let scale = 1;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(beta[i]!));
      const alphaSlack = -1e-12 * scale;
      const isBad = (i: number): boolean => (free[i] ? signs[i]! * beta[i]! < alphaSlack : signs[i]! * gradient[i]! < -1e-12);
      let infeasible = 0;
      let last = -1;
      for (let i = 0; i < n; i++)
        if (isBad(i)) {
          infeasible++;
          last = i;
        }
      if (infeasible === 0) {
        ok = true;
        break;
      }
      if (infeasible < bestInfeasible || chances > 0) {
        if (infeasible < bestInfeasible) {
          bestInfeasible = infeasible;
          chances = 3;
        } else chances--;
        for (let i = 0; i < n; i++) if (isBad(i)) free[i] = free[i] ? 0 : 1;
      } else {
        // Murty's single exchange (largest infeasible index) cannot cycle on an SPD matrix.
        free[last] = free[last] ? 0 : 1;
      }
    }
    if (ok) for (let i = 0; i < n; i++) if (signs[i]! * beta[i]! < 0) beta[i] = 0;
    if (ok && this.satisfiesKkt(signs, beta)) return { iterations, fallback: false };
    this.coordinateDescent(signs, beta);
    return { iterations, fallback: true };
  }

  /** Optimality of b: zero gradient where alpha > 0, non-negative alpha-gradient where alpha = 0. */
  satisfiesKkt(signs: Int8Array, beta: Float64Array, tol = 1e-7): boolean {
    const { n, M } = this;
    // A backward-stable solve leaves a residual near eps * |M| * |b|: allow that much on top.
    if (this.normM < 0) {
      let normM = 0;
      for (let i = 0; i < n; i++) {
        let rowSum = 0;
        for (let j = 0; j < n; j++) rowSum += Math.abs(M[i * n + j]!);
        normM = Math.max(normM, rowSum);
      }
      this.normM = normM;
    }
    let normBeta = 0;
    for (let i = 0; i < n; i++) normBeta = Math.max(normBeta, Math.abs(beta[i]!));
    tol += 1e-11 * this.normM * normBeta;
    for (let i = 0; i < n; i++) {
      const alpha = signs[i]! * beta[i]!;
      if (alpha < 0) return false;
      const row = i * n;
      let g = -signs[i]!;
      for (let j = 0; j < n; j++) g += M[row + j]! * beta[j]!;
      const alphaGradient = signs[i]! * g;
      if (alpha > 0 ? Math.abs(alphaGradient) > tol : alphaGradient < -tol) return false;
    }
    return true;
  }

  /**
   * A rough b by a few epochs of dual coordinate descent on the Gram matrix: a cheap starting
   * point for solve() when no related fit is at hand (pivoting from "all free" needs ~10 solves
   * of shrinking n-sized blocks when n approaches p).
   */
  roughGuess(signs: Int8Array, guess: Float64Array, epochs = 10): void {
    const n = this.n;
    const alpha = new Float64Array(n);
    solveLinearSvcDualGram(
      this.K,
      n,
      signs,
      {
        C: this.C,
        loss: 'squared_hinge',
        bias: this.bias,
        tol: 1e-3,
        maxIter: epochs,
        shrinking: true,
        random: seededRandom(0),
        sampleWeight: this.sampleWeight,
      },
      alpha,
      new Int32Array(n),
    );
    for (let i = 0; i < n; i++) guess[i] = alpha[i]! * signs[i]!;
  }

  private coordinateDescent(signs: Int8Array, beta: Float64Array): void {
    const n = this.n;
    const alpha = new Float64Array(n);
    solveLinearSvcDualGram(
      this.K,
      n,
      signs,
      {
        C: this.C,
        loss: 'squared_hinge',
        bias: this.bias,
        tol: 1e-10,
        maxIter: 100000,
        shrinking: true,
        random: seededRandom(0),
        sampleWeight: this.sampleWeight,
      },
      alpha,
      new Int32Array(n),
    );
    for (let i = 0; i < n; i++) beta[i] = alpha[i]! * signs[i]!;
  }
}

/** w = X' b (p entries) for row-major X (n x p); returns sum(b) for the intercept. */
export function weightsFromDual(X: Float64Array, n: number, p: number, beta: Float64Array, w: Float64Array): number {
  w.fill(0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const b = beta[i]!;
    if (b === 0) continue;
    sum += b;
    const off = i * p;
    for (let j = 0; j < p; j++) w[j]! += b * X[off + j]!;
  }
  return sum;
}
