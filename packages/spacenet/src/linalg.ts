// The design-matrix products the solvers spend their time in (X w and X^T r), on tfjs tensors.
// X and X^T are both uploaded once, and both products are computed as row vector times matrix
// (w^T X^T and r^T X) on wasm, where that layout measured 2-4x faster than matrix times column
// vector for 216 x 8,000; the cpu backend is faster with X w as matrix times column vector. A typed-array implementation with the same surface serves as
// a reference in tests and for profiling.
import * as tf from '@tensorflow/tfjs-core';

export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** out (rows) = X w */
  matvec(w: Float64Array, out: Float64Array): void;
  /** out (cols) = X^T r */
  rmatvec(r: Float64Array, out: Float64Array): void;
  dispose(): void;
}

/** Row-major float data (rows x cols) -> a tfjs-backed operator. */
export class TfjsOperator implements LinearOperator {
  readonly rows: number;
  readonly cols: number;
  private readonly x: tf.Tensor2D;
  private readonly xt: tf.Tensor2D;
  private readonly wBuf: Float32Array;
  private readonly rBuf: Float32Array;
  /** Row vector times matrix (wasm) or matrix times column vector (cpu, node). */
  private readonly rowLayout: boolean;

  constructor(data: ArrayLike<number>, rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.x = tf.tensor2d(f32, [rows, cols]);
    this.xt = tf.tidy(() => tf.transpose(this.x) as tf.Tensor2D);
    this.wBuf = new Float32Array(cols);
    this.rBuf = new Float32Array(rows);
    this.rowLayout = tf.getBackend() === 'wasm';
  }

  matvec(w: Float64Array, out: Float64Array): void {
    this.wBuf.set(w);
    const res = tf.tidy(() =>
      this.rowLayout
        ? tf.matMul(tf.tensor2d(this.wBuf, [1, this.cols]), this.xt)
        : tf.matMul(this.x, tf.tensor2d(this.wBuf, [this.cols, 1])),
    );
    out.set(res.dataSync());
    res.dispose();
  }

  rmatvec(r: Float64Array, out: Float64Array): void {
    this.rBuf.set(r);
    const res = tf.tidy(() => tf.matMul(tf.tensor2d(this.rBuf, [1, this.rows]), this.x));
    out.set(res.dataSync());
    res.dispose();
  }

  dispose(): void {
    this.x.dispose();
    this.xt.dispose();
  }
}

/** The same products with plain loops over a Float64Array (row-major). */
export class TypedOperator implements LinearOperator {
  constructor(
    readonly data: Float64Array,
    readonly rows: number,
    readonly cols: number,
  ) {}

  matvec(w: Float64Array, out: Float64Array): void {
    const { data, rows, cols } = this;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const o = i * cols;
      for (let j = 0; j < cols; j++) s += data[o + j]! * w[j]!;
      out[i] = s;
    }
  }

  rmatvec(r: Float64Array, out: Float64Array): void {
    const { data, rows, cols } = this;
    out.fill(0);
    for (let i = 0; i < rows; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j]! += data[o + j]! * ri;
    }
  }

  dispose(): void {}
}

/** Largest squared singular value of the operator, by power iteration on X^T X. */
export function spectralNormSquared(op: LinearOperator, iterations = 30, seed = 0): number {
  let v = new Float64Array(op.cols);
  let s = seed * 9301 + 49297;
  for (let j = 0; j < v.length; j++) {
    s = (s * 9301 + 49297) % 233280;
    v[j] = s / 233280 - 0.5;
  }
  const xv = new Float64Array(op.rows);
  const next = new Float64Array(op.cols);
  let norm = 0;
  let estimate = 0;
  for (let it = 0; it < iterations; it++) {
    norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let j = 0; j < v.length; j++) v[j]! /= norm;
    op.matvec(v, xv);
    op.rmatvec(xv, next);
    let nn = 0;
    for (const x of next) nn += x * x;
    const prevEstimate = estimate;
    estimate = Math.sqrt(nn);
    v = next.slice();
    if (it > 3 && Math.abs(estimate - prevEstimate) <= 1e-4 * estimate) break;
  }
  return estimate;
}
