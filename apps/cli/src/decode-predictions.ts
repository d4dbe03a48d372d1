// decode's out-of-fold outputs: the confusion matrix and per-class report for --json, and the
// --predictions-out table (one row per volume: index, run, true label, predicted label, decision values).
import { writeFile, rename, rm } from 'node:fs/promises';
import type { Decoder } from '@neurodecode/decoding';
import { classificationReport, confusionMatrix } from '@neurodecode/cv';

export function outOfFoldSummary(decoder: Decoder, y: readonly (string | number)[]) {
  const predicted = decoder.cvPredictions;
  const tested = predicted.map((p, i) => (p === undefined ? -1 : i)).filter((i) => i >= 0);
  const yTrue = tested.map((i) => y[i]!);
  const yPred = tested.map((i) => predicted[i]!);
  const cm = confusionMatrix(yTrue, yPred, decoder.classes);
  const report = classificationReport(yTrue, yPred, decoder.classes);
  return {
    confusion_matrix: { labels: cm.labels.map(String), counts: cm.counts },
    per_class_recall: Object.fromEntries(report.classes.map((c) => [String(c.label), c.recall])),
    classification_report: {
      classes: report.classes.map((c) => ({
        label: String(c.label),
        precision: c.precision,
        recall: c.recall,
        f1: c.f1,
        support: c.support,
      })),
      accuracy: report.accuracy,
      macro_avg: report.macroAvg,
      weighted_avg: report.weightedAvg,
    },
  };
}

/** Write the out-of-fold predictions as TSV (temp file + rename: nothing half-written). */
export async function writePredictions(
  path: string,
  decoder: Decoder,
  volumes: readonly number[],
  y: readonly (string | number)[],
  groups?: readonly (string | number)[],
): Promise<void> {
  const d = decoder.cvDecision!;
  const predicted = decoder.cvPredictions;
  const decisionNames = d.cols === 1 ? [`decision_${decoder.classes[1]}`] : decoder.classes.map((c) => `decision_${c}`);
  const lines = [['volume', 'run', 'true', 'predicted', ...decisionNames].join('\t')];
  for (let i = 0; i < d.rows; i++) {
    const values = Array.from(d.data.subarray(i * d.cols, (i + 1) * d.cols), (v) => (Number.isNaN(v) ? 'n/a' : String(v)));
    lines.push([volumes[i], groups ? groups[i] : 'n/a', y[i], predicted[i] ?? 'n/a', ...values].join('\t'));
  }
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, `${lines.join('\n')}\n`);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(`--predictions-out: cannot write ${path} (${(err as Error).message})`);
  }
}
