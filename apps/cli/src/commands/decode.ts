// neurodecode decode: cross-validated decoding with nilearn's Decoder workflow.
import type { Command } from 'commander';
import { Decoder, parseGridSpec } from '@neurodecode/decoding';
import { parseCvSpec, splitterUsesGroups, type Splitter } from '@neurodecode/cv';
import { writeNifti } from '@neurodecode/nifti-io';
import { addLabelOptions, collect, loadPlugins, pluginForEstimator } from '../inputs.js';
import { loadDecodingInputs } from '../decoding-inputs.js';
import { addPreprocessingOptions } from '../preprocessing.js';
import { buildModel, checkSavable, writeModel } from '../model-file.js';
import { createEstimator } from '@neurodecode/estimators';
import { parseList } from '../labels.js';
import { log, parseIntArg, printJson, progressBar } from '../util.js';
import { outOfFoldSummary, writePredictions } from '../decode-predictions.js';
import { checkReportPath, decodeReport, REPORT_FLAG } from '../report/commands.js';
import { decodingInputPaths, guardPaths, pathArgs } from '../guard.js';

export function addDecodingOptions(cmd: Command): Command {
  cmd
    .requiredOption('--func <file>', 'functional 4-D image (repeat or comma-separate to concatenate runs)', collect)
    .option('--mask <file>', 'mask image (computed from the data when absent)');
  return addPreprocessingOptions(addLabelOptions(cmd))
    .option(
      '--estimator <name>',
      'a nilearn Decoder string (svc, svc_l1, logistic_l1, ridge_classifier, dummy_classifier...) or a registered estimator name',
      'svc',
    )
    .option('--cv <spec>', 'logo | kfold:N | stratified:N | group:N', 'logo')
    .option('--grid <spec>', 'hyper-parameter grid, e.g. C=1,10,100')
    .option('--scoring <name>', 'roc_auc | accuracy | balanced_accuracy | r2')
    .option('--plugin <module>', 'import a module that registers estimators (repeatable)', collect);
}

