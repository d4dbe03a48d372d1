// The whole analysis in Chromium on the Haxby slice, checked against the CLI on the same files:
// the Decoder's per-fold scores, and the GaussianNB and LinearSVC searchlight maps downloaded from
// the page (radius 5.6 mm, KFold(4)) against the CLI's maps, the permutation test against the
// CLI's, and the figures @neurodecode/plotting drew on the page (the searchlight map's coloured
// pixels, mapped back to mm, land where the CLI's map is above chance; the niivue view's threshold
// slider colours as many voxels as the CLI map has above each threshold). Then the same page served without
// cross-origin isolation and without WebAssembly: a notice, one worker, the same map, and
// SpaceNet on tfjs's JavaScript backend with the same scores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';
import { chroma, colourCentroid, type FigureLayout } from '@neurodecode/plotting';
import type { Page } from 'playwright-core';
import { dataPath, skipWithoutShared } from '@neurodecode/testkit';
import { choose, downloaded, errorText, loadExample, openPage, runJob, skipBrowser, type Session } from './harness.js';

const CLI = fileURLToPath(new URL('../../../cli/dist/src/main.js', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const skip = skipBrowser || skipWithoutShared() || (existsSync(CLI) ? false : 'skipped: the CLI is not built (apps/cli/dist)');
const run = promisify(execFile);

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--json'], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const inputs = () => ['--func', dataPath('haxby-slice', 'bold.nii.gz')!, '--mask', dataPath('haxby-slice', 'mask.nii.gz')!, '--labels', dataPath('haxby-slice', 'labels.txt')!];

async function assertMapsEqual(pagePath: string, cliPath: string, what: string): Promise<void> {
  const a = await readNifti(pagePath), b = await readNifti(cliPath);
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.deepEqual(a.affine, b.affine, `${what}: affine`);
  let worst = 0, nonZero = 0;
  for (let i = 0; i < a.data.length; i++) {
    worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    if (b.data[i] !== 0) nonZero++;
  }
  assert.ok(nonZero >= 500, `${what}: the CLI map has ${nonZero} scored voxels`);
  assert.ok(worst <= 1e-6, `${what}: page and CLI maps differ by up to ${worst}`);
}

interface DrawnFigure { width: number; height: number; layout: FigureLayout; rgba: number[] }

/** The pixels and layout of a figure canvas on the page. */
async function drawnFigure(page: Page, section: string, label: string): Promise<DrawnFigure> {
  return page.$eval(`#${section} canvas.figure[data-figure="${label}"]`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, layout: JSON.parse(canvas.dataset.layout!) as FigureLayout, rgba: Array.from(rgba) };
  });
}

async function figureLabels(page: Page, section: string): Promise<string[]> {
  return page.$$eval(`#${section} canvas.figure`, (cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.figure ?? ''));
}

/** How many different colours a figure holds: a blank or single-colour canvas has one or two. */
function colours(f: DrawnFigure): number {
  const seen = new Set<number>();
  for (let p = 0; p < f.rgba.length; p += 4) seen.add((f.rgba[p]! << 16) | (f.rgba[p + 1]! << 8) | f.rgba[p + 2]!);
  return seen.size;
}

/** Centroid (x, y mm) and count of the voxels of a single-slice map at or above `threshold`, and its in-plane voxel size. */
function aboveThreshold(map: NiftiImage, threshold: number): { x: number; y: number; n: number; dx: number; dy: number } {
  const [nx, ny] = map.shape as [number, number];
  const A = map.affine;
  let sx = 0, sy = 0, n = 0;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (!(Number(map.data[i + nx * j]) >= threshold)) continue;
    sx += A[0]![0]! * i + A[0]![1]! * j + A[0]![3]!;
    sy += A[1]![0]! * i + A[1]![1]! * j + A[1]![3]!;
    n++;
  }
  return { x: sx / n, y: sy / n, n, dx: Math.hypot(A[0]![0]!, A[1]![0]!), dy: Math.hypot(A[0]![1]!, A[1]![1]!) };
}

