// The pages the CLI writes, opened in Debian's Chromium (never a downloaded browser) from file://:
// no page errors, no request other than the page itself, the report's numbers and figures shown,
// and the viewer's threshold slider changing the drawn pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { confusionMatrix, encodePng, readPngPixels } from '@neurodecode/plotting/node';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { parseJsonResult, runCliAsync } from './helpers.js';
import { chromiumMissing, launchChromium, openPage } from './chromium.js';

const skip = skipWithoutShared() || chromiumMissing();
const scratch = tempDir('cli-browser-');
let context: BrowserContext | undefined;
const pages: Record<string, string> = {};
let results: Record<string, any> = {};

before(async () => {
  if (skip) return;
  const dir = scratch.dir;
  const slice = (n: string) => dataPath('haxby-slice', n)!;
  const common = ['--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'), '--targets', 'face,house'];
  // A 2 mm MNI map: a Gaussian blob at (-38, -64, 12) mm.
  const [nx, ny, nz] = [91, 109, 91];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    data[i + nx * (j + ny * k)] = 5 * Math.exp(-((-2 * i + 90 + 38) ** 2 + (2 * j - 126 + 64) ** 2 + (2 * k - 72 - 12) ** 2) / 72);
  }
  await writeNifti(new NiftiImage({ data, shape: [nx, ny, nz], affine: [[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]] }), join(dir, 'blob.nii.gz'));
  const [dec, sl, view] = await Promise.all([
    runCliAsync('decode', ...common, '--report', join(dir, 'decode.html'), '--json'),
    runCliAsync('searchlight', ...common, '--radius', '4', '--estimator', 'gnb', '--cv', 'kfold:3', '--out', join(dir, 'sl.nii.gz'), '--report', join(dir, 'searchlight.html'), '--json'),
    runCliAsync('view', join(dir, 'blob.nii.gz'), '--bg', dataPath('templates', 'MNI152_T1_1mm_brain.nii.gz')!, '--threshold', '0.5', '--out', join(dir, 'view.html'), '--json'),
  ]);
  results = { decode: parseJsonResult(dec), searchlight: parseJsonResult(sl), view: parseJsonResult(view) };
  for (const name of ['decode', 'searchlight', 'view']) pages[name] = pathToFileURL(join(dir, `${name}.html`)).href;
  context = await launchChromium(dir);
});

after(async () => {
  await context?.close();
  scratch.cleanup();
});

/** Pixels of the viewer canvas that are clearly coloured (the map), from a real screenshot. */
async function colouredPixels(page: Page): Promise<number> {
  const png = await readPngPixels(await page.locator('#viewer').screenshot());
  let n = 0;
  for (let p = 0; p < png.data.length; p += 4) {
    const r = png.data[p]!, g = png.data[p + 1]!, b = png.data[p + 2]!;
    if (r > 150 && r - b > 100 && r - g > 30) n++; // warm colours, not the green crosshair or grey brain
  }
  return n;
}

for (const name of ['decode', 'searchlight'] as const) {
  test(`${name} --report opens offline with no errors, shows the mean score and its figures`, { skip, timeout: 120_000 }, async () => {
    const { page, errors, external } = await openPage(context!, pages[name]!);
    try {
      assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', `viewer error: ${await page.textContent('#error')}`);
      assert.deepEqual(errors, []);
      assert.deepEqual(external(), []);
      const mean = (await page.textContent('#mean-score'))!;
      assert.ok(mean.includes(results[name].mean_score.toFixed(3)), `headline "${mean}" vs ${results[name].mean_score}`);
      const shown = await page.$$eval('figure img', (imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
      assert.ok(shown >= 2, `${shown} figures rendered`);
    } finally { await page.close(); }
  });
}

test('decode --report shows the confusion matrix of its JSON: the figure renders and is the chart of those counts', { skip, timeout: 120_000 }, async () => {
  const cm = results.decode.confusion_matrix as { labels: string[]; counts: number[][] };
  assert.deepEqual(cm.labels, ['face', 'house']);
  assert.equal(cm.counts.flat().reduce((a: number, b: number) => a + b, 0), 216, 'every face/house volume counted once');
  const { page, errors } = await openPage(context!, pages.decode!);
  try {
    assert.deepEqual(errors, []);
    const img = page.locator('figure img[alt="Confusion matrix"]');
    assert.equal(await img.count(), 1, 'one confusion-matrix figure');
    const shown = await img.evaluate((i) => ({ ok: (i as HTMLImageElement).complete, w: (i as HTMLImageElement).naturalWidth, h: (i as HTMLImageElement).naturalHeight, src: (i as HTMLImageElement).src }));
    // The plotting package's chart drawn here from the JSON's counts, byte for byte the page's figure.
    const fig = confusionMatrix(cm.counts, { labels: cm.labels, title: 'confusion matrix (all folds)' });
    assert.ok(shown.ok && shown.w === fig.width && shown.h === fig.height, `rendered ${shown.w}x${shown.h}, chart ${fig.width}x${fig.height}`);
    assert.equal(shown.src, `data:image/png;base64,${Buffer.from(encodePng(fig)).toString('base64')}`);
    assert.equal(await page.locator('text=confusion matrix: not in this result').count(), 0);
  } finally { await page.close(); }
});

test('view: threshold slider changes the drawn pixels; the crosshair reads out mm and value; under 5 MB', { skip, timeout: 120_000 }, async () => {
  assert.ok(results.view.bytes < 5e6, `page of a 2 mm map is ${results.view.bytes} bytes`);
  const { page, errors, external } = await openPage(context!, pages.view!);
  try {
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', `viewer error: ${await page.textContent('#error')}`);
    const before = await colouredPixels(page);
    assert.ok(before > 50, `the blob is drawn (${before} coloured pixels)`);
    // Drag the slider's thumb to 80% of the track: threshold 0.8 * vmax = 4 hides most of the blob.
    const box = (await page.locator('#threshold').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.waitForFunction(() => Number((document.getElementById('threshold') as HTMLInputElement).value) > 3, null, { timeout: 10_000 });
    await page.waitForTimeout(300);
    const after = await colouredPixels(page);
    assert.ok(after < before * 0.7, `coloured pixels ${before} -> ${after} after raising the threshold`);
    // Click on the canvas: the readout gives mm coordinates and a value.
    const canvas = (await page.locator('#viewer').boundingBox())!;
    await page.mouse.click(canvas.x + canvas.width * 0.2, canvas.y + canvas.height * 0.45);
    await page.waitForFunction(() => /mm\s+value/.test(document.getElementById('location')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.match((await page.textContent('#location'))!, /^x -?\d+\.\d+ {2}y -?\d+\.\d+ {2}z -?\d+\.\d+ mm {3}value /);
    assert.deepEqual(errors, []);
    assert.deepEqual(external(), []);
  } finally { await page.close(); }
});
