// The one matrix type every neurodecode package hands around: row-major Float64Array, one
// sample per row. Deliberately tiny; linear algebra lives where it is needed (ml-matrix or loops).

/**
 * Make `instanceof Class` (and `isBranded`) true for instances made by any copy of the package
 * that defines Class. A consumer's tree can hold two copies of a package (two versions, or a
 * bundled and an installed one); a plain prototype check would then silently fail. The brand is a
 * registry symbol (Symbol.for), which is the same in every copy and every realm. Subclasses keep
 * the ordinary prototype check.
 */
export function brandClass(cls: abstract new (...args: never[]) => unknown, key: string): void {
  const brand = Symbol.for(key);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, x: unknown): boolean {
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, x);
      return isBranded(x, key);
    },
  });
}

/** True when `x` was made by a class branded with `key` (by brandClass), in any package copy. */
export function isBranded(x: unknown, key: string): boolean {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[Symbol.for(key)] === true;
}

/** The row-major Float64 matrix handed between packages. */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(`Matrix: rows and cols must be non-negative integers, got ${rows}x${cols}`);
    }
    if (data && data.length !== rows * cols) {
      throw new RangeError(`Matrix: data has length ${data.length}, expected rows*cols = ${rows}*${cols} = ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** Build from nested arrays (rows of equal length). */
  static from(rows: ArrayLike<ArrayLike<number>>): Matrix {
    const r = rows.length;
    const c = r ? rows[0]!.length : 0;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      const row = rows[i]!;
      if (row.length !== c) throw new RangeError(`Matrix.from: row ${i} has ${row.length} values, expected ${c}`);
      for (let j = 0; j < c; j++) m.data[i * c + j] = row[j]!;
    }
    return m;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** A view (no copy) of row i. */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A copy of column j. */
  col(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j]!;
    return out;
  }

  /** A new matrix holding the given rows, in the given order. */
  selectRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r]!;
      if (i < 0 || i >= this.rows) throw new RangeError(`selectRows: row index ${i} out of range [0, ${this.rows})`);
      out.data.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), r * this.cols);
    }
    return out;
  }

  /** A new matrix holding the given columns, in the given order. */
  selectCols(indices: ArrayLike<number>): Matrix {
    const k = indices.length;
    const out = new Matrix(this.rows, k);
    for (let c = 0; c < k; c++) {
      const j = indices[c]!;
      if (j < 0 || j >= this.cols) throw new RangeError(`selectCols: column index ${j} out of range [0, ${this.cols})`);
    }
    for (let i = 0; i < this.rows; i++) {
      const src = i * this.cols;
      const dst = i * k;
      for (let c = 0; c < k; c++) out.data[dst + c] = this.data[src + indices[c]!]!;
    }
    return out;
  }

  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) out.data[j * this.rows + i] = this.data[i * this.cols + j]!;
    }
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** True when any entry is NaN or infinite. */
  hasNonFinite(): boolean {
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
    return false;
  }
}

/** Anything with the Matrix shape contract (lets plugins pass their own compatible objects). */
export interface MatrixLike {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

brandClass(Matrix, '@neurodecode/matrix.Matrix');

/** True for objects with numeric rows and cols and a Float64Array data. */
export function isMatrixLike(x: unknown): x is MatrixLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as MatrixLike).rows === 'number' &&
    typeof (x as MatrixLike).cols === 'number' &&
    (x as MatrixLike).data instanceof Float64Array
  );
}

/** Wrap a MatrixLike as a Matrix without copying. */
export function asMatrix(x: MatrixLike, argName = 'X'): Matrix {
  if (x instanceof Matrix) return x;
  if (!isMatrixLike(x)) throw new TypeError(`${argName}: expected a Matrix (rows, cols, Float64Array data)`);
  return new Matrix(x.rows, x.cols, x.data);
}
export { closestNames, suggestName, checkOptions, rejectPromise, describeValue, checkNumber, optionKeys } from './options.js';
export { logGamma, logBeta, regularizedIncompleteBeta } from './special.js';
