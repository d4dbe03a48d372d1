// Classification and regression metrics with scikit-learn's definitions.
import { isMatrixLike, type MatrixLike } from '@neurodecode/matrix';
import type { Label, Targets } from '@neurodecode/estimators';
import { describeLabel, encodeSorted, codesAgainst } from './labels.js';

function checkSameLength(yTrue: ArrayLike<unknown>, other: ArrayLike<unknown>, otherName: string): void {
  if (yTrue.length !== other.length) {
    throw new RangeError(`${otherName}: length ${other.length} does not match yTrue's ${yTrue.length}`);
  }
  if (yTrue.length === 0) throw new RangeError('yTrue: empty');
}

function toNumbers(y: Targets, argName: string): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number') throw new TypeError(`${argName}: entry ${i} is ${JSON.stringify(v)}, expected a number`);
    out[i] = v;
  }
  return out;
}

/** Fraction of exact matches. */
export function accuracyScore(yTrue: Targets, yPred: Targets): number {
  checkSameLength(yTrue, yPred, 'yPred');
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** A confusion matrix with its label order (scikit-learn's confusion_matrix). */
export interface ConfusionMatrix {
  /** Row/column order: the given labels, or the sorted union of yTrue and yPred. */
  labels: Label[];
  /** counts[i][j]: samples of true label i predicted as label j. */
  counts: number[][];
}

/** Confusion matrix; samples whose true or predicted label is not in `labels` are left out. */
export function confusionMatrix(yTrue: Targets, yPred: Targets, labels?: readonly Label[]): ConfusionMatrix {
  checkSameLength(yTrue, yPred, 'yPred');
  let order: Label[];
  if (labels) {
    if (labels.length === 0) throw new RangeError('labels: empty');
    order = labels.slice();
  } else {
    order = encodeSorted([...Array.from(yTrue as ArrayLike<Label>), ...Array.from(yPred as ArrayLike<Label>)], 'yTrue/yPred').classes;
  }
  const t = codesAgainst(yTrue, order);
  const p = codesAgainst(yPred, order);
  const counts = order.map(() => new Array<number>(order.length).fill(0));
  for (let i = 0; i < t.length; i++) if (t[i]! >= 0 && p[i]! >= 0) counts[t[i]!]![p[i]!]!++;
  return { labels: order, counts };
}

/** Mean recall over the classes present in yTrue (robust to class imbalance). */
export function balancedAccuracyScore(yTrue: Targets, yPred: Targets): number {
  checkSameLength(yTrue, yPred, 'yPred');
  const enc = encodeSorted(yTrue, 'yTrue');
  const hits = new Float64Array(enc.classes.length);
  const totals = new Float64Array(enc.classes.length);
  for (let i = 0; i < yTrue.length; i++) {
    totals[enc.codes[i]!]!++;
    if (yTrue[i] === yPred[i]) hits[enc.codes[i]!]!++;
  }
  let sum = 0;
  for (let c = 0; c < totals.length; c++) sum += hits[c]! / totals[c]!;
  return sum / totals.length;
}

/**
 * Area under the ROC curve from the Mann-Whitney statistic: the fraction of (positive, negative)
 * pairs the scores order correctly, ties counting one half. Equal to the trapezoidal AUC.
 */
export function binaryAuc(isPositive: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new RangeError(`scores: entry ${i} is NaN`);
    order[i] = i;
  }
  order.sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    // Ranks start..end-1 (0-based) share their average, which is how ties count one half.
    const averageRank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) {
      if (isPositive[order[k]!]) {
        nPos++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('yTrue: ROC AUC needs both positive and negative samples');
  return (positiveRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Options of rocAucScore: the classes of the score columns and, for two classes, the positive label. */
export interface RocAucOptions {
  /**
   * Class of each score column (multiclass), or the two classes [negative, positive] (binary).
   * Default: the sorted distinct labels of yTrue.
   */
  classes?: readonly Label[];
  /** Binary only: the positive label (default: the larger of the two after sorting). */
  positiveLabel?: Label;
}

/**
 * ROC AUC. Binary: `scores` is one value per sample (or a one-column matrix, or a two-column
 * matrix whose second column is used), larger meaning more positive. Multiclass: a matrix with
 * one column per class; the result is the unweighted mean of the one-vs-rest AUCs.
 */
export function rocAucScore(yTrue: Targets, scores: ArrayLike<number> | MatrixLike, opts: RocAucOptions = {}): number {
  const matrix = isMatrixLike(scores) ? scores : undefined;
  const nScores = matrix ? matrix.rows : (scores as ArrayLike<number>).length;
  if (yTrue.length !== nScores) throw new RangeError(`scores: ${nScores} rows do not match yTrue's length ${yTrue.length}`);
  if (yTrue.length === 0) throw new RangeError('yTrue: empty');
  const present = encodeSorted(yTrue, 'yTrue').classes;
  const classes = opts.classes ? opts.classes.slice() : present;
  for (const c of present) {
    if (!classes.some((k) => k === c))
      throw new RangeError(`yTrue: label ${describeLabel(c)} is not among classes ${classes.map(describeLabel).join(', ')}`);
  }
  const binary = !matrix || matrix.cols <= 2;
  if (binary) {
    if (classes.length > 2) {
      throw new RangeError(`scores: ${classes.length} classes need a matrix with one score column per class`);
    }
    if (present.length < 2) throw new RangeError(`yTrue: ROC AUC needs two classes, only ${describeLabel(present[0]!)} is present`);
    const positive = opts.positiveLabel ?? classes[1]!;
    if (!classes.some((k) => k === positive)) throw new RangeError(`positiveLabel: ${describeLabel(positive)} is not in yTrue`);
    let column: ArrayLike<number> = scores as ArrayLike<number>;
    if (matrix) {
      const col = matrix.cols - 1;
      column = Float64Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.cols + col]!);
    }
    const isPositive = Uint8Array.from({ length: yTrue.length }, (_, i) => (yTrue[i] === positive ? 1 : 0));
    return binaryAuc(isPositive, column);
  }
  if (matrix.cols !== classes.length) {
    throw new RangeError(
      `scores: ${matrix.cols} columns do not match the ${classes.length} classes ${classes.map(describeLabel).join(', ')}`,
    );
  }
  const codes = codesAgainst(yTrue, classes);
  let sum = 0;
  const column = new Float64Array(matrix.rows);
  const isPositive = new Uint8Array(matrix.rows);
  for (let c = 0; c < classes.length; c++) {
    let nPos = 0;
    for (let i = 0; i < matrix.rows; i++) {
      column[i] = matrix.data[i * matrix.cols + c]!;
      isPositive[i] = codes[i] === c ? 1 : 0;
      nPos += isPositive[i]!;
    }
    if (nPos === 0)
      throw new RangeError(`yTrue: class ${describeLabel(classes[c]!)} has no samples, so its one-vs-rest ROC AUC is undefined`);
    sum += binaryAuc(isPositive, column);
  }
  return sum / classes.length;
}

/** Coefficient of determination; a constant yTrue gives 1 for a perfect fit, else 0 (as scikit-learn). */
export function r2Score(yTrue: Targets, yPred: Targets): number {
  checkSameLength(yTrue, yPred, 'yPred');
  const t = toNumbers(yTrue, 'yTrue');
  const p = toNumbers(yPred, 'yPred');
  let mean = 0;
  for (const v of t) mean += v;
  mean /= t.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    residual += (t[i]! - p[i]!) ** 2;
    total += (t[i]! - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Mean of the squared differences between yTrue and yPred. */
export function meanSquaredError(yTrue: Targets, yPred: Targets): number {
  checkSameLength(yTrue, yPred, 'yPred');
  const t = toNumbers(yTrue, 'yTrue');
  const p = toNumbers(yPred, 'yPred');
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += (t[i]! - p[i]!) ** 2;
  return sum / t.length;
}
