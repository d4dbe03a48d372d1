// `--report FILE.html`: one self-contained page per result (decode, permutation, searchlight,
// spacenet, demo): how it was run, on what, the numbers, and the figures that fit them (PNG
// inlined), the interactive viewer for maps, and for MNI maps the top clusters with their regions.
import { clustersTable, type ClusterRow } from '@neurodecode/image-ops';
import type { NiftiImage } from '@neurodecode/nifti-io';
import {
  confusionMatrix,
  encodePng,
  foldScores,
  glassBrain,
  nullHistogram,
  scoreHistogram,
  statMap,
  writeFileAtomic,
  type Figure,
} from '@neurodecode/plotting/node';
import { resolveBackground } from './background.js';
import { commandLine, isMniSpace, packageVersions, resolveAtlas } from './context.js';
import { escapeHtml, VIEWER_CSS, viewerData, viewerSection } from './viewer-html.js';

type Value = string | number;

export interface ReportMap {
  img: NiftiImage;
  /** What the values are, e.g. 'searchlight accuracy' or 'SVC weights'. */
  label: string;
  /** 'score': values vs chance (one-sided); 'weights': signed. */
  kind: 'score' | 'weights';
  /** Display / cluster threshold (default: 95th percentile of the non-zero |values|). */
  threshold?: number;
  /** Chance level of a score map (marked on the histogram). */
  chance?: number;
}

export interface ReportSpec {
  command: string;
  /** The command's --json result (shown in full at the end, and its headline numbers first). */
  result: Record<string, unknown>;
  /** [label, value] lines for the headline box; the first is the mean score (id mean-score). */
  headline: [string, string][];
  seed?: number;
  inputs?: { grid?: readonly number[]; maskVoxels?: number; y?: readonly Value[]; groups?: readonly Value[]; extra?: [string, string][] };
  folds?: { scores: number[]; chance?: number[]; scoring: string; chanceNote?: string };
  permutation?: { nullScores: number[]; observed: number; pValue: number };
  /** `what`: which predictions were counted (default: all folds). */
  confusion?: { matrix: number[][]; labels: string[]; what?: string };
  maps?: ReportMap[];
  notes?: string[];
}

