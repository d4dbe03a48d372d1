// neurodecode searchlight: cross-validated scores of a classifier in a sphere around every voxel,
// optionally as one shard of N (merged later by `neurodecode searchlight merge`).
import type { Command } from 'commander';
import { readNifti, writeNifti, type NiftiImage } from '@neurodecode/nifti-io';
import type { Matrix } from '@neurodecode/matrix';
import { mergeShards, savePartial, searchlight } from '@neurodecode/searchlight';
import { addLabelOptions, collect, funcList, loadLabels, loadPlugins, pluginForEstimator, readFuncRuns } from '../inputs.js';
import { parseList } from '../labels.js';
import { addPreprocessingOptions, maskAndClean, toStandardize, wantsCleaning, type PreprocessingCliOptions } from '../preprocessing.js';
import { checkReportPath, mapReport, REPORT_FLAG } from '../report/commands.js';
import { log, parseIntArg, parseNumberArg, printJson, progressBar } from '../util.js';
import { runNullMaps, wantsNullMaps, type NullCliOptions } from './searchlight-null.js';
import { decodingInputPaths, guardPaths, pathArgs } from '../guard.js';

interface SearchlightCliOptions extends NullCliOptions, PreprocessingCliOptions {
  func: string[];
  mask: string;
  processMask?: string;
  labels: string;
  targets?: string;
  labelColumn?: string;
  groupColumn?: string;
  tr?: string;
  hrfShift?: string;
  unlabeled?: string;
  radius: string;
  estimator: string;
  cv?: string;
  scoring: string;
  standardizeFolds?: boolean;
  threads?: string;
  shard?: string;
  checkpoint?: string;
  checkpointEvery?: string;
  plugin?: string[];
  out: string;
  report?: string;
  json?: boolean;
}

