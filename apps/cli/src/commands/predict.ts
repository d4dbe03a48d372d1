// neurodecode predict: apply a model saved by `decode --save-model` to new runs or subjects, write
// one row per volume, and score the predictions when labels are given (cross-decoding).
import type { Command } from 'commander';
import { accuracyScore, balancedAccuracyScore, rocAucScore } from '@neurodecode/cv';
import { affinesClose, type NiftiImage } from '@neurodecode/nifti-io';
import { addLabelOptions, collect, funcList, loadLabels, readFuncRuns } from '../inputs.js';
import { parseList, type Value } from '../labels.js';
import { maskAndClean, type PreprocessingCliOptions } from '../preprocessing.js';
import { readModel } from '../model-file.js';
import { log, printJson, writeOutputFile } from '../util.js';
import { guardPaths, pathArgs } from '../guard.js';

interface PredictOpts {
  model: string;
  func: string[];
  labels?: string;
  targets?: string;
  labelColumn?: string;
  groupColumn?: string;
  tr?: string;
  hrfShift?: string;
  unlabeled?: string;
  confounds?: string[];
  resample?: boolean;
  out: string;
  json?: boolean;
}

function gridText(img: { shape: readonly number[]; affine: number[][] }): string {
  const zooms = [0, 1, 2].map((c) => +Math.hypot(img.affine[0]![c]!, img.affine[1]![c]!, img.affine[2]![c]!).toFixed(3));
  const origin = [0, 1, 2].map((r) => +img.affine[r]![3]!.toFixed(2));
  return `${img.shape.slice(0, 3).join('x')} voxels of ${zooms.join('x')} mm, origin (${origin.join(', ')})`;
}

function sameGrid(a: NiftiImage, b: NiftiImage): boolean {
  return a.shape.slice(0, 3).every((n, i) => n === b.shape[i]) && affinesClose(a.affine, b.affine, 1e-5);
}

async function predict(opts: PredictOpts): Promise<void> {
  guardPaths(
    [
      ...pathArgs('--model', opts.model),
      ...pathArgs('--func', funcList(opts.func)),
      ...pathArgs('--labels', opts.labels?.split(',')),
      ...pathArgs(
        '--confounds',
        (opts.confounds ?? []).flatMap((c) => c.split(',')),
      ),
    ],
    pathArgs('--out', opts.out),
  );
  const { file, maskImg, decoder } = readModel(opts.model, log);
  const runs = await readFuncRuns(funcList(opts.func));
  if (!sameGrid(runs[0]!, maskImg)) {
    const msg = `--func: grid ${gridText(runs[0]!)} differs from the model's mask grid ${gridText(maskImg)}`;
    if (!opts.resample) throw new Error(`${msg}; pass --resample to resample the data onto the model's grid`);
    log(`predict: ${msg}; resampling the data onto the model's grid`);
  }
  const m = file.masker;
  if (m.confounds && !opts.confounds?.length)
    throw new Error('--confounds: the model was trained with confounds removed; give one confounds file per --func');
  const classes = decoder.classes.map(String);
  let keep = Array.from({ length: runs.reduce((s, r) => s + r.nVolumes, 0) }, (_, i) => i);
  let truth: Value[] | undefined;
  if (opts.labels) {
    // Score only the classes the model knows, unless --targets says otherwise.
    const labels = loadLabels({ ...opts, labels: opts.labels, targets: opts.targets ?? undefined }, runs);
    const wanted = new Set(parseList(opts.targets) ?? classes);
    keep = labels.keep.filter((i) => wanted.has(String(labels.table.labels[i])));
    if (!keep.length) throw new Error(`--labels: no volume has one of the model's classes (${classes.join(', ')})`);
    truth = keep.map((i) => labels.table.labels[i]!);
  }
  const pre: PreprocessingCliOptions = {
    detrend: Boolean(m.detrend),
    highPass: m.highPass == null ? undefined : String(m.highPass),
    lowPass: m.lowPass == null ? undefined : String(m.lowPass),
    smoothingFwhm: m.smoothingFwhm == null ? undefined : String(m.smoothingFwhm),
    standardize: m.standardize === false ? 'none' : String(m.standardize),
    confounds: opts.confounds,
    tr: opts.tr ?? (m.tR == null ? undefined : String(m.tR)),
  };
  const { X } = await maskAndClean(runs, maskImg, keep, pre, { resampleToMask: true });
  const predicted = decoder.predict(X);
  const scores = decoder.decisionFunction(X);
  const runOf = runs.flatMap((r, i) => new Array<number>(r.nVolumes).fill(i));
  const scoreNames = scores.cols === 1 ? [`decision_${classes[1]}`] : classes.map((c) => `decision_${c}`);
  const lines = [['volume', 'run', 'true_label', 'predicted_label', ...scoreNames].join('\t')];
  keep.forEach((v, i) => {
    const row = Array.from(scores.row(i), (s) => String(s));
    lines.push([v, runOf[v], truth ? String(truth[i]) : 'n/a', String(predicted[i]), ...row].join('\t'));
  });
  writeOutputFile(opts.out, lines.join('\n') + '\n', '--out');
  const result: Record<string, unknown> = {
    out: opts.out,
    n_predictions: keep.length,
    classes,
    model: opts.model,
    estimator: file.decoder.estimator,
  };
  if (truth) {
    const t = truth.map(String);
    const p = predicted.map(String);
    result.accuracy = accuracyScore(t, p);
    result.balanced_accuracy = balancedAccuracyScore(t, p);
    const present = new Set(t);
    if (classes.length === 2 && present.size === 2)
      result.roc_auc = rocAucScore(
        t.map((l) => (l === classes[1] ? 1 : 0)),
        scores.col(0),
      );
  }
  if (opts.json) return printJson(result);
  process.stdout.write(`${keep.length} predictions -> ${opts.out}\n`);
  if (truth)
    process.stdout.write(
      `accuracy ${(result.accuracy as number).toFixed(4)}, balanced accuracy ${(result.balanced_accuracy as number).toFixed(4)}\n`,
    );
}

export function register(program: Command): void {
  const cmd = program
    .command('predict')
    .description('Apply a model saved by `decode --save-model` to new runs or subjects; score it when labels are given')
    .requiredOption('--model <file>', 'model file written by decode --save-model')
    .requiredOption('--func <file>', 'functional 4-D image(s); repeat or comma-separate for several runs', collect);
  addLabelOptions(cmd, { required: false })
    .option('--confounds <file>', 'confound table per run, when the model was trained with confounds', collect)
    .option('--resample', "resample data on another grid onto the model's grid (otherwise a grid mismatch is an error)")
    .requiredOption('--out <file>', 'predictions table (TSV: volume, run, true_label, predicted_label, decision values)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      [
        '',
        'The masker settings (mask, detrending, filters, standardization) come from the model.',
        '',
        'Example:',
        '  neurodecode decode --func train.nii.gz --mask mask.nii.gz --labels train_labels.txt --targets face,house --save-model fh.ndm',
        '  neurodecode predict --model fh.ndm --func test.nii.gz --labels test_labels.txt --out predictions.tsv --json',
      ].join('\n'),
    )
    .action(predict);
}