function counts(values: readonly Value[] | undefined): string {
  if (!values) return '-';
  const m = new Map<string, number>();
  for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return [...m]
    .sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

function png(fig: Figure): string {
  return Buffer.from(encodePng(fig)).toString('base64');
}

function figureHtml(title: string, fig: Figure, caption = ''): string {
  return `<figure><figcaption><b>${escapeHtml(title)}</b>${caption ? ` ${escapeHtml(caption)}` : ''}</figcaption><img alt="${escapeHtml(title)}" src="data:image/png;base64,${png(fig)}" width="${fig.width}" height="${fig.height}"></figure>`;
}

function table(rows: [string, string][], head?: [string, string]): string {
  return `<table>${head ? `<tr><th>${escapeHtml(head[0])}</th><th>${escapeHtml(head[1])}</th></tr>` : ''}${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

/** 95th percentile of the non-zero |values|: where maps are thresholded when no threshold is given. */
function defaultThreshold(img: NiftiImage): number {
  const v: number[] = [];
  const step = Math.max(1, Math.floor(img.volumeSize / 200_000));
  for (let p = 0; p < img.volumeSize; p += step) {
    const x = Number(img.data[p]);
    if (x !== 0 && Number.isFinite(x)) v.push(Math.abs(x));
  }
  v.sort((a, b) => a - b);
  return v.length ? v[Math.floor(0.95 * (v.length - 1))]! : 0;
}

/** Display along the axes a map actually has: a single-slice image is shown as axial slices only. */
function displayFor(img: NiftiImage): { displayMode: 'ortho' | 'z'; cutCoords?: number } {
  return img.shape[2] === 1 || img.shape[0] === 1 || img.shape[1] === 1 ? { displayMode: 'z', cutCoords: 1 } : { displayMode: 'ortho' };
}

async function mapSection(m: ReportMap, withViewer: boolean, notes: string[]): Promise<string> {
  const mni = isMniSpace(m.img);
  const parts: string[] = [];
  const threshold = m.threshold ?? defaultThreshold(m.img);
  const bgs = mni ? await resolveBackground(undefined) : { bg: null, brainMask: null, notices: [] };
  notes.push(...bgs.notices);
  const cmap = m.kind === 'score' ? 'black_red' : 'cold_hot';
  const display = displayFor(m.img);
  // Outside MNI space there is no template: the map's own extent (non-zero voxels) as a grey silhouette.
  const bg =
    bgs.bg ??
    m.img.withData(
      Uint8Array.from({ length: m.img.volumeSize }, (_, p) => (m.img.data[p] ? 1 : 0)),
      m.img.shape.slice(0, 3),
    );
  const stat = statMap(m.img, { bg, threshold, cmap, title: m.label, ...display });
  notes.push(...stat.notices);
  parts.push(
    figureHtml(
      `${m.label}: slices`,
      stat,
      `threshold ${threshold.toPrecision(3)}${mni ? ', MNI152 background' : " (not in MNI space: drawn over the map's own extent)"}`,
    ),
  );
  if (mni && display.displayMode === 'ortho') {
    const glass = glassBrain(m.img, { brainMask: bgs.brainMask, threshold, plotAbs: m.kind === 'score', displayMode: 'lyrz' });
    parts.push(figureHtml(`${m.label}: glass brain`, glass));
  }
  if (m.kind === 'score') {
    const values: number[] = [];
    for (let p = 0; p < m.img.volumeSize; p++) {
      const x = Number(m.img.data[p]);
      if (x !== 0 && Number.isFinite(x)) values.push(x);
    }
    if (values.length)
      parts.push(figureHtml(`${m.label}: histogram over the mask`, scoreHistogram(values, { chance: m.chance, title: m.label })));
  }
  if (mni) parts.push(await clustersSection(m, threshold, notes));
  if (withViewer) {
    const data = await viewerData({ map: m.img, bg: bgs.bg, threshold, cmap: 'warm' });
    parts.push(`<h3>Explore the map</h3>${viewerSection(data)}`); // its notes are shown under it
  }
  return `<section><h2>${escapeHtml(m.label)}</h2>${parts.join('\n')}</section>`;
}

async function clustersSection(m: ReportMap, threshold: number, notes: string[]): Promise<string> {
  const { atlas, name, note } = await resolveAtlas();
  if (note) notes.push(note);
  let rows: ClusterRow[];
  try {
    rows = await clustersTable(m.img, { threshold, twoSided: m.kind === 'weights', minSize: 5, atlas });
  } catch (err) {
    notes.push(`clusters table: ${(err as Error).message}`);
    return '';
  }
  const top = rows.slice(0, 10);
  const body = top
    .map(
      (r) =>
        `<tr><td>${r.id}</td><td>${r.size}</td><td>${r.peakValue.toPrecision(4)}</td><td>${r.peakMm.map((x) => x.toFixed(0)).join(', ')}</td><td>${escapeHtml(r.region ?? '-')}</td></tr>`,
    )
    .join('');
  return `<h3>Top clusters</h3><p>Clusters of at least 5 voxels ${m.kind === 'weights' ? 'with |value|' : 'with values'} above ${threshold.toPrecision(3)} (6-connectivity), ${rows.length} in all; regions at the peaks from ${escapeHtml(name ?? 'no atlas')}.</p>
<table class="clusters"><tr><th>cluster</th><th>voxels</th><th>peak value</th><th>peak x, y, z (mm)</th><th>region at peak</th></tr>${body || '<tr><td colspan="5">no cluster above the threshold</td></tr>'}</table>`;
}

const CSS = `body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; } th, td { text-align: left; padding: .2em .8em .2em 0; vertical-align: top; }
table.clusters td, table.clusters th { border-bottom: 1px solid #eee; padding-right: 1.2em; }
.headline { display: flex; gap: 2.5em; flex-wrap: wrap; background: #f4f6f8; padding: .8em 1.2em; border-radius: 6px; }
.headline div b { display: block; font-size: 1.6em; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; } code, pre { font: 12px ui-monospace, monospace; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; } .note { color: #7a5200; }
${VIEWER_CSS}`;

/** Build the page and write it atomically; returns its size in bytes. */
export async function writeReport(path: string, spec: ReportSpec): Promise<number> {
  const started = performance.now();
  const notes = [...(spec.notes ?? [])];
  const sections: string[] = [];
  const figs: string[] = [];
  if (spec.folds) {
    const f = spec.folds;
    figs.push(
      figureHtml(
        'Scores per fold',
        foldScores(f.scores, { chance: f.chance, ylabel: f.scoring, title: `${f.scoring} per fold` }),
        f.chanceNote ?? '',
      ),
    );
  }
  if (spec.permutation) {
    const p = spec.permutation;
    figs.push(
      figureHtml(
        'Permutation test',
        nullHistogram(p.nullScores, p.observed, { pValue: p.pValue, title: `${p.nullScores.length} permutations` }),
      ),
    );
  }
  if (spec.confusion)
    figs.push(
      figureHtml(
        'Confusion matrix',
        confusionMatrix(spec.confusion.matrix, {
          labels: spec.confusion.labels,
          title: `confusion matrix (${spec.confusion.what ?? 'all folds'})`,
        }),
      ),
    );
  if (figs.length) sections.push(`<section><h2>Scores</h2>${figs.join('\n')}</section>`);
  for (const [i, m] of (spec.maps ?? []).entries()) sections.push(await mapSection(m, i === 0, notes));

  const inputs: [string, string][] = [];
  const inp = spec.inputs;
  if (inp?.grid) inputs.push(['image grid', inp.grid.join(' x ')]);
  if (inp?.maskVoxels !== undefined) inputs.push(['voxels in the mask', String(inp.maskVoxels)]);
  if (inp?.y) inputs.push(['samples', String(inp.y.length)], ['samples per class', counts(inp.y)]);
  if (inp?.groups) inputs.push(['samples per run', counts(inp.groups)]);
  inputs.push(...(inp?.extra ?? []));
  const timings: [string, string][] = [];
  if (typeof spec.result.seconds === 'number') timings.push(['computation', `${(spec.result.seconds as number).toFixed(2)} s`]);
  timings.push(['this report', `${((performance.now() - started) / 1000).toFixed(2)} s`]);
  const run: [string, string][] = [
    ['command line', commandLine()],
    ['date', new Date().toISOString()],
    ['seed', spec.seed === undefined ? '-' : String(spec.seed)],
    ...timings,
  ];
  const versions = Object.entries(packageVersions()) as [string, string][];
  const headline = spec.headline
    .map(([k, v], i) => `<div${i === 0 ? ' id="mean-score"' : ''}>${escapeHtml(k)}<b>${escapeHtml(v)}</b></div>`)
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>neurodecode ${escapeHtml(spec.command)} report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src data: blob:; worker-src blob:">
<style>${CSS}</style></head>
<body data-state="loading">
<h1>neurodecode ${escapeHtml(spec.command)}</h1>
<div class="headline">${headline}</div>
${notes.length ? `<section>${[...new Set(notes)].map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}</section>` : ''}
${sections.join('\n')}
<section><h2>Inputs</h2>${table(inputs)}</section>
<section><h2>Run</h2>${table(run)}<details><summary>package versions</summary>${table(versions)}</details></section>
<section><h2>Result (JSON)</h2><details><summary>show</summary><pre>${escapeHtml(JSON.stringify(spec.result, null, 2))}</pre></details></section>
${spec.maps?.length ? '' : '<script>document.body.dataset.state = "ready";</script>'}
</body></html>
`;
  await writeFileAtomic(path, html);
  return Buffer.byteLength(html);
}
