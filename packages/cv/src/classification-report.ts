// Precision, recall and F1 with scikit-learn's definitions (binary, macro, weighted averages), and
// the per-class classification report.
import type { Label, Targets } from '@neurodecode/estimators';
import { confusionMatrix } from './metrics.js';
import { describeLabel } from './labels.js';

/** How per-class scores combine: the positive class only ('binary'), their plain mean ('macro') or their support-weighted mean ('weighted'). */
export type Average = 'binary' | 'macro' | 'weighted';

/** Precision, recall, F1 and support (true count) of one class. */
export interface ClassScores {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class precision, recall, F1 and support over the sorted union of labels (0 where undefined, as scikit-learn's zero_division). */
export function perClassScores(yTrue: Targets, yPred: Targets, labels?: readonly Label[]): ClassScores[] {
  const { labels: order, counts } = confusionMatrix(yTrue, yPred, labels);
  return order.map((label, k) => {
    const tp = counts[k]![k]!;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < order.length; j++) {
      predicted += counts[j]![k]!;
      actual += counts[k]![j]!;
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: actual };
  });
}

function averaged(
  metric: 'precision' | 'recall' | 'f1',
  yTrue: Targets,
  yPred: Targets,
  opts: { average?: Average; posLabel?: Label },
): number {
  const average = opts.average ?? 'binary';
  const scores = perClassScores(yTrue, yPred);
  if (average === 'binary') {
    const labels = scores.map((s) => s.label);
    if (labels.length > 2) throw new RangeError(`average: "binary" needs two classes, got ${labels.length}; use "macro" or "weighted"`);
    const pos = opts.posLabel ?? labels[labels.length - 1]!;
    const found = scores.find((s) => s.label === pos);
    if (!found) throw new RangeError(`posLabel: ${describeLabel(pos)} is not among the labels (${labels.map(describeLabel).join(', ')})`);
    return found[metric];
  }
  if (average === 'macro') return scores.reduce((a, s) => a + s[metric], 0) / scores.length;
  if (average === 'weighted') {
    const total = scores.reduce((a, s) => a + s.support, 0);
    return scores.reduce((a, s) => a + (s[metric] * s.support) / total, 0);
  }
  throw new RangeError(`average: must be "binary", "macro" or "weighted", got ${JSON.stringify(average)}`);
}

/** Binary: the positive label is posLabel (default the second class in sorted order). */
export function precisionScore(yTrue: Targets, yPred: Targets, opts: { average?: Average; posLabel?: Label } = {}): number {
  return averaged('precision', yTrue, yPred, opts);
}
/** Recall (true positives over actual positives), binary for posLabel or averaged over classes. */
export function recallScore(yTrue: Targets, yPred: Targets, opts: { average?: Average; posLabel?: Label } = {}): number {
  return averaged('recall', yTrue, yPred, opts);
}
/** F1 score (harmonic mean of precision and recall), binary for posLabel or averaged over classes. */
export function f1Score(yTrue: Targets, yPred: Targets, opts: { average?: Average; posLabel?: Label } = {}): number {
  return averaged('f1', yTrue, yPred, opts);
}

/** scikit-learn's classification_report: per-class scores, accuracy, and their macro and weighted averages. */
export interface ClassificationReport {
  classes: ClassScores[];
  accuracy: number;
  macroAvg: Omit<ClassScores, 'label'>;
  weightedAvg: Omit<ClassScores, 'label'>;
}

/** scikit-learn's classification_report as data (and `formatClassificationReport` as text). */
export function classificationReport(yTrue: Targets, yPred: Targets, labels?: readonly Label[]): ClassificationReport {
  const classes = perClassScores(yTrue, yPred, labels);
  const total = classes.reduce((a, s) => a + s.support, 0);
  const mean = (k: 'precision' | 'recall' | 'f1', w: boolean) =>
    classes.reduce((a, s) => a + s[k] * (w ? s.support / total : 1 / classes.length), 0);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return {
    classes,
    accuracy: hits / yTrue.length,
    macroAvg: { precision: mean('precision', false), recall: mean('recall', false), f1: mean('f1', false), support: total },
    weightedAvg: { precision: mean('precision', true), recall: mean('recall', true), f1: mean('f1', true), support: total },
  };
}

/** The report as scikit-learn prints it: one row per class, then accuracy and the averages. */
export function formatClassificationReport(r: ClassificationReport): string {
  const width = Math.max(12, ...r.classes.map((c) => String(c.label).length));
  const row = (name: string, p: number, rc: number, f: number, n: number) =>
    `${name.padStart(width)} ${p.toFixed(2).padStart(9)} ${rc.toFixed(2).padStart(9)} ${f.toFixed(2).padStart(9)} ${String(n).padStart(9)}`;
  const lines = [
    `${''.padStart(width)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1-score'.padStart(9)} ${'support'.padStart(9)}`,
    '',
  ];
  for (const c of r.classes) lines.push(row(String(c.label), c.precision, c.recall, c.f1, c.support));
  lines.push(
    '',
    `${'accuracy'.padStart(width)} ${''.padStart(9)} ${''.padStart(9)} ${r.accuracy.toFixed(2).padStart(9)} ${String(r.macroAvg.support).padStart(9)}`,
  );
  lines.push(row('macro avg', r.macroAvg.precision, r.macroAvg.recall, r.macroAvg.f1, r.macroAvg.support));
  lines.push(row('weighted avg', r.weightedAvg.precision, r.weightedAvg.recall, r.weightedAvg.f1, r.weightedAvg.support));
  return lines.join('\n');
}
