// Exact solver for LinearSVC's default problem (L2 penalty, squared hinge, liblinear's penalised
// bias feature of value B) when samples are few: the dual in signed form b_i = y_i alpha_i is
//   minimise 1/2 b'Mb - y'b  subject to  y_i b_i >= 0,   M = X X' + B^2 + diag(1 / (2 C_i)),
// a strictly convex quadratic programme with sign constraints only (an LCP with an SPD matrix).
// Block principal pivoting (Judice & Pires; Kim & Park's safeguard) finds its exact solution in a
// handful of linear solves, where coordinate descent needs hundreds of passes on permuted labels.
// The weights follow as w = X' b and intercept = B^2 * sum(b).
import { seededRandom } from './random.js';
import { dotRange } from './linalg.js';
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
 * syncTo's price of rotating one entry in a removal, in multiply-adds of a blocked append: the
 * rotation has three dependent operations, but four rows run side by side.
 */
const REMOVAL_WEIGHT = 0.5;

/** Sort list[0..count) by decreasing priority (ties by index), in place. */
function sortByPriority(list: Int32Array, count: number, priority: Float64Array): void {
  list.subarray(0, count).sort((a, b) => priority[b]! - priority[a]! || a - b);
}

/**
 * The Cholesky factor of M_FF for a free set F that changes a few indices at a time: an index is
 * appended as a new last row (O(m^2)), and removed by a rank-one update of the rows after it
 * (O(m^2)), so a pivoting step that moves k indices costs k m^2 instead of m^3 / 3. M is n x n
 * (indices are its rows); the factor's rows have stride `capacity`, grown when the free set
 * outgrows it, so a factor over a few hundred support vectors of a large M stays small to copy.
 */
export class FreeSetFactor {
  /** Free indices in factor order. */
  order: Int32Array;
  /** Factor position of each index, -1 when bound. */
  readonly pos: Int32Array;
  m = 0;
  private L: Float64Array;
  private x: Float64Array;
  private z: Float64Array;
  private w: Float64Array;
  /** Marks of factor positions being removed (removeWhere). */
  private dead?: Uint8Array;
  private stride: number;

  constructor(
    private readonly M: Float64Array,
    private readonly n: number,
    capacity = n,
  ) {
    this.stride = Math.max(1, Math.min(n, capacity));
    this.L = new Float64Array(this.stride * this.stride);
    this.order = new Int32Array(this.stride);
    this.pos = new Int32Array(n).fill(-1);
    this.x = new Float64Array(this.stride);
    this.z = new Float64Array(this.stride);
    this.w = new Float64Array(this.stride);
  }

  /** An independent copy (same M), with room for `extra` more rows before it grows. */
  clone(extra = 0): FreeSetFactor {
    const copy = new FreeSetFactor(this.M, this.n, Math.min(this.n, this.m + extra));
    copy.copyFrom(this);
    return copy;
  }

  private copyFrom(src: FreeSetFactor): void {
    if (this.stride < src.m) this.grow(src.m);
    const { stride } = this;
    for (let r = 0; r < src.m; r++) this.L.set(src.L.subarray(r * src.stride, r * src.stride + r + 1), r * stride);
    this.order.set(src.order.subarray(0, src.m));
    for (let a = 0; a < src.m; a++) this.pos[src.order[a]!] = a;
    this.m = src.m;
  }

  private grow(rows: number): void {
    const stride = Math.min(this.n, Math.max(rows, 2 * this.stride));
    const L = new Float64Array(stride * stride);
    for (let r = 0; r < this.m; r++) L.set(this.L.subarray(r * this.stride, r * this.stride + r + 1), r * stride);
    const order = new Int32Array(stride);
    order.set(this.order.subarray(0, this.m));
    this.L = L;
    this.order = order;
    this.x = new Float64Array(stride);
    this.z = new Float64Array(stride);
    this.w = new Float64Array(stride);
    this.stride = stride;
  }

  clear(): void {
    for (let a = 0; a < this.m; a++) this.pos[this.order[a]!] = -1;
    this.m = 0;
  }

