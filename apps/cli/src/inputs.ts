// Loading what decode/permutation/searchlight/spacenet share: functional runs, a mask, labels
// (with --targets), groups, and plugins that register estimators.
import { Option, type Command } from 'commander';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolvePlugin } from '@neurodecode/estimators/plugins';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';
import { listEstimators } from '@neurodecode/estimators';
import { readLabels, selectTargets, parseList, UNLABELED, type LabelTable, type Value } from './labels.js';
import { beginStep, endStep } from './exit-guard.js';
import { log } from './util.js';
import { assertRegularFile } from './text-input.js';

export interface LabelOptions {
  labels: string;
  targets?: string;
  labelColumn?: string;
  groupColumn?: string;
  tr?: string;
  hrfShift?: string;
  unlabeled?: string;
}

/** Split repeated/comma-separated --func values into a list of paths. */
export function funcList(func: string | string[]): string[] {
  const list = (Array.isArray(func) ? func : [func])
    .flatMap((f) => f.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length) throw new Error('--func: no functional image given');
  return list;
}

export async function readFuncRuns(paths: string[]): Promise<NiftiImage[]> {
  const imgs: NiftiImage[] = [];
  for (const p of paths) {
    const img = await readNifti(p, { dtype: 'float32' });
    if (imgs.length) {
      const a = imgs[0]!;
      if (img.shape.slice(0, 3).join('x') !== a.shape.slice(0, 3).join('x')) {
        throw new Error(`--func: ${p} has shape ${img.shape.slice(0, 3).join('x')}, the first run has ${a.shape.slice(0, 3).join('x')}`);
      }
    }
    imgs.push(img);
  }
  return imgs;
}

export interface SelectedLabels {
  table: LabelTable;
  /** Volume indices kept by --targets, in order. */
  keep: number[];
  y: Value[];
  groups?: Value[];
}

/**
 * Read the labels for the runs' volumes and keep the --targets rows (and, with events files and
 * --unlabeled drop, only volumes an event covers). The TR comes from --tr, else the first run's header.
 */
export function loadLabels(opts: LabelOptions, runs: readonly { nVolumes: number; tr?: number }[]): SelectedLabels {
  const volumesPerRun = runs.map((r) => r.nVolumes);
  const tr = opts.tr !== undefined ? Number(opts.tr) : runs[0]?.tr;
  if (opts.tr !== undefined && !(tr! > 0)) throw new Error(`--tr: expected a positive number of seconds, got "${opts.tr}"`);
  const hrfShift = opts.hrfShift !== undefined ? Number(opts.hrfShift) : 0;
  if (!Number.isFinite(hrfShift)) throw new Error(`--hrf-shift: expected a number of seconds, got "${opts.hrfShift}"`);
  const unlabeled = opts.unlabeled ?? 'rest';
  if (unlabeled !== 'rest' && unlabeled !== 'drop') throw new Error(`--unlabeled: expected rest or drop, got "${unlabeled}"`);
  const table = readLabels(opts.labels, {
    labelColumn: opts.labelColumn,
    groupColumn: opts.groupColumn,
    tr,
    volumesPerRun,
    hrfShift,
    unlabeled,
  });
  const nVolumes = volumesPerRun.reduce((a, b) => a + b, 0);
  if (table.labels.length !== nVolumes) {
    throw new Error(`--labels: ${table.labels.length} labels but --func has ${nVolumes} volumes`);
  }
  const keep = selectTargets(table.labels, parseList(opts.targets)).filter((i) => table.labels[i] !== UNLABELED);
  return {
    table,
    keep,
    y: keep.map((i) => table.labels[i]!),
    groups: table.groups ? keep.map((i) => table.groups![i]!) : undefined,
  };
}

/** Which plugin provided each estimator name it registered or replaced (for JSON output). */
const estimatorPlugins = new Map<string, string>();

/** The --plugin that registered (or replaced) `estimator`, if any. */
export function pluginForEstimator(estimator: string): string | null {
  return estimatorPlugins.get(estimator) ?? null;
}

/** A plugin's module load may not take longer than this (its top-level await included). */
function pluginTimeoutMs(): number {
  const v = Number(process.env.NEURODECODE_PLUGIN_TIMEOUT_MS);
  return v > 0 ? v : 60_000;
}

/**
 * Import plugin modules so they register estimators: resolved as Node's ESM loader would from the
 * current directory (ESM-only packages, relative paths and package folders all work).
 */
export async function loadPlugins(plugins: string[] | undefined): Promise<void> {
  if (!plugins?.length) return;
  for (const name of plugins) {
    let target: string;
    try {
      // Resolved as Node's ESM loader would from the current directory: ESM-only packages
      // (`exports` with `import` only), relative paths and package folders all load.
      target = fileURLToPath(resolvePlugin(name, process.cwd()));
    } catch (err) {
      throw new Error(`--plugin: cannot find "${name}" from ${process.cwd()} (${(err as Error).message})`);
    }
    assertRegularFile(target, '--plugin');
    const before = new Map(listEstimators().map((e) => [e.name, e]));
    const timeout = pluginTimeoutMs();
    let timer: NodeJS.Timeout | undefined;
    // If the module's top-level await can never settle, the event loop empties and the exit
    // guard reports this step; if it keeps the loop busy instead, the deadline fires.
    beginStep(`--plugin: "${name}" never finished loading (its top-level await never settles); nothing was written`);
    try {
      await Promise.race([
        import(pathToFileURL(target).href),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`--plugin: "${name}" did not finish loading within ${timeout / 1000} s`)), timeout);
          timer.unref();
        }),
      ]);
    } catch (err) {
      const msg = (err as Error).message;
      throw new Error(msg.startsWith('--plugin:') ? msg : `--plugin: loading "${name}" failed (${msg})`);
    } finally {
      clearTimeout(timer);
      endStep();
    }
    for (const entry of listEstimators()) {
      const previous = before.get(entry.name);
      if (previous === entry) continue;
      estimatorPlugins.set(entry.name, name);
      if (previous) log(`neurodecode: warning: --plugin ${name} replaces the built-in estimator "${entry.name}"`);
    }
  }
}

export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat([value]);
}

/** The labels options every decoding command shares (--labels, --targets, columns, --tr). */
export function addLabelOptions(cmd: Command, { required = true } = {}): Command {
  const help = 'labels file (header row, e.g. "labels chunks") or BIDS events.tsv per run (TR from --tr or the image header)';
  return (required ? cmd.requiredOption('--labels <file>', help) : cmd.option('--labels <file>', help))
    .option('--targets <a,b>', 'keep only volumes with these labels')
    .option('--label-column <name>', 'label column (default: labels)')
    .option('--group-column <name>', 'group (run) column (default: chunks)')
    .option('--tr <seconds>', 'repetition time for events.tsv labels (default: from the image header)')
    .option('--hrf-shift <seconds>', 'events.tsv: label each volume by the event HRF-SHIFT seconds earlier (haemodynamic delay)', '0')
    .addOption(new Option('--unlabeled <how>', 'events.tsv: volumes no event covers').choices(['rest', 'drop']).default('rest'));
}
