// Loading what decode/permutation/searchlight/spacenet share: functional runs, a mask, labels
// (with --targets), groups, and plugins that register estimators.
import type { Command } from 'commander';
import { loadPlugins as loadPluginModules } from '@neurodecode/estimators/plugins';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';
import { readLabels, selectTargets, parseList, type LabelTable, type Value } from './labels.js';

export interface LabelOptions {
  labels: string;
  targets?: string;
  labelColumn?: string;
  groupColumn?: string;
  tr?: string;
}

/** Split repeated/comma-separated --func values into a list of paths. */
export function funcList(func: string | string[]): string[] {
  const list = (Array.isArray(func) ? func : [func]).flatMap((f) => f.split(',')).map((s) => s.trim()).filter(Boolean);
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

/** Read the labels for `volumesPerRun` volumes and keep the --targets rows. */
export function loadLabels(opts: LabelOptions, volumesPerRun: number[]): SelectedLabels {
  const tr = opts.tr !== undefined ? Number(opts.tr) : undefined;
  if (opts.tr !== undefined && !(tr! > 0)) throw new Error(`--tr: expected a positive number of seconds, got "${opts.tr}"`);
  const table = readLabels(opts.labels, { labelColumn: opts.labelColumn, groupColumn: opts.groupColumn, tr, volumesPerRun });
  const nVolumes = volumesPerRun.reduce((a, b) => a + b, 0);
  if (table.labels.length !== nVolumes) {
    throw new Error(`--labels: ${table.labels.length} labels but --func has ${nVolumes} volumes`);
  }
  const keep = selectTargets(table.labels, parseList(opts.targets));
  return {
    table,
    keep,
    y: keep.map((i) => table.labels[i]!),
    groups: table.groups ? keep.map((i) => table.groups![i]!) : undefined,
  };
}

/**
 * Import plugin modules so they register estimators: resolved as Node's ESM loader would from the
 * current directory (ESM-only packages, relative paths and package folders all work).
 */
export async function loadPlugins(plugins: string[] | undefined): Promise<void> {
  if (!plugins?.length) return;
  await loadPluginModules(plugins, process.cwd(), '--plugin');
}

export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat([value]);
}

/** The labels options every decoding command shares (--labels, --targets, columns, --tr). */
export function addLabelOptions(cmd: Command, { required = true } = {}): Command {
  const help = 'labels file (header row, e.g. "labels chunks") or BIDS events.tsv per run (with --tr)';
  return (required ? cmd.requiredOption('--labels <file>', help) : cmd.option('--labels <file>', help))
    .option('--targets <a,b>', 'keep only volumes with these labels')
    .option('--label-column <name>', 'label column (default: labels)')
    .option('--group-column <name>', 'group (run) column (default: chunks)')
    .option('--tr <seconds>', 'repetition time, for events.tsv labels');
}
