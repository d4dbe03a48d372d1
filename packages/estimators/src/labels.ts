// Class labels and input validation shared by every built-in (and offered to plugin authors).
import { describeValue, rejectPromise } from '@neurodecode/matrix';
import { Matrix, isMatrixLike } from '@neurodecode/matrix';
import type { Label, Targets } from './types.js';

/** Compare two strings by Unicode code point, as numpy sorts unicode arrays. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, which must sort after the
    // BMP characters 0xE000-0xFFFF that UTF-16 order would put after them.
    const pa = a.codePointAt(i)!;
    const pb = b.codePointAt(i)!;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return a.length - b.length;
}

/** numpy's order: numbers numerically, strings by code point. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

function describe(label: Label): string {
  return typeof label === 'string' ? JSON.stringify(label) : String(label);
}

/** Targets as a plain array, checking the type of every entry. */
export function targetsToArray(y: Targets, argName = 'y'): Label[] {
  if (y === null || y === undefined || typeof (y as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${argName}: expected an array of labels, got ${y === null ? 'null' : typeof y}`);
  }
  const out = Array.from(y as ArrayLike<Label>);
  let sawNumber = false;
  let sawString = false;
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new RangeError(`${argName}: entry ${i} is ${v}; labels must be finite`);
      sawNumber = true;
    } else if (typeof v === 'string') {
      sawString = true;
    } else {
      throw new TypeError(`${argName}: entry ${i} is ${typeof v}; labels must be numbers or strings`);
    }
  }
  if (sawNumber && sawString) throw new TypeError(`${argName}: mixes numbers and strings; use one type for all labels`);
  return out;
}

/** Sorted distinct classes and each sample's index into them. */
export function encodeLabels(y: Targets, argName = 'y'): { classes: Label[]; codes: Int32Array } {
  const values = targetsToArray(y, argName);
  const distinct = [...new Set(values)].sort(compareLabels);
  const index = new Map<Label, number>();
  distinct.forEach((c, k) => index.set(c, k));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]!)!;
  return { classes: distinct, codes };
}

/**
 * Check that X is a finite, non-empty Matrix; `nFeatures` also checks the column count. With
 * `scanValues` false the O(n p) finiteness scan is left to the caller (see checkRowsFiniteByGram).
 */
export function checkMatrix(X: unknown, argName = 'X', nFeatures?: number, estimator?: string, scanValues = true): Matrix {
  if (!isMatrixLike(X)) {
    rejectPromise(X, argName);
    const hint = typeof X === 'string' ? '; mask the images into a Matrix first (e.g. NiftiMasker.fitTransform)' : '';
    throw new TypeError(`${argName}: expected a Matrix (rows, cols, Float64Array data), got ${describeValue(X)}${hint}`);
  }
  const m = X instanceof Matrix ? X : new Matrix(X.rows, X.cols, X.data);
  if (m.rows === 0) throw new RangeError(`${argName}: has no rows`);
  if (m.cols === 0) throw new RangeError(`${argName}: has no columns`);
  const d = m.data;
  for (let i = 0; scanValues && i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const r = Math.floor(i / m.cols);
      throw new RangeError(`${argName}: value ${d[i]} at row ${r}, column ${i - r * m.cols}; NaN and infinite values are not allowed`);
    }
  }
  if (nFeatures !== undefined && m.cols !== nFeatures) {
    throw new RangeError(`${argName}: has ${m.cols} columns, but ${estimator ?? 'the estimator'} was fitted with ${nFeatures}`);
  }
  return m;
}

/** Check that y has one entry per row of X. */
export function checkLength(y: Targets | undefined, rows: number, argName = 'y'): void {
  if (y === undefined || y === null) throw new TypeError(`${argName}: required (one target per row of X)`);
  const len = (y as ArrayLike<unknown>).length;
  if (len !== rows) throw new RangeError(`${argName}: length ${len} does not match X rows ${rows}`);
}

/**
 * X's finiteness, read off the diagonal of its Gram matrix X X^T in O(n): a row holding NaN or an
 * infinite value has a non-finite squared norm. For fits handed a Gram, instead of an O(n p) scan.
 */
export function checkRowsFiniteByGram(gram: Float64Array, n: number, argName = 'X'): void {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(gram[i * n + i]!)) {
      throw new RangeError(
        `${argName}: row ${i} holds a NaN or infinite value (its squared norm is ${gram[i * n + i]}); NaN and infinite values are not allowed`,
      );
    }
  }
}

/** Validate X and classification targets; returns the encoded labels (at least two classes). */
export function checkClassification(
  X: unknown,
  y: Targets | undefined,
  scanValues = true,
): { X: Matrix; classes: Label[]; codes: Int32Array } {
  const m = checkMatrix(X, 'X', undefined, undefined, scanValues);
  checkLength(y, m.rows);
  const { classes, codes } = encodeLabels(y!);
  if (classes.length < 2) {
    throw new RangeError(`y: a single class (${describe(classes[0]!)}) — a classifier needs at least two`);
  }
  return { X: m, classes, codes };
}

/** Validate X and numeric regression targets. */
export function checkRegression(X: unknown, y: Targets | undefined): { X: Matrix; y: Float64Array } {
  const m = checkMatrix(X, 'X');
  checkLength(y, m.rows);
  const out = new Float64Array(m.rows);
  const arr = y as ArrayLike<unknown>;
  for (let i = 0; i < out.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`y: entry ${i} is ${typeof v === 'number' ? v : typeof v}; regression targets must be finite numbers`);
    }
    out[i] = v;
  }
  return { X: m, y: out };
}

/** Fraction of positions where the two label arrays agree. */
export function accuracy(yTrue: Targets, yPred: readonly Label[]): number {
  const t = yTrue as ArrayLike<Label>;
  let hits = 0;
  for (let i = 0; i < yPred.length; i++) if (t[i] === yPred[i]) hits++;
  return hits / yPred.length;
}

/** Coefficient of determination (1 - SSres / SStot). */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (yTrue[i]! - yPred[i]!) ** 2;
    tot += (yTrue[i]! - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}
