// neurodecode permutation: the cross-validated score and its permutation p-value.
import type { Command } from 'commander';
import type { Estimator } from '@neurodecode/estimators';
import { GridSearchCV, parseCvSpec, permutationTestScore } from '@neurodecode/cv';
import { defaultInnerCv, parseGridSpec, resolveEstimator } from '@neurodecode/decoding';
import { loadPlugins, pluginForEstimator } from '../inputs.js';
import { loadDecodingInputs } from '../decoding-inputs.js';
import { addDecodingOptions, requireGroupsFor } from './decode.js';
import { log, parseIntArg, printJson, progressBar } from '../util.js';
import { checkReportPath, permutationReport, REPORT_FLAG } from '../report/commands.js';
import { decodingInputPaths, guardPaths, pathArgs } from '../guard.js';

export function register(program: Command): void {
  const cmd = program.command('permutation').description('Permutation test of a cross-validated score: p = (C + 1) / (n + 1)');
  addDecodingOptions(cmd)
    .option('--n-permutations <n>', 'number of label permutations', '100')
    .option('--seed <s>', 'random seed', '0')
    .option('--within-groups', 'permute labels only within each group (run); the default whenever groups are given')
    .option('--across-groups', 'permute labels across groups (runs) instead of within them')
    .option(...REPORT_FLAG)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      "\nScoring defaults to accuracy (scikit-learn's permutation_test_score default).\n\nExample:\n  neurodecode permutation --func bold.nii.gz --mask mask.nii.gz --labels labels.txt --targets face,house --n-permutations 100 --seed 0 --json",
    )
    .action(async (opts) => {
      checkReportPath(opts.report);
      guardPaths(decodingInputPaths(opts), pathArgs('--report', opts.report));
      await loadPlugins(opts.plugin);
      const nPermutations = parseIntArg('--n-permutations', opts.nPermutations, 1);
      const seed = parseIntArg('--seed', opts.seed);
      const cv = parseCvSpec(opts.cv);
      const { X, y, groups, maskImg } = await loadDecodingInputs(opts);
      requireGroupsFor(cv, opts.cv, groups, opts.groupColumn);
      let estimator: Estimator = resolveEstimator(opts.estimator);
      if (opts.grid) {
        // Groups are given to the grid search per fold, so a leave-one-run-out outer loop gets one inside.
        const inner = defaultInnerCv(cv, groups);
        estimator = new GridSearchCV({
          estimator,
          paramGrid: parseGridSpec(opts.grid),
          cv: inner,
          scoring: opts.scoring ?? 'accuracy',
        }) as unknown as Estimator;
      }
      const bar = progressBar('permutation');
      const started = performance.now();
      const res = permutationTestScore(estimator, X, y, {
        cv,
        groups,
        nPermutations,
        seed,
        scoring: opts.scoring ?? 'accuracy',
        permuteWithinGroups: opts.acrossGroups ? false : opts.withinGroups ? true : undefined,
        onProgress: (d: number, t: number) => bar.update(d, t),
      });
      bar.stop();
      const seconds = (performance.now() - started) / 1000;
      const result = {
        score: res.score,
        pvalue: res.pvalue,
        null_scores: Array.from(res.nullScores),
        n_permutations: nPermutations,
        seed,
        n_samples: X.rows,
        n_features: X.cols,
        estimator: opts.estimator,
        estimator_plugin: pluginForEstimator(opts.estimator),
        cv: opts.cv,
        scoring: opts.scoring ?? 'accuracy',
        seconds,
      };
      if (opts.report) await permutationReport(opts.report, { result, X, y, groups, cv, maskImg });
      if (opts.json) return printJson(result);
      log(`permutation: ${X.rows} samples x ${X.cols} voxels, ${nPermutations} permutations, ${seconds.toFixed(2)} s`);
      process.stdout.write(`score: ${res.score.toFixed(4)}\np-value: ${res.pvalue.toFixed(4)}\n`);
    });
}
