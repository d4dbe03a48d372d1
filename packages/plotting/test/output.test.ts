import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@neurodecode/testkit';
import { statMap, saveFigure, encodePng, pngDpi, svgCanvas, foldScores, nullHistogram, confusionMatrix, scoreHistogram } from '../src/node.js';
import { blobImage, colourCentroid, pixels } from './helpers.js';
import { valueStats } from '../src/volume.js';

const blob = blobImage();

test('PNG carries its dpi, and dpi scales the figure', () => {
  const small = statMap(blob, { bg: null, dpi: 50 });
  const big = statMap(blob, { bg: null, dpi: 150 });
  assert.equal(pngDpi(encodePng(small)), 50);
  assert.equal(pngDpi(encodePng(big)), 150);
  assert.ok(Math.abs(big.width / small.width - 3) < 0.1, `${big.width} vs ${small.width}`);
});

test('SVG output through the SVG canvas; raster figures refuse .svg; atomic writes', async () => {
  const dir = tempDir('plotting-');
  try {
    const svg = statMap(blob, { bg: null, canvas: svgCanvas, title: 'svg' });
    await saveFigure(svg, join(dir.dir, 'f.svg'));
    const text = await readFile(join(dir.dir, 'f.svg'), 'utf8');
    assert.match(text, /<svg[^>]*width="\d+"/);
    assert.match(text, /data:image\/png;base64/);
    const png = statMap(blob, { bg: null });
    await assert.rejects(saveFigure(png, join(dir.dir, 'g.svg')), /raster canvas/);
    await assert.rejects(saveFigure(png, join(dir.dir, 'g.jpg')), /must end in .png or .svg/);
    await assert.rejects(saveFigure(png, join(dir.dir, 'missing', 'g.png')), /write failed/);
    assert.deepEqual((await readdir(dir.dir)).sort(), ['f.svg']);
  } finally { dir.cleanup(); }
});

test('charts: fold scores with chance, null histogram with observed score, confusion matrix, score histogram', () => {
  const folds = foldScores([0.9, 0.8, 0.85], { chance: 0.5, title: 'folds' });
  const [panel] = folds.panels;
  assert.equal(panel!.view, 'chart');
  const rgba = pixels(folds);
  // The mean line (red) sits at the mean score's height on the chart's data scale.
  const red = colourCentroid(folds, panel!, (r, g, b) => r > 180 && g < 80 && b < 80, rgba);
  assert.ok(Math.abs(red.v - 0.85) < 0.02, `mean line at ${red.v}`);
  const nul = nullHistogram([0.4, 0.5, 0.55, 0.45, 0.5], 0.8);
  // Below the label: only the observed-score line is red there.
  const np = nul.panels[0]!;
  const [l, t, w, h] = np.box;
  const lower = { ...np, box: [l, t + h / 2, w, h / 2] as [number, number, number, number], extent: [np.extent[0], [np.extent[1][0], (np.extent[1][0] + np.extent[1][1]) / 2]] as typeof np.extent };
  const obs = colourCentroid(nul, lower, (r, g, b) => r > 180 && g < 80 && b < 80);
  assert.ok(Math.abs(obs.h - 0.8) < 0.02, `observed line at ${obs.h}`);
  const cm = confusionMatrix([[8, 2], [1, 9]], { labels: ['face', 'house'] });
  assert.deepEqual(cm.panels[0]!.extent, [[-0.5, 1.5], [1.5, -0.5]]);
  assert.throws(() => confusionMatrix([[1, 2], [3]]), /matrix: row 1 has 1 entries; expected 2/);
  assert.throws(() => foldScores([0.5, NaN]), /scores: value 1 is not a finite number/);
  assert.throws(() => foldScores([0.5, 0.6], { chance: [0.5] }), /chance: expected one number or 2/);
  assert.equal(scoreHistogram([0.5, 0.6, 0.7, NaN], { chance: 0.5 }).panels.length, 1);
  assert.throws(() => scoreHistogram([NaN]), /values: no finite value/);
});

test('the main entry is browser-safe: no Node built-ins outside node.js', async () => {
  const dir = fileURLToPath(new URL('../src/', import.meta.url));
  for (const f of await readdir(dir)) {
    if (!f.endsWith('.js') || f === 'node.js') continue;
    const src = await readFile(join(dir, f), 'utf8');
    assert.doesNotMatch(src, /from ['"](node:|fs|path|os|child_process|worker_threads|@napi-rs)/, f);
  }
});

test('facts about an image are computed once per voxels, whichever view of them is passed', () => {
  const img = blobImage();
  // img.volume(0) hands out a new view on every call: both views share one result.
  assert.equal(valueStats(img.volume(0)), valueStats(img.volume(0)));
  // Other voxels (a copy, another slice of the same buffer) get their own.
  assert.notEqual(valueStats(Float32Array.from(img.data as Float32Array)), valueStats(img.volume(0)));
  const data = img.data as Float32Array;
  assert.notEqual(valueStats(data.subarray(0, 10)), valueStats(data.subarray(10, 20)));
  const half = data.length >> 1;
  assert.equal(valueStats(data.subarray(half)).nonzero, data.subarray(half).filter((v) => v !== 0).length);
  assert.equal(valueStats(data.subarray(0, half)).nonzero, data.subarray(0, half).filter((v) => v !== 0).length);
});