/** "i/N" -> {index, count}. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new Error(`--shard: expected INDEX/COUNT such as 0/4, got "${value}"`);
  const index = Number(m[1]),
    count = Number(m[2]);
  if (count < 1 || index >= count) throw new Error(`--shard: index ${index} is out of range for ${count} shards (0..${count - 1})`);
  return { index, count };
}

function summary(scores: Float64Array): { mean: number; max: number } {
  let sum = 0,
    max = -Infinity;
  for (const s of scores) {
    sum += s;
    if (s > max) max = s;
  }
  return { mean: scores.length ? sum / scores.length : NaN, max };
}

async function run(opts: SearchlightCliOptions): Promise<void> {
  const radius = parseNumberArg('--radius', opts.radius);
  if (!(radius > 0)) throw new Error(`--radius: must be a positive number of mm, got ${opts.radius}`);
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  if (shard && /\.nii(\.gz)?$/.test(opts.out)) {
    throw new Error(
      `--out: a shard writes a partial result, not an image; name it e.g. scores.part${shard.index} and merge the parts with "neurodecode searchlight merge"`,
    );
  }
  if (!shard && !/\.nii(\.gz)?$/.test(opts.out)) throw new Error(`--out: must end in .nii or .nii.gz, got "${opts.out}"`);
  const threads = opts.threads !== undefined ? parseIntArg('--threads', opts.threads, 1) : undefined;
  checkReportPath(opts.report);
  if (shard && opts.report) throw new Error('--report: a shard has no map yet; report on the merged map (neurodecode plot / view)');
  guardPaths(decodingInputPaths(opts), [
    ...pathArgs('--out', opts.out),
    ...pathArgs('--checkpoint', opts.checkpoint),
    ...pathArgs('--report', opts.report),
    ...pathArgs('--null-out', opts.nullOut),
  ]);
  await loadPlugins(opts.plugin);
  const runs = await readFuncRuns(funcList(opts.func));
  const labels = loadLabels(opts, runs);
  const mask = await readNifti(opts.mask);
  // Preprocessing works on whole runs, so the cleaned, selected volumes go in as a matrix;
  // without it the engine reads the images itself (less memory).
  let func: NiftiImage[] | Matrix = runs;
  let y = labels.table.labels.map(String);
  let groups = labels.table.groups;
  let targets = parseList(opts.targets);
  if (wantsCleaning(opts) || toStandardize(opts.standardize)) {
    func = (await maskAndClean(runs, mask, labels.keep, opts)).X;
    y = labels.y.map(String);
    groups = labels.groups;
    targets = undefined;
  } else if (labels.keep.length < y.length && !targets) {
    targets = [...new Set(labels.keep.map((i) => y[i]!))]; // --unlabeled drop
  }
  const inputs = {
    func,
    mask,
    processMask: opts.processMask,
    y,
    targets,
    groups,
    cv: opts.cv ?? (groups ? 'logo' : 'kfold:5'),
    // Plugins loaded above are known to the registry, which hands their modules to the workers.
    estimator: { name: opts.estimator },
    scoring: opts.scoring,
    radius,
    standardize: !!opts.standardizeFolds,
    threads,
  };
  // Preprocessing does not depend on the labels: the cleaned matrix serves every permutation.
  if (wantsNullMaps(opts)) return runNullMaps(opts, inputs);
  const bar = progressBar('searchlight');
  let result;
  try {
    result = await searchlight({
      ...inputs,
      shard,
      checkpoint: opts.checkpoint,
      checkpointInterval:
        opts.checkpointEvery !== undefined ? parseNumberArg('--checkpoint-every', opts.checkpointEvery) * 1000 : undefined,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  if (shard) await savePartial(opts.out, result.partial!);
  else await writeNifti(result.scoresImg, opts.out);
  const { mean, max } = summary(result.scores);
  const out = {
    n_spheres: result.nSpheres,
    mean_score: mean,
    max_score: max,
    seconds: Number(result.seconds.toFixed(3)),
    out: opts.out,
    estimator: opts.estimator,
    estimator_plugin: pluginForEstimator(opts.estimator),
    kernel: result.kernel,
    threads: result.threads,
    n_folds: result.nFolds,
    shard: shard ? `${shard.index}/${shard.count}` : null,
  };
  if (opts.report) {
    const y = labels.y;
    const chance = opts.scoring === 'roc_auc' ? 0.5 : 1 / new Set(y.map(String)).size;
    let maskVoxels = 0;
    for (let p = 0; p < mask.volumeSize; p++) if (mask.data[p]) maskVoxels++;
    await mapReport(opts.report, {
      command: 'searchlight',
      result: out,
      map: result.scoresImg,
      mapLabel: `searchlight ${opts.scoring}`,
      kind: 'score',
      chance,
      grid: runs[0]!.shape,
      maskVoxels,
      y,
      groups: labels.groups,
    });
  }
  if (opts.json) return printJson(out);
  log(
    `searchlight: ${result.nSpheres} spheres (${result.kernel} path, ${result.nFolds} folds, ${result.threads} threads) in ${result.seconds.toFixed(1)} s`,
  );
  process.stdout.write(`mean score ${mean.toFixed(4)}, max ${max.toFixed(4)} -> ${opts.out}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('searchlight')
    .description('Cross-validated decoding score in a sphere around every voxel (Kriegeskorte et al., 2006)')
    .option('--func <file>', '4-D image; repeat or comma-separate to concatenate runs', collect)
    .option('--mask <file>', 'mask image: the voxels spheres draw from')
    .option('--process-mask <file>', 'sphere centres (a subset of the mask; default: the whole mask)');
  // Not required at this level: `searchlight merge` takes no labels.
  addPreprocessingOptions(addLabelOptions(cmd, { required: false }), { standardizeDefault: 'none' })
    .option('--radius <mm>', 'sphere radius in mm', '5.6')
    .option('--estimator <name>', 'svc | gnb | logistic | any registered name', 'svc')
    .option('--cv <spec>', 'kfold:N | logo | stratified:N | group:N (default: logo with groups, else kfold:5)')
    .option('--scoring <name>', 'accuracy | balanced_accuracy | roc_auc ...', 'accuracy')
    .option('--standardize-folds', "z-score each sphere with the training fold's mean and std")
    .option('--threads <n>', 'worker threads (default: the core count)')
    .option('--shard <i/N>', 'compute only shard i of N and write a partial result')
    .option('--checkpoint <file>', 'save progress here and resume from it after an interruption')
    .option('--checkpoint-every <seconds>', 'time between checkpoint saves (default 10)')
    .option('--plugin <module>', 'import a module that registers estimators (repeatable)', collect)
    .option('--n-permutations <k>', 'also compute K null maps with labels permuted within runs (needs --null-out)')
    .option('--seed <s>', 'seed of the label permutations', '0')
    .option('--null-out <file>', '4-D image of the K null maps (.nii.gz), for neurodecode group --method stelzer|prevalence')
    .option('--out <file>', 'scores image (.nii.gz), or the partial result of a shard')
    .option(...REPORT_FLAG)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  neurodecode searchlight --func bold.nii.gz --mask mask.nii.gz --labels labels.txt \\',
        '    --targets face,house --radius 5.6 --cv kfold:4 --out scores.nii.gz --json',
        '  neurodecode searchlight ... --shard 0/4 --out scores.part0   (then: searchlight merge)',
        '  neurodecode searchlight ... --n-permutations 100 --seed 0 --out acc.nii.gz --null-out null.nii.gz',
      ].join('\n'),
    )
    .action(async (opts: SearchlightCliOptions) => {
      for (const [flag, key] of [
        ['--func', 'func'],
        ['--mask', 'mask'],
        ['--labels', 'labels'],
        ['--out', 'out'],
      ] as const) {
        if (opts[key] === undefined) throw new Error(`${flag}: required`);
      }
      await run(opts);
    });
  cmd
    .command('merge')
    .description('Assemble shard partial results into the full scores image')
    .argument('<parts...>', 'partial results written by --shard i/N')
    .option('--out <file>', 'scores image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (parts: string[], own: { out?: string; json?: boolean }) => {
      // Commander hands --out/--json to the parent command, which declares the same flags.
      const parent = cmd.opts() as { out?: string; json?: boolean };
      const opts = { out: own.out ?? parent.out, json: own.json ?? parent.json };
      if (!opts.out) throw new Error('--out: required');
      if (!/\.nii(\.gz)?$/.test(opts.out)) throw new Error(`--out: must end in .nii or .nii.gz, got "${opts.out}"`);
      guardPaths(pathArgs('part', parts), pathArgs('--out', opts.out));
      const t0 = performance.now();
      const merged = await mergeShards(parts, opts.out);
      const { mean, max } = summary(merged.scores);
      const out = {
        n_spheres: merged.nSpheres,
        mean_score: mean,
        max_score: max,
        seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
        out: opts.out,
        parts: parts.length,
      };
      if (opts.json) return printJson(out);
      process.stdout.write(`merged ${parts.length} parts: ${merged.nSpheres} spheres, mean score ${mean.toFixed(4)} -> ${opts.out}\n`);
    });
}
