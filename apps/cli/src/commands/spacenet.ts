// neurodecode spacenet: SpaceNet (TV-L1 / Graph-Net) decoding on a train/test split of runs or
// with an outer cross-validation. Runs are masked and cleaned as every decoding command does
// (mask voxels in C order), and each set of volumes is standardized on its own (per run within
// it), as nilearn's NiftiMasker(standardize=True) does on every transform.
import type { Command } from 'commander';
import { parseCvSpec } from '@neurodecode/cv';
import { Matrix } from '@neurodecode/matrix';
import { readNifti, writeNifti } from '@neurodecode/nifti-io';
// Types only at the top: TensorFlow.js is loaded when the command runs, not on every CLI start.
import type { BackendName, Penalty, SpaceNetClassifier } from '@neurodecode/spacenet';
import { cleanSignals } from '@neurodecode/maskers';
import { parseList } from '../labels.js';
import { addLabelOptions, collect, funcList, loadLabels, readFuncRuns } from '../inputs.js';
import { addPreprocessingOptions, maskAndClean, toStandardize } from '../preprocessing.js';
import { log, parseIntArg, parseNumberArg, printJson, progressBar } from '../util.js';
import { chanceScores, checkReportPath, confusionCounts, mapReport, REPORT_FLAG, splitChance } from '../report/commands.js';
import { decodingInputPaths, guardPaths, pathArgs } from '../guard.js';

/** "0-9" / "0,1,2" / "0-3,7" -> the set of group names. */
export function parseGroupRanges(arg: string, value: string): Set<string> {
  const out = new Set<string>();
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(-?\d+)-(-?\d+)$/.exec(part);
    if (m) {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (b < a) throw new Error(`${arg}: range "${part}" goes backwards`);
      for (let g = a; g <= b; g++) out.add(String(g));
    } else out.add(part);
  }
  if (out.size === 0) throw new Error(`${arg}: no groups in "${value}"`);
  return out;
}