  /** Add index i as the last row; false when M_FF would not be numerically positive definite. */
  append(i: number): boolean {
    if (this.m === this.stride) this.grow(this.m + 1);
    const { M, n, L, order, m, stride } = this;
    const row = m * stride;
    const mi = i * n;
    let d = M[mi + i]!;
    for (let k = 0; k < m; k++) {
      const rk = k * stride;
      const s = (M[mi + order[k]!]! - dotRange(L, row, L, rk, k)) / L[rk + k]!;
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

  /**
   * Append several indices (a rebuild of the factor): four new rows at a time, two columns at a
   * time, so each loaded entry serves four or eight sums (about twice as fast as appending rows
   * one by one; the last up to three rows are). False when M_FF would not be numerically
   * positive definite.
   */
  appendAll(indices: ArrayLike<number>, count = indices.length): boolean {
    let g = 0;
    if (this.m + count > this.stride) this.grow(this.m + count);
    for (; g + 3 < count; g += 4) {
      const { M, n, L, order, stride } = this;
      const m = this.m;
      const m0 = indices[g]! * n,
        m1 = indices[g + 1]! * n,
        m2 = indices[g + 2]! * n,
        m3 = indices[g + 3]! * n;
      const r0 = m * stride,
        r1 = r0 + stride,
        r2 = r1 + stride,
        r3 = r2 + stride;
      let k = 0;
      for (; k + 1 < m; k += 2) {
        // Columns k and k + 1: their sums over t < k together, then column k's entries finish
        // column k + 1's sums (the same terms in the same order as one column at a time).
        const ra = k * stride,
          rb = ra + stride;
        let a0 = 0,
          a1 = 0,
          a2 = 0,
          a3 = 0,
          b0 = 0,
          b1 = 0,
          b2 = 0,
          b3 = 0;
        for (let t = 0; t < k; t++) {
          const la = L[ra + t]!,
            lb = L[rb + t]!;
          const x0 = L[r0 + t]!,
            x1 = L[r1 + t]!,
            x2 = L[r2 + t]!,
            x3 = L[r3 + t]!;
          a0 += x0 * la;
          a1 += x1 * la;
          a2 += x2 * la;
          a3 += x3 * la;
          b0 += x0 * lb;
          b1 += x1 * lb;
          b2 += x2 * lb;
          b3 += x3 * lb;
        }
        const oa = order[k]!,
          ob = order[k + 1]!;
        const da = L[ra + k]!,
          db = L[rb + k + 1]!,
          lbk = L[rb + k]!;
        const e0 = (M[m0 + oa]! - a0) / da,
          e1 = (M[m1 + oa]! - a1) / da,
          e2 = (M[m2 + oa]! - a2) / da,
          e3 = (M[m3 + oa]! - a3) / da;
        L[r0 + k] = e0;
        L[r1 + k] = e1;
        L[r2 + k] = e2;
        L[r3 + k] = e3;
        L[r0 + k + 1] = (M[m0 + ob]! - (b0 + e0 * lbk)) / db;
        L[r1 + k + 1] = (M[m1 + ob]! - (b1 + e1 * lbk)) / db;
        L[r2 + k + 1] = (M[m2 + ob]! - (b2 + e2 * lbk)) / db;
        L[r3 + k + 1] = (M[m3 + ob]! - (b3 + e3 * lbk)) / db;
      }
      if (k < m) {
        const rk = k * stride;
        const ok = order[k]!;
        const dk = L[rk + k]!;
        L[r0 + k] = (M[m0 + ok]! - dotRange(L, r0, L, rk, k)) / dk;
        L[r1 + k] = (M[m1 + ok]! - dotRange(L, r1, L, rk, k)) / dk;
        L[r2 + k] = (M[m2 + ok]! - dotRange(L, r2, L, rk, k)) / dk;
        L[r3 + k] = (M[m3 + ok]! - dotRange(L, r3, L, rk, k)) / dk;
      }
      if (!this.finishBlock(indices, g, 4)) return false;
    }
    for (; g < count; g++) if (!this.append(indices[g]!)) return false;
    return true;
  }

  /**
   * The end of a block of `size` new rows (indices[g..g+size)) whose columns over the factor's
   * current rows are in place: the block's rows among themselves, then their diagonals.
   */
  private finishBlock(indices: ArrayLike<number>, g: number, size: number): boolean {
    const { M, n, L, order, stride } = this;
    const m = this.m;
    const r0 = m * stride;
    for (let j = 0; j < size; j++) {
      const rj = r0 + j * stride;
      const i = indices[g + j]!;
      const mi = i * n;
      for (let kk = 0; kk < j; kk++) {
        const k = m + kk;
        const rk = k * stride;
        L[rj + k] = (M[mi + order[k]!]! - dotRange(L, rj, L, rk, k)) / L[rk + k]!;
      }
      const d = M[mi + i]! - dotRange(L, rj, L, rj, m + j);
      if (!(d > 1e-14 * M[mi + i]!)) return false;
      L[rj + m + j] = Math.sqrt(d);
      order[m + j] = i;
      this.pos[i] = m + j;
      this.m = m + j + 1;
    }
    return true;
  }

  /**
   * Make the factor cover exactly the free indices among ids[0..n) (or 0..n), by the cheaper of
   * two ways: remove the rows that left one by one (a rank-one update of the rows after each)
   * and append the new ones; or cut the factor before the first row that left (the rows above
   * it are untouched) and append everything after it again. Rows appended together go in
   * decreasing `priority` (e.g. alpha, so the samples least likely to leave the free set come
   * first and later cuts fall near the end). `scratch` holds n indices. False
   * when the free block is not numerically positive definite.
   */
  syncTo(free: Uint8Array, ids: ArrayLike<number> | undefined, n: number, scratch: Int32Array, priority?: Float64Array): boolean {
    const m = this.m;
    const { order, pos } = this;
    let removals = 0;
    let first = m;
    let removeWork = 0;
    for (let a = 0; a < m; a++) {
      if (free[order[a]!]) continue;
      removals++;
      if (first === m) first = a;
      removeWork += (m - a) * (m - a);
    }
    let additions = 0;
    for (let r = 0; r < n; r++) {
      const i = ids ? ids[r]! : r;
      if (free[i] && pos[i]! < 0) additions++;
    }
    if (removals === 0 && additions === 0) return true;
    const target = m - removals + additions;
    // Multiply-adds: a removal rotates the (m - a)^2 / 2 entries after row a (three operations
    // each, four rows at a time); appending rows from size s to t costs (t^3 - s^3) / 6 in blocks.
    const appendWork = (from: number, to: number) => (to * to * to - from * from * from) / 6;
    const cut = appendWork(first, target) < REMOVAL_WEIGHT * removeWork + appendWork(m - removals, target);
    let count = 0;
    if (cut) {
      // Rows after the cut that stay free are appended again, with the new ones.
      for (let a = first; a < m; a++) if (free[order[a]!]) scratch[count++] = order[a]!;
    } else {
      this.removeWhere((i) => !free[i], first);
    }
    for (let r = 0; r < n; r++) {
      const i = ids ? ids[r]! : r;
      if (free[i] && pos[i]! < 0) scratch[count++] = i;
    }
    if (cut) {
      for (let a = first; a < m; a++) pos[order[a]!] = -1;
      this.m = first;
    }
    if (priority) sortByPriority(scratch, count, priority);
    if (this.appendAll(scratch, count)) return true;
    // Not numerically positive definite as ordered: one more try from scratch, then give up.
    this.clear();
    count = 0;
    for (let r = 0; r < n; r++) {
      const i = ids ? ids[r]! : r;
      if (free[i]) scratch[count++] = i;
    }
    return this.appendAll(scratch, count);
  }

  /**
   * Remove every index for which `drop` is true (looking from factor position `from` on). Each
   * removal is a rank-one update of the rows after it; taken in increasing position, no update
   * meets a row or column already removed, so the factor is compacted once at the end.
   */
  removeWhere(drop: (i: number) => boolean, from = 0): void {
    const { stride: n, L, order, pos, x: cs, z: sn, w: inv } = this;
    const m = this.m;
    if (!this.dead || this.dead.length < m) this.dead = new Uint8Array(n);
    const dead = this.dead;
    let first = -1;
    for (let q = from; q < m; q++) {
      if (!drop(order[q]!)) continue;
      if (first < 0) first = q;
      dead[q] = 1;
      // L22 L22' + x x' = L22' L22'' with x = L[q+1.., q]: the rank-one update, row by row (each
      // row meets the rotations of the rows above it), so memory is read along rows. Four rows
      // go through the rotations they share together (four independent chains), then each
      // finishes in turn; every row sees the same operations in the same order as alone.
      let j = q + 1;
      for (; j + 3 < m; j += 4) {
        const r0 = j * n,
          r1 = r0 + n,
          r2 = r1 + n,
          r3 = r2 + n;
        let x0 = L[r0 + q]!,
          x1 = L[r1 + q]!,
          x2 = L[r2 + q]!,
          x3 = L[r3 + q]!;
        for (let k = q + 1; k < j; k++) {
          const c = cs[k]!,
            s = sn[k]!,
            iv = inv[k]!;
          const v0 = (L[r0 + k]! + s * x0) * iv;
          const v1 = (L[r1 + k]! + s * x1) * iv;
          const v2 = (L[r2 + k]! + s * x2) * iv;
          const v3 = (L[r3 + k]! + s * x3) * iv;
          L[r0 + k] = v0;
          L[r1 + k] = v1;
          L[r2 + k] = v2;
          L[r3 + k] = v3;
          x0 = c * x0 - s * v0;
          x1 = c * x1 - s * v1;
          x2 = c * x2 - s * v2;
          x3 = c * x3 - s * v3;
        }
        this.closeRow(r0, j, x0);
        this.closeRow(r1, j + 1, this.rotateRow(r1, x1, j, j + 1));
        this.closeRow(r2, j + 2, this.rotateRow(r2, x2, j, j + 2));
        this.closeRow(r3, j + 3, this.rotateRow(r3, x3, j, j + 3));
      }
      for (; j < m; j++) {
        const rj = j * n;
        this.closeRow(rj, j, this.rotateRow(rj, L[rj + q]!, q + 1, j));
      }
    }
    if (first < 0) return;
    // Drop the removed rows and columns in one pass.
    let to = first;
    for (let r = first; r < m; r++) {
      const i = order[r]!;
      if (dead[r]) {
        pos[i] = -1;
        continue;
      }
      const src = r * n,
        dst = to * n;
      for (let t = 0; t < first; t++) L[dst + t] = L[src + t]!;
      let tt = first;
      for (let t = first; t <= r; t++) if (!dead[t]) L[dst + tt++] = L[src + t]!;
      order[to] = i;
      pos[i] = to++;
    }
    dead.fill(0, first, m);
    this.m = to;
  }

  /** A removal's rotations k0 <= k < k1 applied to the factor row at rj, carrying x; returns the new x. */
  private rotateRow(rj: number, x: number, k0: number, k1: number): number {
    const { L, x: cs, z: sn, w: inv } = this;
    for (let k = k0; k < k1; k++) {
      const v = (L[rj + k]! + sn[k]! * x) * inv[k]!;
      L[rj + k] = v;
      x = cs[k]! * x - sn[k]! * v;
    }
    return x;
  }

  /** A removal's new diagonal for row j (at rj) with the x it carried, and the rotation it makes for the rows below. */
  private closeRow(rj: number, j: number, x: number): void {
    const { L, x: cs, z: sn, w: inv } = this;
    const d = L[rj + j]!;
    const r = Math.sqrt(d * d + x * x);
    cs[j] = r / d;
    inv[j] = d / r;
    sn[j] = x / d;
    L[rj + j] = r;
  }

  /** b_F = M_FF^-1 y_F, written into out[a] for factor position a. */
  solve(signs: Int8Array, out: Float64Array): void {
    const { stride: n, L, order, m, z } = this;
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
 * Block principal pivoting's exchange rule (Kim & Park's safeguard): exchange every infeasible
 * index while that lowers their count, with three chances when it does not; then Murty's single
 * exchange of the last infeasible index, which cannot cycle on an SPD matrix.
 */
export class ExchangeRule {
  private best: number;
  private chances = 3;
  private readonly maxIterations: number;
  /** Pivoting steps started so far. */
  iterations = 0;

  constructor(n: number) {
    this.best = n + 1;
    this.maxIterations = 10 * n + 20;
  }

  /** Start another step, unless the step limit is reached. */
  next(): boolean {
    if (this.iterations >= this.maxIterations) return false;
    this.iterations++;
    return true;
  }

  /**
   * One pivoting step over indices ids[0..n) (or 0..n): true when none is infeasible (`isBad`);
   * otherwise flips `free` for the exchanged indices and returns false.
   */
  step(ids: ArrayLike<number> | undefined, n: number, free: Uint8Array, isBad: (i: number) => boolean): boolean {
    let infeasible = 0;
    let last = -1;
    for (let r = 0; r < n; r++) {
      const i = ids ? ids[r]! : r;
      if (isBad(i)) {
        infeasible++;
        last = i;
      }
    }
    if (infeasible === 0) return true;
    if (this.blockExchange(infeasible)) {
      for (let r = 0; r < n; r++) {
        const i = ids ? ids[r]! : r;
        if (isBad(i)) free[i] = free[i] ? 0 : 1;
      }
    } else free[last] = free[last] ? 0 : 1;
    return false;
  }

  /** True: exchange every infeasible index; false: only the last one. */
  private blockExchange(infeasible: number): boolean {
    if (infeasible < this.best) {
      this.best = infeasible;
      this.chances = 3;
      return true;
    }
    if (this.chances > 0) {
      this.chances--;
      return true;
    }
    return false;
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
    const { n, M, free, index, rhs } = this;
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
    this.scatterAndGradient(index, m, signs, beta);
    return true;
  }

  /**
   * Writes the free block's solution (rhs, for the free indices `order[0..m)`) into beta, zero
   * elsewhere, and the gradient M beta - y on the bound set (zero on the free set).
   */
  private scatterAndGradient(order: Int32Array, m: number, signs: Int8Array, beta: Float64Array): void {
    const { n, M, free, rhs, gradient } = this;
    beta.fill(0);
    for (let a = 0; a < m; a++) beta[order[a]!] = rhs[a]!;
    for (let i = 0; i < n; i++) {
      if (free[i]) {
        gradient[i] = 0;
        continue;
      }
      const row = i * n;
      let g = -signs[i]!;
      for (let a = 0; a < m; a++) g += M[row + order[a]!]! * rhs[a]!;
      gradient[i] = g;
    }
  }

  /**
   * The same with the factor of the free block kept from the previous pivoting step: indices
   * that left F are removed and new ones appended (k m^2 for k moves), or the factor is rebuilt
   * when that is cheaper (m^3 / 6).
   */
  private solveWithFactor(factor: FreeSetFactor, signs: Int8Array, beta: Float64Array): boolean {
    if (!factor.syncTo(this.free, undefined, this.n, this.index)) return false;
    factor.solve(signs, this.rhs);
    this.scatterAndGradient(factor.order, factor.m, signs, beta);
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
    const rule = new ExchangeRule(n);
    let ok = false;
    while (rule.next()) {
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
      if (rule.step(undefined, n, free, isBad)) {
        ok = true;
        break;
      }
    }
    if (ok) for (let i = 0; i < n; i++) if (signs[i]! * beta[i]! < 0) beta[i] = 0;
    if (ok && this.satisfiesKkt(signs, beta)) return { iterations: rule.iterations, fallback: false };
    this.coordinateDescent(signs, beta);
    return { iterations: rule.iterations, fallback: true };
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
