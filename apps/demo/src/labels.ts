// Labels in the page, read from text (a dropped file): Haxby's `labels chunks` table (whitespace,
// tab or comma separated, with a header row) or a BIDS events.tsv turned into one label per
// volume with the repetition time. Same rules as the CLI's --labels, so the page's numbers match.

export type Value = string | number;

export interface VolumeLabels {
  /** One label per volume. */
  labels: Value[];
  /** One run per volume, when the file has a `chunks` column (events.tsv: all run 0). */
  groups?: Value[];
  /** 'table' for a labels/chunks file, 'events' for a BIDS events.tsv. */
  kind: 'table' | 'events';
}

/** Numbers when every entry parses as one (runs sort 0, 1, 2, ..., 10), else the strings. */
function numericIfAll(values: string[]): Value[] {
  const numeric = values.length > 0 && values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return numeric ? values.map(Number) : values;
}

function rowsOf(text: string, name: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`labels: ${name} has no rows after its header`);
  const first = lines[0]!;
  const delimiter = first.includes('\t') ? /\t/ : first.includes(',') ? /\s*,\s*/ : /\s+/;
  const split = (line: string) =>
    line
      .trim()
      .split(delimiter)
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  const header = split(first);
  const rows = lines.slice(1).map((line, i) => {
    const r = split(line);
    if (r.length !== header.length)
      throw new Error(`labels: ${name} line ${i + 2} has ${r.length} fields, its header has ${header.length}`);
    return r;
  });
  return { header, rows };
}

/**
 * Parse a labels file. `nVolumes` and `tr` are needed for events.tsv (which lists events in
 * seconds); for a table the row count must equal `nVolumes`.
 */
export function parseLabels(text: string, name: string, nVolumes: number, tr?: number): VolumeLabels {
  if (text.includes('\u0000')) throw new Error(`labels: ${name} is a binary file, not a text table`);
  const { header, rows } = rowsOf(text, name);
  if (header.includes('onset') && header.includes('duration')) {
    if (!(tr !== undefined && tr > 0))
      throw new Error(
        `labels: ${name} is a BIDS events.tsv; give the repetition time (TR, seconds) to turn its events into one label per volume`,
      );
    const col = header.indexOf('trial_type');
    if (col < 0) throw new Error(`labels: ${name} has no "trial_type" column (columns: ${header.join(', ')})`);
    const on = header.indexOf('onset'),
      du = header.indexOf('duration');
    const events = rows.map((r, i) => {
      const onset = Number(r[on]),
        duration = Number(r[du]);
      if (!Number.isFinite(onset) || !Number.isFinite(duration))
        throw new Error(`labels: ${name} line ${i + 2}: onset and duration must be numbers`);
      return { onset, end: onset + duration, label: r[col]! };
    });
    const labels: string[] = [];
    for (let v = 0; v < nVolumes; v++) {
      const time = v * tr;
      labels.push(events.find((e) => time >= e.onset && time < e.end)?.label ?? 'rest');
    }
    return { labels, groups: labels.map(() => 0), kind: 'events' };
  }
  const li = header.indexOf('labels');
  if (li < 0)
    throw new Error(
      `labels: ${name} has no "labels" column (columns: ${header.join(', ')}); expected a header such as "labels chunks" or a BIDS events.tsv`,
    );
  if (rows.length !== nVolumes) {
    throw new Error(`labels: ${name} has ${rows.length} rows but the functional image has ${nVolumes} volumes; they must match one to one`);
  }
  const gi = header.indexOf('chunks');
  return {
    labels: numericIfAll(rows.map((r) => r[li]!)),
    groups: gi >= 0 ? numericIfAll(rows.map((r) => r[gi]!)) : undefined,
    kind: 'table',
  };
}

/** Distinct labels with their volume counts, most frequent first (ties by name). */
export function labelCounts(labels: readonly Value[]): Array<{ label: string; count: number }> {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(String(l), (counts.get(String(l)) ?? 0) + 1);
  return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

/** Volumes whose label is one of `targets`, with a message naming any target not present. */
export function selectTargets(labels: readonly Value[], targets: readonly string[]): number[] {
  const present = new Set(labels.map(String));
  const missing = targets.filter((t) => !present.has(t));
  if (missing.length)
    throw new Error(
      `targets: ${missing.map((m) => `"${m}"`).join(', ')} not among the labels (${[...present].sort().slice(0, 12).join(', ')})`,
    );
  if (targets.length < 2) throw new Error('targets: choose at least two labels to decode between');
  const keep = new Set(targets);
  const out: number[] = [];
  labels.forEach((l, i) => {
    if (keep.has(String(l))) out.push(i);
  });
  return out;
}
