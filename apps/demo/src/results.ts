// Results as text and tables: per-fold scores against chance, the confusion matrix, the
// permutation test's score and p-value, the searchlight summary (figures.ts draws the figures);
// with the figures they make the HTML report. Downloads are
// made in the page (gzip through CompressionStream), never sent anywhere.
import { encodeNifti, type NiftiImage } from '@neurodecode/nifti-io/browser';
import type { DecodeResult, PermutationResult } from './protocol.js';
import type { SearchlightOutcome } from './searchlight-job.js';

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '-');

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function bar(value: number, chance: number, max = 1): string {
  const width = Math.max(0, Math.min(1, value / max)) * 160;
  return `<span class="bar${value <= chance ? ' below' : ''}" style="width:${width.toFixed(0)}px"></span>`;
}

export function decodeHtml(r: DecodeResult): string {
  const rows = r.cvScores
    .map((s, f) => `<tr data-fold="${f}"><td>fold ${f + 1}</td><td class="score">${fmt(s)}</td><td>${bar(s, r.chance)}</td></tr>`)
    .join('');
  const head = `<tr><th></th>${r.classes.map((c) => `<th>predicted ${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = r.confusion
    .map((row, i) => `<tr><th>true ${escapeHtml(r.classes[i]!)}</th>${row.map((n) => `<td>${n}</td>`).join('')}</tr>`)
    .join('');
  return `<h3>Decoder: ${escapeHtml(r.estimator)}, ${escapeHtml(r.cv)}, ${r.classes.map(escapeHtml).join(' vs ')}</h3>
<p>${r.nSamples} volumes x ${r.nFeatures} voxels; ${escapeHtml(r.scoring)} per fold (chance ${fmt(r.chance, 2)}); mean <b id="decode-mean">${fmt(r.meanScore, 4)}</b>; ${fmt(r.seconds, 2)} s${r.backend ? `; tfjs backend ${escapeHtml(r.backend)}` : ''}</p>
<table class="fold-scores"><tr><th>fold</th><th>${escapeHtml(r.scoring)}</th><th>vs chance ${fmt(r.chance, 2)}</th></tr>${rows}</table>
<h3>Confusion matrix (test folds)</h3><table class="confusion">${head}${body}</table>`;
}

export function permutationHtml(r: PermutationResult): string {
  return `<h3>Permutation test: ${escapeHtml(r.estimator)}, ${escapeHtml(r.cv)}</h3>
<p>accuracy <b id="permutation-score">${fmt(r.score, 4)}</b> (chance ${fmt(r.chance, 2)}), p = <b id="permutation-pvalue">${fmt(r.pvalue, 4)}</b> from ${r.nPermutations} permutations; ${fmt(r.seconds, 2)} s</p>`;
}

export function searchlightHtml(o: SearchlightOutcome, settings: { estimator: string; cv: string; radius: number }): string {
  let sum = 0,
    max = -Infinity;
  for (const s of o.scores) {
    sum += s;
    if (s > max) max = s;
  }
  const mean = sum / o.scores.length;
  return `<h3>Searchlight: ${escapeHtml(settings.estimator)}, ${escapeHtml(settings.cv)}, radius ${settings.radius} mm</h3>
<p>${o.nSpheres} spheres, ${o.nFolds} folds, ${escapeHtml(o.kernel)} path, ${o.workers} worker${o.workers > 1 ? 's' : ''}${o.shared ? ' sharing memory' : ' (no shared memory)'}: <b id="searchlight-seconds">${fmt(o.seconds, 2)}</b> s.
Mean accuracy <b id="searchlight-mean">${fmt(mean, 4)}</b>, max <b id="searchlight-max">${fmt(max, 4)}</b> (chance ${fmt(1 / o.classes.length, 2)}).</p>`;
}

/** gzip through the browser's CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function niftiGz(img: NiftiImage): Promise<Uint8Array> {
  return gzip(encodeNifti(img));
}

export function download(bytes: Uint8Array | string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ReportParts {
  dataset: string;
  settings: string;
  decode?: string;
  permutation?: string;
  searchlight?: string;
  /** PNG data URL of the searchlight view. */
  view?: string;
}

/** A self-contained HTML report of what was computed in the page. */
export function reportHtml(p: ReportParts): string {
  const style =
    'body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;color:#1d2330}table{border-collapse:collapse;margin:.4rem 0}th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}.bar{display:inline-block;height:.7rem;background:#2f6fde}.bar.below{background:#c1c7d3}img{max-width:100%}';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>neurodecode report</title><style>${style}</style></head><body>
<h1>neurodecode report</h1><p>Computed in the browser by the neurodecode demo on ${new Date().toISOString()}.</p>
<h2>Data</h2><p>${p.dataset}</p><h2>Settings</h2><p>${p.settings}</p>
${p.decode ?? ''}${p.permutation ?? ''}${p.searchlight ?? ''}
${p.view ? `<h2>Searchlight map over the mean image</h2><img alt="searchlight map in the viewer" src="${p.view}">` : ''}
</body></html>`;
}

export { escapeHtml };