let s: Session;
before(async () => { if (!skip) s = await openPage({ workers: 2 }); });
after(async () => { await s?.close(); });

test('the example in the browser: Decoder scores and searchlight maps equal the CLI\'s', { skip }, async (t) => {
  const { page } = s;
  await loadExample(page);
  const cliDecode = cli(['decode', ...inputs(), '--targets', 'face,cat', '--cv', 'logo']);
  const cliGnb = cli(['searchlight', ...inputs(), '--targets', 'face,house', '--radius', '5.6', '--estimator', 'gnb', '--cv', 'kfold:4', '--threads', '1', '--out', join(s.scratch, 'cli-gnb.nii.gz')]);

  await choose(page, { targets: 'face,cat', estimator: 'svc', cv: 'logo' });
  await runJob(page, 'decode');
  assert.equal(await errorText(page), '');
  const decoded = await page.evaluate(() => (window as unknown as { neurodecodeResults: { decode: { cvScores: number[]; meanScore: number; classes: string[]; confusion: number[][] } } }).neurodecodeResults.decode);
  const expected = await cliDecode;
  assert.deepEqual(decoded.classes, expected.classes);
  assert.equal(decoded.cvScores.length, 12);
  (expected.cv_scores as number[]).forEach((v, f) => assert.ok(Math.abs(decoded.cvScores[f]! - v) < 1e-12, `fold ${f}: page ${decoded.cvScores[f]}, CLI ${v}`));
  assert.ok(Math.abs(decoded.meanScore - (expected.mean_score as number)) < 1e-12);
  assert.equal(decoded.confusion.flat().reduce((a, b) => a + b, 0), expected.n_samples, 'every test volume is in the confusion matrix once');
  assert.match((await page.textContent('#decode-results')) ?? '', /fold 12/);
  assert.deepEqual(await figureLabels(page, 'decode-results'), ['fold scores', 'confusion matrix', 'coefficient map']);
  for (const label of ['fold scores', 'confusion matrix', 'coefficient map']) {
    const f = await drawnFigure(page, 'decode-results', label);
    assert.ok(colours(f) > 20, `${label}: the figure holds ${colours(f)} colours, so it was not drawn`);
  }

  // The permutation test (GaussianNB, face vs house, 20 permutations, seed 0) equals the CLI's on the same data.
  const cliPerm = cli(['permutation', ...inputs(), '--targets', 'face,house', '--cv', 'logo', '--estimator', 'gnb', '--n-permutations', '20', '--seed', '0']);
  await choose(page, { targets: 'face,house', estimator: 'gnb', permutations: 20 });
  await runJob(page, 'permutation');
  assert.equal(await errorText(page), '');
  const perm = await page.evaluate(() => (window as unknown as { neurodecodeResults: { permutation: { score: number; pvalue: number; nullScores: number[] } } }).neurodecodeResults.permutation);
  const expectedPerm = await cliPerm;
  assert.ok(Math.abs(perm.score - (expectedPerm.score as number)) < 1e-12, `permutation score: page ${perm.score}, CLI ${String(expectedPerm.score)}`);
  assert.equal(perm.pvalue, expectedPerm.pvalue);
  assert.deepEqual(perm.nullScores.map((v) => v.toFixed(10)), (expectedPerm.null_scores as number[]).map((v) => v.toFixed(10)));
  assert.deepEqual(await figureLabels(page, 'permutation-results'), ['null distribution']);
  assert.ok(colours(await drawnFigure(page, 'permutation-results', 'null distribution')) > 10);

  await choose(page, { targets: 'face,house', cv: 'kfold', folds: 4, radius: 5.6, slEstimator: 'gnb' });
  await runJob(page, 'searchlight');
  assert.equal(await errorText(page), '');
  await cliGnb;
  await assertMapsEqual(await downloaded(page, '#download-searchlight'), join(s.scratch, 'cli-gnb.nii.gz'), 'GaussianNB searchlight');

  const cliSvc = cli(['searchlight', ...inputs(), '--targets', 'face,house', '--radius', '5.6', '--estimator', 'svc', '--cv', 'kfold:4', '--threads', '1', '--out', join(s.scratch, 'cli-svc.nii.gz')]);
  await choose(page, { slEstimator: 'svc' });
  await runJob(page, 'searchlight');
  const sl = await page.evaluate(() => (window as unknown as { neurodecodeResults: { searchlight: { kernel: string; workers: number; shared: boolean; seconds: number; nSpheres: number } } }).neurodecodeResults.searchlight);
  assert.equal(sl.kernel, 'linear-svc');
  assert.equal(sl.workers, 2);
  assert.equal(sl.shared, true, 'the page is cross-origin isolated, so the workers share memory');
  t.diagnostic(`LinearSVC searchlight on the slice (${sl.nSpheres} spheres, 2 workers): ${sl.seconds.toFixed(3)} s`);
  const cliSvcResult = await cliSvc;
  await assertMapsEqual(await downloaded(page, '#download-searchlight'), join(s.scratch, 'cli-svc.nii.gz'), 'LinearSVC searchlight');
  assert.ok(Math.abs(Number(await page.textContent('#searchlight-mean')) - (cliSvcResult.mean_score as number)) < 1e-4);

  // The niivue view's threshold slider: raising it leaves fewer voxels coloured, in proportion to
  // the CLI map's voxels at or above each threshold.
  const cliSvcMap = await readNifti(join(s.scratch, 'cli-svc.nii.gz'));
  const [lo, hi] = await page.$eval('#threshold', (el) => [Number((el as HTMLInputElement).min), Number((el as HTMLInputElement).max)]);
  const viewed: { threshold: number; pixels: number; voxels: number }[] = [];
  for (const threshold of [lo, lo + (hi - lo) / 2, hi]) {
    await page.$eval('#threshold', (el, v) => { (el as HTMLInputElement).value = String(v); el.dispatchEvent(new Event('input')); }, threshold);
    const label = (await page.textContent('#threshold-label')) ?? '';
    assert.match(label, /^>= \d\.\d{3}$/);
    await page.waitForTimeout(300); // niivue redraws on the next animation frame
    const shot = (await page.locator('#viewer').screenshot()).toString('base64');
    const pixels = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = new OffscreenCanvas(img.width, img.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0; // warm colours: red well above blue (the grey mean image has r = g = b)
      for (let p = 0; p < d.length; p += 4) if (d[p]! - d[p + 2]! > 80) n++;
      return n;
    }, shot);
    viewed.push({ threshold: Number(await page.$eval('#threshold', (el) => (el as HTMLInputElement).value)), pixels, voxels: aboveThreshold(cliSvcMap, Number(label.slice(3))).n });
  }
  t.diagnostic(`viewer threshold: ${viewed.map((v) => `>= ${v.threshold.toFixed(3)}: ${v.pixels} warm pixels, ${v.voxels} voxels`).join('; ')}`);
  assert.ok(viewed[0]!.pixels > viewed[1]!.pixels && viewed[1]!.pixels > viewed[2]!.pixels, 'a higher threshold colours fewer pixels');
  await page.$eval('#threshold', (el, v) => { (el as HTMLInputElement).value = String(v); el.dispatchEvent(new Event('input')); }, viewed[1]!.threshold); // the screenshot shows the middle threshold
  // Pixels per voxel, counted from the top threshold's view (which holds the crosshair), agree.
  const [v0, v1, v2] = viewed as [typeof viewed[0], typeof viewed[0], typeof viewed[0]];
  const perVoxelLow = (v0.pixels - v2.pixels) / (v0.voxels - v2.voxels), perVoxelMid = (v1.pixels - v2.pixels) / (v1.voxels - v2.voxels);
  assert.ok(Math.abs(perVoxelMid / perVoxelLow - 1) < 0.25, `pixels per voxel: ${perVoxelLow.toFixed(0)} from the lowest threshold, ${perVoxelMid.toFixed(0)} from the middle one`);

  // The map figure: its coloured pixels (accuracy >= chance over the grey mean image) cover the
  // CLI map's voxels at or above 0.5, in the same place.
  assert.deepEqual(await figureLabels(page, 'searchlight-results'), ['searchlight map']);
  const fig = await drawnFigure(page, 'searchlight-results', 'searchlight map');
  const panel = fig.layout.panels.find((p) => p.view === 'z');
  assert.ok(panel, 'the slice is shown as an axial cut');
  const drawn = colourCentroid(fig.rgba, fig.width, panel, chroma(80));
  const above = aboveThreshold(await readNifti(join(s.scratch, 'cli-svc.nii.gz')), 0.5);
  const [[left, right], [bottom, top]] = panel.extent;
  const pixelsPerVoxel = (panel.box[2] / Math.abs(right - left)) * above.dx * (panel.box[3] / Math.abs(top - bottom)) * above.dy;
  t.diagnostic(`map figure: ${drawn.n} coloured pixels at (${drawn.h.toFixed(2)}, ${drawn.v.toFixed(2)}) mm; CLI map: ${above.n} voxels >= 0.5 at (${above.x.toFixed(2)}, ${above.y.toFixed(2)}) mm, ${pixelsPerVoxel.toFixed(1)} pixels each`);
  assert.ok(Math.abs(drawn.n / pixelsPerVoxel - above.n) <= 0.05 * above.n, `coloured area ${(drawn.n / pixelsPerVoxel).toFixed(1)} voxels, CLI map ${above.n} voxels`);
  assert.ok(Math.hypot(drawn.h - above.x, drawn.v - above.y) < 1, 'the coloured pixels sit where the map is above chance');

  // The report downloads as a self-contained page holding the results shown.
  const report = await downloaded(page, '#download-report');
  const html = readFileSync(report, 'utf8');
  assert.match(html, /Decoder: svc, logo, cat vs face/);
  assert.match(html, /Searchlight: svc, kfold:4, radius 5.6 mm/);
  for (const label of ['fold scores', 'confusion matrix', 'coefficient map', 'null distribution', 'searchlight map', 'searchlight map in the viewer']) {
    assert.match(html, new RegExp(`<img alt="${label}" src="data:image/png;base64,`), `the report holds the ${label} figure`);
  }
  const coef = await readNifti(await downloaded(page, '#download-coef'));
  assert.deepEqual(coef.shape, [40, 20, 1]);

  const shot = await page.locator('main').screenshot();
  if (process.env.NEURODECODE_UPDATE_DOCS === '1') {
    mkdirSync(DOCS, { recursive: true });
    writeFileSync(join(DOCS, 'demo-results.png'), shot);
  }
  assert.ok(shot.length > 10_000, 'the results view screenshot is not empty');
  assert.deepEqual(s.pageErrors, [], 'no uncaught errors on the page');
});