/** A group-based --cv needs a group column; say which one is missing before any work is done. */
export function requireGroupsFor(cv: Splitter, spec: string, groups: unknown[] | undefined, groupColumn?: string): void {
  if (splitterUsesGroups(cv) && !groups) {
    throw new Error(`--cv: ${spec} needs groups, but the labels file has no "${groupColumn ?? 'chunks'}" column`);
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('decode')
    .description('Cross-validated decoding (nilearn Decoder): mask, standardize, screen, grid-search, score per fold');
  addDecodingOptions(cmd)
    .option('--selection <how>', 'nested (choose parameters on training folds) | test-fold (nilearn, optimistic)', 'nested')
    .option('--screening-percentile <p>', 'ANOVA screening percentile, scaled by mask size as nilearn does', '20')
    .option('--coef-out <file>', 'write the coefficient image (.nii.gz)')
    .option('--predictions-out <file>', 'write out-of-fold predictions as TSV (volume, run, true, predicted, decision values)')
    .option('--save-model <file>', 'save the fitted model (.ndm) for `neurodecode predict`')
    .option(...REPORT_FLAG)
    .option('--threads <n>', "worker threads for the outer folds (nilearn's n_jobs; default: every core)")
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  neurodecode decode --func bold.nii.gz --mask mask_vt.nii.gz --labels labels.txt --targets face,cat --cv logo --json',
    )
    .action(async (opts) => {
      checkReportPath(opts.report);
      guardPaths(decodingInputPaths(opts), [
        ...pathArgs('--coef-out', opts.coefOut),
        ...pathArgs('--predictions-out', opts.predictionsOut),
        ...pathArgs('--save-model', opts.saveModel),
        ...pathArgs('--report', opts.report),
      ]);
      await loadPlugins(opts.plugin);
      const cv = parseCvSpec(opts.cv);
      if (opts.saveModel) checkSavable(opts.estimator, createEstimator);
      const { X, y, groups, maskImg, masker, volumes, settings } = await loadDecodingInputs(opts);
      requireGroupsFor(cv, opts.cv, groups, opts.groupColumn);
      const screening = opts.screeningPercentile === 'none' ? null : Number(opts.screeningPercentile);
      if (screening !== null && !(screening > 0 && screening <= 100)) {
        throw new Error(`--screening-percentile: expected a number in (0, 100] or "none", got "${opts.screeningPercentile}"`);
      }
      const threads = opts.threads !== undefined ? parseIntArg('--threads', opts.threads, 1) : undefined;
      const bar = progressBar('decode');
      const started = performance.now();
      const decoder = new Decoder({
        estimator: opts.estimator,
        cv,
        paramGrid: opts.grid ? parseGridSpec(opts.grid) : undefined,
        scoring: opts.scoring,
        selection: opts.selection,
        screeningPercentile: screening,
        maskImg,
        nJobs: threads,
        onProgress: (d, t) => bar.update(d, t),
      });
      decoder.fitMatrix(X, y, { groups });
      bar.stop();
      const seconds = (performance.now() - started) / 1000;
      const classes = decoder.classes.map(String);
      const perClass = decoder.cvScores;
      const nFolds = perClass[classes[classes.length - 1]!]!.length;
      // One score per fold: the binary problem's, or the mean over one-vs-rest problems.
      const problemKeys = classes.length === 2 ? [classes[1]!] : classes;
      const cvScores = Array.from({ length: nFolds }, (_, f) => problemKeys.reduce((s, k) => s + perClass[k]![f]!, 0) / problemKeys.length);
      let coefOut: string | undefined;
      let coefWarning: string | undefined;
      if (opts.coefOut && !decoder.hasCoefficients) {
        // A non-linear estimator has no weights to map: say so, and still report the scores.
        coefWarning = `--coef-out: estimator "${opts.estimator}" has no linear coefficients, so no coefficient image was written`;
        log(`warning: ${coefWarning}`);
      } else if (opts.coefOut) {
        // Binary: the weights whose positive side is classes[1] (nilearn keys them under classes[0]).
        const w = decoder.coefByClass().get(decoder.classes[0]!)!;
        await writeNifti(masker.inverseTransform(w), opts.coefOut);
        coefOut = opts.coefOut;
      }
      if (opts.predictionsOut) await writePredictions(opts.predictionsOut, decoder, volumes, y, groups);
      if (opts.saveModel)
        writeModel(buildModel(decoder, opts.estimator, maskImg, masker.voxelOffsets, settings, parseList(opts.targets)), opts.saveModel);
      const result = {
        cv_scores: cvScores,
        mean_score: cvScores.reduce((a, b) => a + b, 0) / cvScores.length,
        cv_scores_per_class: perClass,
        cv_params: decoder.cvParams[problemKeys[0]!],
        classes,
        n_samples: X.rows,
        n_features: X.cols,
        screening_percentile: decoder.screeningPercentileUsed,
        estimator: opts.estimator,
        estimator_plugin: pluginForEstimator(opts.estimator),
        cv: opts.cv,
        selection: opts.selection,
        scoring: opts.scoring ?? 'roc_auc',
        seconds,
        coef_out: coefOut ?? null,
        predictions_out: opts.predictionsOut ?? null,
        ...outOfFoldSummary(decoder, y),
        model_out: opts.saveModel ?? null,
        ...(coefWarning ? { warnings: [coefWarning] } : {}),
      };
      if (opts.report) {
        // As --coef-out: binary weights whose positive side is classes[1] sit under classes[0].
        const w = decoder.coefByClass().get(decoder.classes[0]!)!;
        await decodeReport(opts.report, { result, X, y, groups, cv, maskImg, coefImg: masker.inverseTransform(w) });
      }
      if (opts.json) return printJson(result);
      log(`decode: ${X.rows} samples x ${X.cols} voxels, ${classes.join(' vs ')}, ${opts.cv}, ${seconds.toFixed(2)} s`);
      process.stdout.write(
        `cv scores (${result.scoring}): ${cvScores.map((s) => s.toFixed(3)).join(' ')}\nmean: ${result.mean_score.toFixed(4)}\n`,
      );
    });
}
