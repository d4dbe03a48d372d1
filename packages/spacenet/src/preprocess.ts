// Data preparation for SpaceNet: column standardisation, univariate F screening, inner splits.
import type { Matrix } from '@neurodecode/matrix';

/** Volume in mm^3 of the MNI152 1 mm brain (non-zero voxels of the FSL MNI152_T1_1mm_brain). */
export const MNI152_BRAIN_VOLUME_MM3 = 1_827_095;

export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

export function columnStats(X: Matrix, standardize: boolean): Standardization {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols).fill(1);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) mean[j]! += data[o + j]!;
  }
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  if (standardize) {
    const ss = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) ss[j]! += (data[o + j]! - mean[j]!) ** 2;
    }
    for (let j = 0; j < cols; j++) {
      const sd = Math.sqrt(ss[j]! / rows);
      scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? sd : 1;
    }
  }
  return { mean, scale };
}

/** (X[:, cols] - mean) / scale as row-major Float32 data, for the rows given. */
export function prepareBlock(X: Matrix, rows: ArrayLike<number>, cols: ArrayLike<number>, st: Standardization): Float32Array {
  const out = new Float32Array(rows.length * cols.length);
  const p = cols.length;
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r]! * X.cols;
    for (let c = 0; c < p; c++) {
      const j = cols[c]!;
      out[r * p + c] = (X.data[o + j]! - st.mean[j]!) / st.scale[j]!;
    }
  }
  return out;
}

/**
 * Univariate F statistic per column: one-way ANOVA across classes when `codes` are class codes,
 * else the F of a simple linear regression on the continuous target.
 */
export function fStatistics(X: Matrix, target: Float64Array, nClasses: number | undefined): Float64Array {
  const { rows: n, cols: p, data } = X;
  const F = new Float64Array(p);
  if (nClasses !== undefined) {
    const sums = new Float64Array(nClasses * p);
    const counts = new Float64Array(nClasses);
    const total = new Float64Array(p);
    const totalSq = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const k = target[i]!;
      counts[k]!++;
      const o = i * p;
      for (let j = 0; j < p; j++) {
        const x = data[o + j]!;
        sums[k * p + j]! += x;
        total[j]! += x;
        totalSq[j]! += x * x;
      }
    }
    const dfBetween = nClasses - 1;
    const dfWithin = n - nClasses;
    for (let j = 0; j < p; j++) {
      const grand = total[j]! / n;
      let between = 0;
      for (let k = 0; k < nClasses; k++) {
        if (counts[k] === 0) continue;
        const m = sums[k * p + j]! / counts[k]!;
        between += counts[k]! * (m - grand) ** 2;
      }
      const within = Math.max(totalSq[j]! - n * grand * grand - between, 0);
      F[j] = within > 0 ? between / dfBetween / (within / dfWithin) : between > 0 ? Infinity : 0;
    }
    return F;
  }
  let ym = 0;
  for (const v of target) ym += v;
  ym /= n;
  let yss = 0;
  for (const v of target) yss += (v - ym) ** 2;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  const cov = new Float64Array(p);
  const xss = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const dy = target[i]! - ym;
    const o = i * p;
    for (let j = 0; j < p; j++) {
      const dx = data[o + j]! - mean[j]!;
      cov[j]! += dx * dy;
      xss[j]! += dx * dx;
    }
  }
  for (let j = 0; j < p; j++) {
    const denom = xss[j]! * yss;
    const r2 = denom > 0 ? Math.min(cov[j]! ** 2 / denom, 1) : 0;
    F[j] = r2 < 1 ? (r2 / (1 - r2)) * (n - 2) : Infinity;
  }
  return F;
}

/**
 * The percentile actually applied. As in nilearn, the requested percentile refers to a whole
 * brain: a mask smaller than the MNI152 brain keeps proportionally more of its voxels.
 */
export function effectivePercentile(percentile: number, nVoxels: number, zooms?: readonly number[]): number {
  if (!zooms) return percentile;
  const maskVolume = nVoxels * zooms[0]! * zooms[1]! * zooms[2]!;
  if (maskVolume >= MNI152_BRAIN_VOLUME_MM3) return percentile;
  return Math.min(100, percentile * (MNI152_BRAIN_VOLUME_MM3 / maskVolume));
}

/** Columns kept by screening (sorted), the top `percentile` % by F. */
export function screenColumns(F: Float64Array, percentile: number): Int32Array {
  const p = F.length;
  if (percentile >= 100) return Int32Array.from({ length: p }, (_, j) => j);
  const keep = Math.max(1, Math.ceil((p * percentile) / 100));
  const order = Int32Array.from({ length: p }, (_, j) => j);
  const key = (j: number): number => (Number.isNaN(F[j]!) ? -Infinity : F[j]!);
  order.sort((a, b) => key(b) - key(a) || a - b);
  return order.subarray(0, keep).sort();
}

export interface InnerSplit {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Inner cross-validation splits: by groups (each group wholly in one fold, groups dealt to folds
 * in order of first appearance), stratified contiguous folds for classes, else contiguous KFold.
 */
export function innerSplits(n: number, nFolds: number, codes?: Int32Array, groups?: ArrayLike<number | string>): InnerSplit[] {
  const fold = new Int32Array(n);
  let k = nFolds;
  if (groups) {
    const ids = new Map<number | string, number>();
    for (let i = 0; i < n; i++) if (!ids.has(groups[i]!)) ids.set(groups[i]!, ids.size);
    k = Math.min(nFolds, ids.size);
    if (k < 2) throw new Error(`groups: inner cross-validation needs at least 2 groups, got ${ids.size}`);
    for (let i = 0; i < n; i++) fold[i] = ids.get(groups[i]!)! % k;
  } else if (codes) {
    const seen = new Map<number, number>();
    const perClass = new Map<number, number>();
    for (let i = 0; i < n; i++) perClass.set(codes[i]!, (perClass.get(codes[i]!) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      const idx = seen.get(c) ?? 0;
      seen.set(c, idx + 1);
      fold[i] = Math.min(k - 1, Math.floor((idx * k) / perClass.get(c)!));
    }
  } else {
    for (let i = 0; i < n; i++) fold[i] = Math.min(k - 1, Math.floor((i * k) / n));
  }
  const splits: InnerSplit[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    if (test.length && train.length) splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  if (splits.length < 2) throw new Error(`cv: cannot make ${nFolds} inner folds from ${n} samples`);
  return splits;
}
