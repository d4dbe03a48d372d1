import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { parseJsonResult, runCli } from './helpers.js';

const slice = (name: string) => dataPath('haxby-slice', name)!;

test('decode --estimator svc_l1 --json adds the confusion matrix and per-class recall; --predictions-out writes one row per volume', { skip: skipWithoutShared() }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const preds = join(dir, 'preds.tsv');
    const out = parseJsonResult(runCli(
      'decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
      '--targets', 'face,cat', '--estimator', 'svc_l1', '--predictions-out', preds, '--json',
    ));
    assert.deepEqual(out.confusion_matrix.labels, ['cat', 'face']);
    const counts: number[][] = out.confusion_matrix.counts;
    assert.equal(counts.flat().reduce((a, b) => a + b, 0), out.n_samples);
    const catRecall = counts[0]![0]! / (counts[0]![0]! + counts[0]![1]!);
    assert.equal(out.per_class_recall.cat, catRecall);
    assert.ok(out.classification_report.accuracy > 0.6, `accuracy ${out.classification_report.accuracy}`);
    const rows = readFileSync(preds, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'volume\trun\ttrue\tpredicted\tdecision_face');
    assert.equal(rows.length - 1, out.n_samples);
    const labelRows = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    let hits = 0;
    for (const row of rows.slice(1)) {
      const [volume, run, truth, predicted, decision] = row.split('\t');
      assert.equal(truth, labelRows[Number(volume)]![0], 'the volume index points at its label');
      assert.equal(run, labelRows[Number(volume)]![1]);
      assert.equal(predicted, Number(decision) > 0 ? 'face' : 'cat');
      if (predicted === truth) hits++;
    }
    assert.equal(hits / out.n_samples, out.classification_report.accuracy);
  } finally {
    cleanup();
  }
});

test('decode rejects a regressor string on class labels in one line', { skip: skipWithoutShared() }, () => {
  const res = runCli('decode', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'), '--targets', 'face,cat', '--estimator', 'lasso', '--json');
  assert.notEqual(res.status, 0);
  assert.match(res.stderr.trim(), /^.*estimator: "lasso" is a regressor, the Decoder needs a classifier.*$/);
});
