// The interactive viewer as HTML: niivue (bundled at build time into dist/viewer/viewer.js) and
// the images, gzipped NIfTI in base64, inlined in one page that needs no network.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resampleToImg } from '@neurodecode/image-ops';
import { applyAffine, encodeNifti, NiftiImage } from '@neurodecode/nifti-io';

const VIEWER_JS = new URL('../../viewer/viewer.js', import.meta.url);

/** niivue colour maps offered in the page (positive part; negatives use 'winter'). */
export const VIEWER_CMAPS = ['warm', 'hot', 'red', 'plasma', 'viridis', 'gray'];

export interface ViewerInput {
  /** 3-D map (a 4-D one must be cut to one volume by the caller). */
  map: NiftiImage;
  bg: NiftiImage | null;
  threshold?: number;
  vmax?: number;
  cmap?: string;
}

export interface ViewerData {
  map: string;
  bg: string | null;
  threshold: number;
  vmax: number;
  signed: boolean;
  cmap: string;
  /** Axial slices only for a single-slice image; else the three planes. */
  single: boolean;
  /** mm of the largest |value|: where the crosshair starts. */
  peak: [number, number, number];
  /** What was changed to embed the images (said on the page). */
  notes: string[];
}

function base64Nifti(img: NiftiImage): string {
  return Buffer.from(gzipSync(encodeNifti(img), { level: 9 })).toString('base64');
}

/** Map as float32 (NaN -> 0), background resampled onto the map's grid and stored as 8-bit grey. */
export async function viewerData(input: ViewerInput): Promise<ViewerData> {
  const { map } = input;
  if (map.nVolumes !== 1) throw new Error(`img: a 4-D image with ${map.nVolumes} volumes; pick one with --volume`);
  map.assertNumeric('img');
  const values = new Float32Array(map.volumeSize);
  let maxAbs = 0,
    min = Infinity,
    at = 0;
  for (let p = 0; p < values.length; p++) {
    const v = Number(map.data[p]);
    const f = Number.isFinite(v) ? v : 0;
    values[p] = f;
    if (Math.abs(f) > maxAbs) {
      maxAbs = Math.abs(f);
      at = p;
    }
    if (f < min) min = f;
  }
  if (maxAbs === 0) throw new Error('img: every voxel is zero or NaN; nothing to view');
  const threshold = input.threshold ?? 0;
  if (!(threshold >= 0)) throw new Error(`--threshold: expected a number >= 0, got ${input.threshold}`);
  const vmax = input.vmax ?? maxAbs;
  if (!(vmax > 0)) throw new Error(`--vmax: expected a number > 0, got ${input.vmax}`);
  const cmap = input.cmap ?? 'warm';
  if (!VIEWER_CMAPS.includes(cmap)) throw new Error(`--cmap: the viewer offers ${VIEWER_CMAPS.join(', ')}, got "${cmap}"`);
  const notes: string[] = [];
  const mapImg = map.withData(values, map.shape.slice(0, 3));
  let bg: string | null = null;
  if (input.bg) {
    const onGrid = await resampleToImg(
      input.bg.nVolumes > 1 ? input.bg.withData(input.bg.volume(0), input.bg.shape.slice(0, 3)) : input.bg,
      mapImg,
      { interpolation: 'linear' },
    );
    let hi = 0;
    for (let p = 0; p < onGrid.data.length; p++) if (onGrid.data[p]! > hi) hi = onGrid.data[p]!;
    const grey = new Uint8Array(onGrid.data.length);
    for (let p = 0; p < grey.length; p++) grey[p] = Math.max(0, Math.min(255, Math.round((Number(onGrid.data[p]) / (hi || 1)) * 255)));
    bg = base64Nifti(onGrid.withData(grey));
    notes.push(`background resampled onto the map's grid (${map.shape.slice(0, 3).join('x')}) as 8-bit grey for the page`);
  } else {
    // niivue colours every voxel of its first layer, so without a background the map gets one: its
    // own extent (non-zero voxels) in dark grey, over which values below the threshold vanish.
    const extent = new Uint8Array(values.length);
    for (let p = 0; p < values.length; p++) extent[p] = values[p] !== 0 ? 64 : 0;
    bg = base64Nifti(mapImg.withData(extent));
    notes.push("no background image: the map's non-zero voxels are shown in grey");
  }
  const [nx, ny] = map.shape as [number, number];
  const peak = applyAffine(map.affine, at % nx, Math.floor(at / nx) % ny, Math.floor(at / (nx * ny)));
  return {
    map: base64Nifti(mapImg),
    bg,
    threshold,
    vmax,
    signed: min < 0,
    cmap,
    peak,
    notes,
    single: map.shape.slice(0, 3).some((n) => n === 1),
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const VIEWER_CSS = `
.nd-canvas { position: relative; width: 100%; height: 520px; background: #000; }
.nd-canvas canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
.nd-controls { display: flex; gap: 1.5em; align-items: center; flex-wrap: wrap; margin: .5em 0; font: 14px system-ui, sans-serif; }
.nd-controls input[type=range] { width: 16em; }
#location { font: 13px ui-monospace, monospace; min-height: 1.4em; }
#error { color: #b00020; }`;

/** The viewer's HTML block (one per page: its element ids are fixed). */
export function viewerSection(data: ViewerData): string {
  const options = VIEWER_CMAPS.map((c) => `<option value="${c}">${c}</option>`).join('');
  const script = readFileSync(VIEWER_JS, 'utf8').replace(/<\/script/gi, '<\\/script');
  const json = JSON.stringify({ ...data, notes: undefined });
  return `<div class="nd-viewer">
<div class="nd-controls">
<label>threshold <input id="threshold" type="range" min="0"> <span id="threshold-value"></span></label>
<label>colour map <select id="cmap">${options}</select></label>
<span>click or drag in the view to move the crosshair</span>
</div>
<div class="nd-canvas"><canvas id="viewer"></canvas></div>
<div id="location"></div>
<div id="error"></div>
${data.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<script type="application/json" id="view-data">${json}</script>
<script>${script}</script>
</div>`;
}

/** A whole page with only the viewer. */
export function viewerPage(title: string, data: ViewerData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src data: blob:; worker-src blob:">
<style>body { font: 14px system-ui, sans-serif; margin: 1em; } ${VIEWER_CSS}</style></head>
<body data-state="loading"><h1 style="font-size:1.2em">${escapeHtml(title)}</h1>
${viewerSection(data)}
</body></html>
`;
}
