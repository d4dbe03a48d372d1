// @neurodecode/plotting in the browser: its main entry bundled with esbuild (as an app would) and
// run in Debian's Chromium from file://. The same figure code draws on HTMLCanvasElement and on
// OffscreenCanvas (the default there), and the coloured pixels sit where the returned layout says,
// as in Node. No page errors, no requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { tempDir } from '@neurodecode/testkit';
import { chromiumMissing, launchChromium, openPage } from './chromium.js';

const skip = chromiumMissing();
const BLOB = [-38, -64, 12];
const scratch = tempDir('plotting-browser-');
let context: BrowserContext | undefined;
let page = '';

// The page's script: a Gaussian blob on the 2 mm MNI grid, drawn by every brain figure and chart,
// each figure's panels measured with the package's own colourCentroid on the canvas pixels.
const ENTRY = `
import { NiftiImage } from '@neurodecode/nifti-io';
import { statMap, glassBrain, roi, anat, foldScores, nullHistogram, confusionMatrix, scoreHistogram, colourCentroid, chroma, viewAxes, DISPLAY_MODES, GLASS_DISPLAY_MODES } from '@neurodecode/plotting';
const BLOB = ${JSON.stringify(BLOB)};
const [nx, ny, nz] = [91, 109, 91];
const data = new Float32Array(nx * ny * nz);
for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
  const r2 = (-2 * i + 90 - BLOB[0]) ** 2 + (2 * j - 126 - BLOB[1]) ** 2 + (2 * k - 72 - BLOB[2]) ** 2;
  data[i + nx * (j + ny * k)] = 5 * Math.exp(-r2 / 72);
}
const blob = new NiftiImage({ data, shape: [nx, ny, nz], affine: [[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]] });
const element = (w, h) => Object.assign(document.createElement('canvas'), { width: w, height: h });
function measure(name, fig) {
  const rgba = fig.canvas.getContext('2d').getImageData(0, 0, fig.width, fig.height).data;
  const panels = fig.panels.map((p) => {
    const c = colourCentroid(rgba, fig.width, p, chroma(80));
    if (p.view === 'chart' || p.view === 'legend' || c.n === 0) return { view: p.view, n: c.n };
    const a = viewAxes(p.view);
    return { view: p.view, n: c.n, distance: Math.hypot(c.h - BLOB[a.h], c.v - BLOB[a.v]) };
  });
  return { name, kind: fig.canvas.constructor.name, width: fig.width, height: fig.height, panels };
}
const out = [];
for (const mode of DISPLAY_MODES) out.push(measure('stat-map ' + mode, statMap(blob, { bg: null, threshold: 1, displayMode: mode, canvas: element, title: mode })));
for (const mode of GLASS_DISPLAY_MODES) out.push(measure('glass-brain ' + mode, glassBrain(blob, { brainMask: null, threshold: 1, displayMode: mode })));
const sphere = blob.withData(Uint8Array.from(data, (v) => (v > 2 ? 1 : 0)));
out.push(measure('roi', roi([{ img: sphere, label: 'blob', color: '#00ff00' }], { bg: null, cutCoords: BLOB, style: 'contours' })));
out.push(measure('anat', anat(blob, { cutCoords: BLOB })));
for (const [name, fig] of [['folds', foldScores([0.8, 0.9, 0.7], { chance: 0.5 })], ['null', nullHistogram([0.4, 0.5, 0.6], 0.9)],
  ['confusion', confusionMatrix([[5, 1], [2, 4]], { labels: ['a', 'b'] })], ['histogram', scoreHistogram([0.5, 0.6, 0.7], { chance: 0.5 })]]) {
  out.push(measure(name, fig));
}
// One figure shown on the page, as an app would.
document.body.append(statMap(blob, { bg: null, threshold: 1, canvas: element }).canvas);
window.results = out;
document.body.dataset.state = 'ready';
`;

before(async () => {
  if (skip) return;
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true, write: false, format: 'iife', platform: 'browser', target: ['chrome111'], logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  const html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; img-src data: blob:">
</head><body data-state="loading"><script>addEventListener('error', () => { document.body.dataset.state = 'error'; });</script><script>${script}</script></body></html>`;
  writeFileSync(join(scratch.dir, 'plotting.html'), html);
  page = pathToFileURL(join(scratch.dir, 'plotting.html')).href;
  context = await launchChromium(scratch.dir);
});

after(async () => {
  await context?.close();
  scratch.cleanup();
});

test('plotting draws in Chromium on HTMLCanvasElement and OffscreenCanvas: the blob where the layout says, every display mode', { skip, timeout: 120_000 }, async () => {
  const { page: tab, errors, external } = await openPage(context!, page);
  try {
    assert.deepEqual(errors, []);
    assert.deepEqual(external(), []);
    type Result = { name: string; kind: string; width: number; height: number; panels: { view: string; n: number; distance?: number }[] };
    const results = await tab.evaluate(() => (window as unknown as { results: Result[] }).results);
    const byName = new Map(results.map((r) => [r.name, r]));
    for (const mode of ['ortho', 'x', 'y', 'z', 'mosaic']) assert.equal(byName.get(`stat-map ${mode}`)?.kind, 'HTMLCanvasElement', mode);
    assert.equal(byName.get('glass-brain ortho')?.kind, 'OffscreenCanvas', 'OffscreenCanvas is the default in a browser');
    for (const r of results) {
      assert.ok(r.width > 100 && r.height > 100, `${r.name}: ${r.width}x${r.height}`);
      const brain = r.panels.filter((p) => p.view !== 'chart' && p.view !== 'legend');
      for (const p of brain) {
        if (p.n === 0) continue;
        assert.ok(p.distance! < 6, `${r.name} ${p.view}: colour centroid ${p.distance!.toFixed(1)} mm from the blob`);
      }
      if (r.name.startsWith('stat-map') || r.name.startsWith('glass-brain')) {
        const coloured = brain.filter((p) => p.n > 20).length;
        const needed = r.name === 'glass-brain r' ? 0 : r.name.startsWith('stat-map') && r.name !== 'stat-map ortho' ? 1 : brain.filter((p) => p.view !== 'r').length;
        assert.ok(coloured >= needed, `${r.name}: ${coloured} of ${brain.length} panels coloured`);
      }
    }
    assert.equal(results.filter((r) => r.name.startsWith('glass-brain')).length, 12, 'every glass-brain display mode');
    for (const chart of ['folds', 'null', 'confusion', 'histogram']) assert.equal(byName.get(chart)?.panels[0]?.view, 'chart');
    assert.equal(await tab.locator('body > canvas').count(), 1);
  } finally { await tab.close(); }
});
