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
      if (free[i]) { gradient[i] = 0; continue; }
      const row = i * n;
      let s = -signs[i]!;
      for (let a = 0; a < m; a++) s += M[row + index[a]!]! * rhs[a]!;
      gradient[i] = s;
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
      if (!free[i]) { beta[i] = 0; continue; }
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
    let bestInfeasible = n + 1;
    let chances = 3;
    const maxIterations = 10 * n + 20;
    let iterations = 0;
    let ok = false;
    while (iterations < maxIterations) {
      iterations++;
      let nFree = 0;
      for (let i = 0; i < n; i++) nFree += free[i]!;
      const solved = this.P && n - nFree < nFree ? this.solveBoundBlock(beta) : this.solveFreeBlock(signs, beta);
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
      for (let i = 0; i < n; i++) if (isBad(i)) { infeasible++; last = i; }
      if (infeasible === 0) { ok = true; break; }
      if (infeasible < bestInfeasible || chances > 0) {
        if (infeasible < bestInfeasible) { bestInfeasible = infeasible; chances = 3; } else chances--;
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
    solveLinearSvcDualGram(this.K, n, signs, {
      C: this.C, loss: 'squared_hinge', bias: this.bias, tol: 1e-3, maxIter: epochs, shrinking: true,
      random: seededRandom(0), sampleWeight: this.sampleWeight,
    }, alpha, new Int32Array(n));
    for (let i = 0; i < n; i++) guess[i] = alpha[i]! * signs[i]!;
  }

  private coordinateDescent(signs: Int8Array, beta: Float64Array): void {
    const n = this.n;
    const alpha = new Float64Array(n);
    solveLinearSvcDualGram(this.K, n, signs, {
      C: this.C, loss: 'squared_hinge', bias: this.bias, tol: 1e-10, maxIter: 100000, shrinking: true,
      random: seededRandom(0), sampleWeight: this.sampleWeight,
    }, alpha, new Int32Array(n));
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
