// The whole analysis in Chromium on the Haxby slice, checked against the CLI on the same files:
// the Decoder's per-fold scores, and the GaussianNB and LinearSVC searchlight maps downloaded from
// the page (radius 5.6 mm, KFold(4)) against the CLI's maps. Then the same page served without
// cross-origin isolation and without WebAssembly: a notice, one worker, the same map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readNifti } from '@neurodecode/nifti-io';
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

  // The report downloads as a self-contained page holding the results shown.
  const report = await downloaded(page, '#download-report');
  const html = readFileSync(report, 'utf8');
  assert.match(html, /Decoder: svc, logo, cat vs face/);
  assert.match(html, /Searchlight: svc, kfold:4, radius 5.6 mm/);
  assert.match(html, /<img alt="searchlight map" src="data:image\/png;base64,/);
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
async function spacenetInNode(): Promise<number[]> {
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

test('without cross-origin isolation or WebAssembly: a notice, one worker, the same searchlight map', { skip }, async () => {
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
    assert.deepEqual(plain.pageErrors, []);
  } finally {
    await plain.close();
  }
});