/** The same SpaceNet Decoder in Node (tfjs wasm backend there too), as analysis.ts runs it in the worker. */
async function computeSpacenetInNode(): Promise<number[]> {
  const { NiftiMasker, standardizeInPlace } = await import('@neurodecode/maskers');
  const { Decoder } = await import('@neurodecode/decoding');
  const { parseCvSpec } = await import('@neurodecode/cv');
  const { initBackend, SpaceNetClassifier } = await import('@neurodecode/spacenet');
  assert.equal(await initBackend('wasm'), 'wasm');
  const func = await readNifti(dataPath('haxby-slice', 'bold.nii.gz')!, { dtype: 'float32' });
  const mask = await readNifti(dataPath('haxby-slice', 'mask.nii.gz')!);
  const labels = readFileSync(dataPath('haxby-slice', 'labels.txt')!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(' ')[0]!);
  const keep = labels.flatMap((l, i) => (l === 'face' || l === 'house' ? [i] : []));
  const masker = await new NiftiMasker({ maskImg: mask }).fit([func]);
  const X = (await masker.transform([func])).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');
  const decoder = new Decoder({
    estimator: SpaceNetClassifier.fromMask(masker.maskImg_!, { penalty: 'tv-l1' }) as never,
    cv: parseCvSpec('kfold:3'), selection: 'nested', screeningPercentile: null, paramGrid: {}, maskImg: masker.maskImg_,
  });
  decoder.fitMatrix(X, keep.map((i) => labels[i]!));
  return decoder.cvScores.house!;
}

