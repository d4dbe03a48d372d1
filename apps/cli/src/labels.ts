// Labels files, as the CLI reads them: a delimited table with a header row (Haxby's
// `labels chunks`, whitespace or commas), or BIDS events.tsv files (onset/duration/trial_type)
// turned into one label per volume with the TR (--tr, or the image header).
import { readTextFile } from './text-input.js';

export type Value = string | number;

export interface LabelTable {
  /** One label per volume (numbers when every entry is numeric, as pandas reads them). */
  labels: Value[];
  /** One group (run) per volume, when the file has the group column or several runs were given. */
  groups?: Value[];
}

/** Numbers when every entry parses as one (so runs sort 0, 1, 2, ..., 10, not "0", "1", "10"). */
export function coerceNumeric(values: string[]): Value[] {
  const allNumeric = values.length > 0 && values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return allNumeric ? values.map(Number) : values;
}

export interface ReadLabelsOptions {
  labelColumn?: string;
  groupColumn?: string;
  /** Repetition time in seconds: required for events.tsv files. */
  tr?: number;
  /** Volumes per run (one entry per events file), required for events.tsv files. */
  volumesPerRun?: number[];
  /** Seconds: volume v takes the event active at v * tr - hrfShift (the haemodynamic delay). */
  hrfShift?: number;
  /** Volumes no event covers: labelled 'rest' (default) or marked UNLABELED to be dropped. */
  unlabeled?: 'rest' | 'drop';
}

/** Label of a volume that no event covers under `unlabeled: 'drop'`; never a target. */
export const UNLABELED = '\u0000unlabeled';

function splitRow(line: string, delimiter: RegExp): string[] {
  return line
    .trim()
    .split(delimiter)
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
}

/** Bytes a labels/events file may hold: generous per volume, so only a wrong file is refused. */
export function labelsSizeLimit(volumes: number | undefined): number {
  return 64 * 1024 + 1024 * (volumes ?? 100_000);
}

function readTable(path: string, volumes?: number): { header: string[]; rows: string[][] } {
  const text = readTextFile(path, '--labels', labelsSizeLimit(volumes), `a labels file for ${volumes ?? 'that many'} volumes`);
  return parseTable(text, path);
}

/** Split a labels/events text into its header and rows (`path` only names it in errors). */
export function parseTable(text: string, path: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`labels: ${path} has no rows after the header`);
  const delimiter = lines[0]!.includes('\t') ? /\t/ : lines[0]!.includes(',') ? /\s*,\s*/ : /\s+/;
  const header = splitRow(lines[0]!, delimiter);
  const rows = lines.slice(1).map((l, i) => {
    const r = splitRow(l, delimiter);
    if (r.length !== header.length) {
      throw new Error(`labels: ${path} line ${i + 2} has ${r.length} fields, the header has ${header.length}`);
    }
    return r;
  });
  return { header, rows };
}

function isEventsTable(header: string[]): boolean {
  return header.includes('onset') && header.includes('duration');
}

/** Read one labels file, or several events.tsv files (one per run, in run order). */
export function readLabels(paths: string | string[], opts: ReadLabelsOptions = {}): LabelTable {
  const list = Array.isArray(paths) ? paths : paths.split(',').filter(Boolean);
  if (list.length === 0) throw new Error('labels: no file given');
  const volumes = opts.volumesPerRun?.reduce((a, b) => a + b, 0);
  return labelsFromTables(
    list.map((p) => ({ path: p, ...readTable(p, volumes) })),
    opts,
  );
}

/** The labels of parsed tables: one labels table, or one BIDS events table per run. */
export function labelsFromTables(tables: { path: string; header: string[]; rows: string[][] }[], opts: ReadLabelsOptions = {}): LabelTable {
  const labelColumn = opts.labelColumn ?? 'labels';
  const groupColumn = opts.groupColumn ?? 'chunks';
  if (tables.every((t) => isEventsTable(t.header))) return eventsToLabels(tables, opts);
  if (tables.length !== 1) throw new Error(`labels: several files are accepted only as BIDS events.tsv files (one per run)`);
  const { path, header, rows } = tables[0]!;
  const li = header.indexOf(labelColumn);
  if (li < 0) throw new Error(`--label-column: column "${labelColumn}" is not in ${path} (columns: ${header.join(', ')})`);
  const gi = header.indexOf(groupColumn);
  if (gi < 0 && opts.groupColumn) {
    throw new Error(`--group-column: column "${groupColumn}" is not in ${path} (columns: ${header.join(', ')})`);
  }
  return { labels: coerceNumeric(rows.map((r) => r[li]!)), groups: gi >= 0 ? coerceNumeric(rows.map((r) => r[gi]!)) : undefined };
}

function eventsToLabels(tables: { path: string; header: string[]; rows: string[][] }[], opts: ReadLabelsOptions): LabelTable {
  const tr = opts.tr;
  if (!(tr && tr > 0)) throw new Error(`--tr: events.tsv labels need the repetition time in seconds (e.g. --tr 2.5)`);
  const perRun = opts.volumesPerRun;
  if (!perRun || perRun.length !== tables.length) {
    throw new Error(
      `labels: ${tables.length} events file(s) given for ${perRun?.length ?? 0} functional run(s); give one events.tsv per run`,
    );
  }
  const labelColumn = opts.labelColumn ?? 'trial_type';
  const labels: string[] = [];
  const groups: number[] = [];
  tables.forEach((t, run) => {
    const col = t.header.indexOf(opts.labelColumn ?? 'trial_type');
    if (col < 0) throw new Error(`--label-column: column "${labelColumn}" is not in ${t.path} (columns: ${t.header.join(', ')})`);
    const on = t.header.indexOf('onset');
    const du = t.header.indexOf('duration');
    const events = t.rows.map((r, i) => {
      const onset = Number(r[on]),
        duration = Number(r[du]);
      if (!Number.isFinite(onset) || !Number.isFinite(duration))
        throw new Error(`labels: ${t.path} line ${i + 2}: onset/duration must be numbers`);
      return { onset, end: onset + duration, label: r[col]! };
    });
    const shift = opts.hrfShift ?? 0;
    const none = opts.unlabeled === 'drop' ? UNLABELED : 'rest';
    for (let v = 0; v < perRun[run]!; v++) {
      const time = v * tr - shift;
      const hit = events.find((e) => time >= e.onset && time < e.end);
      labels.push(hit ? hit.label : none);
      groups.push(run);
    }
  });
  return { labels, groups };
}

/** Indices of the volumes whose label is one of `targets` (all volumes when none are given). */
export function selectTargets(labels: readonly Value[], targets?: string[]): number[] {
  if (!targets || targets.length === 0) return labels.map((_, i) => i);
  const present = new Set(labels.map(String));
  present.delete(UNLABELED);
  const missing = targets.filter((t) => !present.has(t));
  if (missing.length) {
    throw new Error(
      `--targets: ${missing.map((m) => `"${m}"`).join(', ')} not found among the labels (${[...present].sort().slice(0, 12).join(', ')})`,
    );
  }
  const keep = new Set(targets);
  const out: number[] = [];
  labels.forEach((l, i) => {
    if (keep.has(String(l))) out.push(i);
  });
  return out;
}

export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