export function register(program: Command): void {
  const cmd = program
    .command('spacenet')
    .description('SpaceNet decoding (TV-L1 or Graph-Net penalised logistic regression) with inner CV over alpha')
    .requiredOption('--func <file>', 'functional 4-D image (repeat or comma-separate to concatenate runs)', collect)
    .requiredOption('--mask <file>', 'mask image (its voxels are the features; their 3-D layout drives the penalty)');
  addPreprocessingOptions(addLabelOptions(cmd))
    .option('--penalty <name>', 'tv-l1 | graph-net', 'tv-l1')
    .option('--train-groups <list>', 'groups used for training, e.g. 0-9')
    .option('--test-groups <list>', 'groups used for testing, e.g. 10-11')
    .option('--cv <spec>', 'outer cross-validation instead of a split: logo | kfold:N | stratified:N | group:N')
    .option('--l1-ratios <list>', 'l1 ratios in (0, 1], comma-separated', '0.5')
    .option('--n-alphas <n>', 'alphas on the automatic path', '10')
    .option('--inner-cv <n>', 'inner cross-validation folds', '3')
    .option('--max-iter <n>', 'solver iterations', '200')
    .option('--tol <x>', 'solver tolerance', '1e-4')
    .option('--screening-percentile <p>', 'ANOVA screening percentile (of a whole brain, as nilearn)', '20')
    .option('--no-standardize', 'same as --standardize none')
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu (default: best available)')
    .option('--coef-out <file>', 'write the coefficient map (.nii.gz), fitted on the training groups (or all volumes with --cv)')
    .option(...REPORT_FLAG)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  neurodecode spacenet --penalty tv-l1 --func bold.nii.gz --mask mask.nii.gz --labels labels.txt \\\n    --targets face,house --train-groups 0-9 --test-groups 10-11 --json',
    )
    .action(async (opts) => {
      checkReportPath(opts.report);
      guardPaths(decodingInputPaths(opts), [...pathArgs('--coef-out', opts.coefOut), ...pathArgs('--report', opts.report)]);
      const penalty = opts.penalty as Penalty;
      if (penalty !== 'tv-l1' && penalty !== 'graph-net')
        throw new Error(`--penalty: unknown penalty "${opts.penalty}"; expected tv-l1 or graph-net`);
      const split = opts.trainGroups !== undefined || opts.testGroups !== undefined;
      if (split && opts.cv) throw new Error('--cv: give either --train-groups/--test-groups or --cv, not both');
      if (split && (opts.trainGroups === undefined || opts.testGroups === undefined)) {
        throw new Error(
          `${opts.trainGroups === undefined ? '--train-groups' : '--test-groups'}: needed with ${opts.trainGroups === undefined ? '--test-groups' : '--train-groups'}`,
        );
      }
      const { initBackend, maskGeometry, SpaceNetClassifier } = await import('@neurodecode/spacenet');
      const backend: BackendName = await initBackend(opts.backend);
      const maskImg = await readNifti(opts.mask);
      maskGeometry(maskImg, '--mask'); // checks the mask before the runs are read
      const runs = await readFuncRuns(funcList(opts.func));
      if (runs.some((r) => r.nVolumes < 2))
        throw new Error(`--func: expected 4-D images, got shape [${runs.find((r) => r.nVolumes < 2)!.shape.join(', ')}]`);
      const labels = loadLabels(opts, runs);
      const table = labels.table;
      const selected = labels.keep;
      // Cleaning on whole runs here; standardization later, on each set of volumes.
      const all = table.labels.map((_, i) => i);
      const X = (await maskAndClean(runs, maskImg, all, { ...opts, standardize: 'none' })).X;
      const runOf = runs.flatMap((r, i) => new Array<number>(r.nVolumes).fill(i));
      const how = toStandardize(opts.standardize);
      const params = {
        penalty,
        l1Ratios: parseList(opts.l1Ratios)!.map((v) => {
          const r = parseNumberArg('--l1-ratios', v);
          if (!(r > 0 && r <= 1)) throw new Error(`--l1-ratios: ${v} is outside (0, 1]`);
          return r;
        }),
        nAlphas: parseIntArg('--n-alphas', opts.nAlphas, 1),
        cv: parseIntArg('--inner-cv', opts.innerCv, 2),
        maxIter: parseIntArg('--max-iter', opts.maxIter, 1),
        tol: parseNumberArg('--tol', opts.tol),
        screeningPercentile: parseNumberArg('--screening-percentile', opts.screeningPercentile),
      };
      const prepare = (rows: number[]): Matrix =>
        how ? cleanSignals(X.selectRows(rows), { standardize: how, runs: rows.map((i) => runOf[i]!) }) : X.selectRows(rows);
      const labelsOf = (rows: number[]): (string | number)[] => rows.map((i) => table.labels[i]!);
      const started = performance.now();
      const fitOn = (rows: number[]): SpaceNetClassifier => SpaceNetClassifier.fromMask(maskImg, params).fit(prepare(rows), labelsOf(rows));
      const result: Record<string, unknown> = { command: 'spacenet', penalty, backend, n_mask_voxels: X.cols };
      let model: SpaceNetClassifier;
      // For the report: held-out predictions (confusion matrix) and the dummy's score (chance).
      const heldOut: { truth: (string | number)[]; predicted: (string | number)[] } = { truth: [], predicted: [] };
      const keepPredictions = (m: SpaceNetClassifier, rows: number[]): void => {
        if (!opts.report) return;
        heldOut.truth.push(...labelsOf(rows));
        heldOut.predicted.push(...m.predict(prepare(rows)));
      };
      let chance: { scores?: number[]; note: string } | undefined;
      if (split || !opts.cv) {
        if (!split) log('spacenet: no --train-groups/--test-groups or --cv given; fitting on all selected volumes');
        let train = selected;
        let test: number[] = [];
        if (split) {
          if (!table.groups) throw new Error(`--train-groups: the labels file has no "${opts.groupColumn ?? 'chunks'}" column`);
          const trainSet = parseGroupRanges('--train-groups', opts.trainGroups);
          const testSet = parseGroupRanges('--test-groups', opts.testGroups);
          train = selected.filter((i) => trainSet.has(String(table.groups![i]!)));
          test = selected.filter((i) => testSet.has(String(table.groups![i]!)));
          if (train.length === 0) throw new Error(`--train-groups: no selected volume is in groups ${opts.trainGroups}`);
          if (test.length === 0) throw new Error(`--test-groups: no selected volume is in groups ${opts.testGroups}`);
        }
        model = fitOn(train);
        if (test.length) {
          result.test_score = model.score(prepare(test), labelsOf(test));
          keepPredictions(model, test);
          if (opts.report) chance = splitChance(labelsOf(train), labelsOf(test));
        }
        Object.assign(result, { n_train: train.length, n_test: test.length });
      } else {
        const splitter = parseCvSpec(opts.cv);
        const groups = table.groups ? selected.map((i) => table.groups![i]!) : undefined;
        const folds = splitter.split(selected.length, labelsOf(selected), groups);
        const bar = progressBar('spacenet');
        const scores: number[] = [];
        folds.forEach((f, k) => {
          const tr = Array.from(f.train, (i) => selected[i]!);
          const te = Array.from(f.test, (i) => selected[i]!);
          const foldModel = fitOn(tr);
          scores.push(foldModel.score(prepare(te), labelsOf(te)));
          keepPredictions(foldModel, te);
          bar.update(k + 1, folds.length + 1);
        });
        model = fitOn(selected);
        bar.update(folds.length + 1, folds.length + 1); // the final fit on all selected volumes
        bar.stop();
        if (opts.report) chance = chanceScores(Matrix.zeros(selected.length, 1), labelsOf(selected), groups, splitter, 'accuracy');
        Object.assign(result, { cv: opts.cv, cv_scores: scores, mean_score: scores.reduce((a, b) => a + b, 0) / scores.length });
      }
      Object.assign(result, {
        classes: model.classes,
        best_alpha: model.bestAlpha,
        best_l1_ratio: model.bestL1Ratio,
        n_nonzero: model.nNonzero,
        nonzero_fraction: model.nNonzero / X.cols,
        screening_percentile_used: model.screeningPercentileUsed,
        seconds: (performance.now() - started) / 1000,
      });
      if (opts.coefOut) {
        await writeNifti(model.coefImg(maskImg), opts.coefOut);
        result.coef_out = opts.coefOut;
      }
      if (opts.report) {
        await mapReport(opts.report, {
          command: 'spacenet',
          result,
          map: model.coefImg(maskImg),
          mapLabel: `SpaceNet ${penalty} weights`,
          kind: 'weights',
          grid: runs[0]!.shape,
          maskVoxels: X.cols,
          y: selected.map((i) => table.labels[i]!),
          groups: table.groups ? selected.map((i) => table.groups![i]!) : undefined,
          folds: Array.isArray(result.cv_scores)
            ? { scores: result.cv_scores as number[], scoring: 'accuracy', chance: chance?.scores, chanceNote: chance?.note }
            : typeof result.test_score === 'number'
              ? { scores: [result.test_score], scoring: 'accuracy', chance: chance?.scores, chanceNote: chance?.note }
              : undefined,
          confusion: heldOut.truth.length
            ? { ...confusionCounts(heldOut.truth, heldOut.predicted, model.classes), what: split ? 'test runs' : 'all folds' }
            : undefined,
        });
      }
      if (opts.json) printJson(result);
      else {
        for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}\n`);
      }
    });
}