let spacenetScores: Promise<number[]> | undefined;
/** Computed once, shared by the wasm page and the page without WebAssembly. */
const spacenetInNode = (): Promise<number[]> => (spacenetScores ??= computeSpacenetInNode());

test('SpaceNet TV-L1 runs on tfjs wasm in the page and scores as in Node', { skip }, async () => {
  const { page } = s;
  const inNode = spacenetInNode();
  await choose(page, { targets: 'face,house', estimator: 'spacenet-tvl1', cv: 'kfold', folds: 3 });
  await runJob(page, 'decode', 300_000);
  assert.equal(await errorText(page), '');
  const r = await page.evaluate(() => (window as unknown as { neurodecodeResults: { decode: { backend: string; cvScores: number[] } } }).neurodecodeResults.decode);
  assert.equal(r.backend, 'wasm');
  const expected = await inNode;
  assert.equal(r.cvScores.length, 3);
  expected.forEach((v, f) => assert.ok(Math.abs(r.cvScores[f]! - v) < 1e-6, `fold ${f}: page ${r.cvScores[f]}, Node ${v}`));
});

test('without cross-origin isolation or WebAssembly: a notice, one worker, the same searchlight map, SpaceNet on tfjs cpu', { skip }, async () => {
  const plain = await openPage({ isolate: false, init: 'delete globalThis.WebAssembly;' });
  try {
    const { page } = plain;
    const notice = (await page.textContent('#capabilities')) ?? '';
    assert.match(notice, /not cross-origin isolated, so SharedArrayBuffer is unavailable: the searchlight runs on a single worker/);
    assert.match(notice, /no WebAssembly/);
    await loadExample(page);
    const cliGnb = cli(['searchlight', ...inputs(), '--targets', 'face,house', '--radius', '5.6', '--estimator', 'gnb', '--cv', 'kfold:4', '--threads', '1', '--out', join(plain.scratch, 'cli-gnb.nii.gz')]);
    await choose(page, { targets: 'face,house', cv: 'kfold', folds: 4, radius: 5.6, slEstimator: 'gnb' });
    await page.fill('#workers', '2');
    await runJob(page, 'searchlight');
    assert.equal(await errorText(page), '');
    const sl = await page.evaluate(() => (window as unknown as { neurodecodeResults: { searchlight: { workers: number; shared: boolean } } }).neurodecodeResults.searchlight);
    assert.deepEqual([sl.workers, sl.shared], [1, false]);
    await cliGnb;
    await assertMapsEqual(await downloaded(page, '#download-searchlight'), join(plain.scratch, 'cli-gnb.nii.gz'), 'single-worker GaussianNB searchlight');

    // SpaceNet without WebAssembly: its workers use tfjs's JavaScript backend, with the same scores.
    const inNode = spacenetInNode();
    await choose(page, { estimator: 'spacenet-tvl1', cv: 'kfold', folds: 3 });
    await runJob(page, 'decode', 300_000);
    assert.equal(await errorText(page), '');
    const r = await page.evaluate(() => (window as unknown as { neurodecodeResults: { decode: { backend: string; cvScores: number[] } } }).neurodecodeResults.decode);
    assert.equal(r.backend, 'cpu', 'a page without WebAssembly never uses the wasm backend');
    assert.match((await page.textContent('#decode-results')) ?? '', /tfjs backend cpu/);
    (await inNode).forEach((v, f) => assert.ok(Math.abs(r.cvScores[f]! - v) < 1e-6, `fold ${f}: page (cpu) ${r.cvScores[f]}, Node ${v}`));
    assert.deepEqual(plain.pageErrors, []);
  } finally {
    await plain.close();
  }
});
