// The few dense linear-algebra kernels the closed-form models need, on raw typed arrays.
import { tiledRowGram } from './gram-kernel.js';

/**
 * sum_k a[ia + k] * b[ib + k] for k < len, in four partial sums so the loop runs at the
 * multiplier's throughput rather than its latency (the solvers' innermost loop).
 */
export function dotRange(a: Float64Array, ia: number, b: Float64Array, ib: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ia + k]! * b[ib + k]!;
    s1 += a[ia + k + 1]! * b[ib + k + 1]!;
    s2 += a[ia + k + 2]! * b[ib + k + 2]!;
    s3 += a[ia + k + 3]! * b[ib + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ia + k]! * b[ib + k]!;
  return s0 + s1 + (s2 + s3);
}

/** Column means of an n x p row-major matrix. */
export function columnMeans(data: Float64Array, n: number, p: number): Float64Array {
  const means = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let j = 0; j < p; j++) means[j]! += data[off + j]!;
  }
  for (let j = 0; j < p; j++) means[j]! /= n;
  return means;
}

/** X X^T (n x n) of an n x p row-major matrix (the tiled kernel, so every Gram block matches bit for bit). */
export function rowGram(data: Float64Array, n: number, p: number): Float64Array {
  return tiledRowGram(data, n, p);
}

/** X^T X (p x p) of an n x p row-major matrix. */
export function columnGram(data: Float64Array, n: number, p: number): Float64Array {
  const G = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let a = 0; a < p; a++) {
      const va = data[off + a]!;
      if (va === 0) continue;
      const ga = a * p;
      for (let b = a; b < p; b++) G[ga + b]! += va * data[off + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) G[b * p + a] = G[a * p + b]!;
  return G;
}

/**
 * Solve A Z = B in place for symmetric positive definite A (m x m) and B (m x k, row-major):
 * A is overwritten by its Cholesky factor, B by the solution. Throws if A is not positive definite.
 */
export function choleskySolveInPlace(A: Float64Array, m: number, B: Float64Array, k: number, what: string): void {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j]!;
    for (let l = 0; l < j; l++) d -= A[j * m + l]! * A[j * m + l]!;
    if (!(d > 0)) throw new RangeError(`${what}: the system is singular (not positive definite); increase the regularisation`);
    const djj = Math.sqrt(d);
    A[j * m + j] = djj;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j]!;
      for (let l = 0; l < j; l++) s -= A[i * m + l]! * A[j * m + l]!;
      A[i * m + j] = s / djj;
    }
  }
  for (let c = 0; c < k; c++) {
    // Forward substitution L z = b, then back substitution L^T x = z.
    for (let i = 0; i < m; i++) {
      let s = B[i * k + c]!;
      for (let l = 0; l < i; l++) s -= A[i * m + l]! * B[l * k + c]!;
      B[i * k + c] = s / A[i * m + i]!;
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = B[i * k + c]!;
      for (let l = i + 1; l < m; l++) s -= A[l * m + i]! * B[l * k + c]!;
      B[i * k + c] = s / A[i * m + i]!;
    }
  }
}

/** The Gram matrix of a subset of rows, taken from the full one (K: n x n). */
export function selectGram(K: Float64Array, n: number, rows: ArrayLike<number>): Float64Array {
  const m = rows.length;
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const ra = rows[a]!;
    if (!(ra >= 0 && ra < n)) throw new RangeError(`rows: index ${ra} out of range [0, ${n})`);
    const src = ra * n;
    for (let b = 0; b < m; b++) out[a * m + b] = K[src + rows[b]!]!;
  }
  return out;
}
