// Loading and bad input in Chromium: files chosen through the page's inputs (real files on disk),
// the simulated set made in the page, and every bad input the issue lists: each gives a clear
// message on the page, and the page keeps working afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NiftiImage, emptyHeader, serializeHeader, writeNifti } from '@neurodecode/nifti-io';
import { checkSimulationParams, simulationLayout } from '@neurodecode/datasets/browser';
import { rng, tempDir } from '@neurodecode/testkit';
import { choose, errorText, openPage, runJob, settled, skipBrowser, type Session } from './harness.js';

const skip = skipBrowser;
let s: Session;
const files: Record<string, string> = {};

/** A small 4-D run (14 x 12 x 9 x 20, int16) with a class effect, its mask and labels. */
async function writeInputs(dir: string): Promise<void> {
  const shape = [14, 12, 9, 20];
  const nvox = 14 * 12 * 9;
  const random = rng(11);
  const labels = Array.from({ length: 20 }, (_, t) => (t % 2 === 0 ? 'a' : 'b'));
  const data = new Int16Array(nvox * 20);
  for (let t = 0; t < 20; t++) {
    for (let v = 0; v < nvox; v++) data[t * nvox + v] = Math.round(1000 + 40 * random() + (v % 7 === 0 && labels[t] === 'a' ? 25 : 0));
  }
  const affine = [[2, 0, 0, -14], [0, 2.5, 0, -15], [0, 0, 3, -12], [0, 0, 0, 1]];
  const func = new NiftiImage({ data, shape, affine });
  func.header.pixdim[4] = 1.5;
  func.header.xyzt_units = 2 | 8;
  files.func = join(dir, 'run.nii.gz');
  await writeNifti(func, files.func);
  const mask = new Uint8Array(nvox);
  for (let v = 0; v < nvox; v++) mask[v] = v % 3 === 0 ? 1 : 0;
  files.mask = join(dir, 'mask.nii.gz');
  await writeNifti(new NiftiImage({ data: mask, shape: shape.slice(0, 3), affine }), files.mask);
  files.otherGridMask = join(dir, 'mask_2mm.nii.gz');
  await writeNifti(new NiftiImage({ data: new Uint8Array(10 * 10 * 10).fill(1), shape: [10, 10, 10], affine: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]] }), files.otherGridMask);
  const rows = labels.map((l, t) => `${l} ${Math.floor(t / 5)}`);
  files.labels = join(dir, 'labels.txt');
  writeFileSync(files.labels, `labels chunks\n${rows.join('\n')}\n`);
  files.shortLabels = join(dir, 'labels_short.txt');
  writeFileSync(files.shortLabels, `labels chunks\n${rows.slice(1).join('\n')}\n`);
  // BIDS events: 3 s blocks of a/b every 3 s; with TR 1.5 s that is the same a,a,b,b,... pattern.
  files.events = join(dir, 'events.tsv');
  writeFileSync(files.events, 'onset\tduration\ttrial_type\n' + Array.from({ length: 10 }, (_, i) => `${3 * i}\t3\t${i % 2 ? 'b' : 'a'}`).join('\n') + '\n');
  files.notNifti = join(dir, 'notes.nii');
  writeFileSync(files.notNifti, 'these are my notes, not an image; '.repeat(20));
  // A valid header claiming 512 x 512 x 300 x 200 float32 voxels (about 58 GiB), and no data.
  const h = emptyHeader();
  h.dim = [4, 512, 512, 300, 200, 1, 1, 1];
  h.datatype = 16;
  h.bitpix = 32;
  files.huge = join(dir, 'huge.nii');
  writeFileSync(files.huge, Buffer.concat([Buffer.from(serializeHeader(h)), Buffer.alloc(4096)]));
}

before(async () => {
  if (skip) return;
  s = await openPage();
  await writeInputs(s.scratch);
});
after(async () => { await s?.close(); });

async function choose1(input: string, path: string, mention: string): Promise<'ready' | 'error'> {
  await s.page.setInputFiles(input, path);
  return settled(s.page, mention);
}

/** The labels of the figures drawn in a results section. */
async function figures(section: string): Promise<string[]> {
  return s.page.$$eval(`#${section} canvas.figure`, (cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.figure ?? ''));
}

async function field(name: string): Promise<string> {
  return ((await s.page.textContent(`#summary-body tr[data-field="${name}"] td`)) ?? '').trim();
}

test('files chosen in the page: header facts, mask, labels and targets; then a Decoder run', { skip }, async () => {
  const { page } = s;
  assert.equal(await choose1('#func-input', files.func!, 'run.nii.gz'), 'ready');
  assert.equal(await field('shape'), '14 x 12 x 9 x 20');
  assert.equal(await field('datatype'), 'int16');
  assert.equal(await field('TR'), '1.5 s');
  assert.equal(await page.isDisabled('#run-decode'), true, 'no labels yet: nothing to run');
  assert.equal(await choose1('#mask-input', files.mask!, 'mask.nii.gz'), 'ready');
  assert.equal(await choose1('#labels-input', files.labels!, 'labels.txt'), 'ready');
  assert.match((await page.textContent('#data-facts')) ?? '', /20 volumes, labels from labels\.txt, mask: mask\.nii\.gz \(504 voxels\), 4 runs/);
  assert.deepEqual(await page.$$eval('#targets input', (boxes) => boxes.map((b) => `${(b as HTMLInputElement).value}:${(b as HTMLInputElement).checked}`)), ['a:true', 'b:true']);
  await choose(page, { targets: 'a,b', estimator: 'gnb', cv: 'logo' });
  await runJob(page, 'decode');
  assert.equal(await errorText(page), '');
  assert.match((await page.textContent('#decode-results')) ?? '', /Decoder: gnb, logo, a vs b/);
  assert.deepEqual(await figures('decode-results'), ['fold scores', 'confusion matrix'], 'GaussianNB has no coefficients, so no coefficient map');

  // events.tsv with a TR: one label per volume from the events.
  await page.fill('#tr-input', '1.5');
  assert.equal(await choose1('#labels-input', files.events!, 'events.tsv'), 'ready');
  assert.match((await page.textContent('#data-facts')) ?? '', /events\.tsv from events\.tsv/);
  await page.click('#run-decode');
  assert.match(await errorText(page), /cv: leave-one-run-out needs at least two runs, but events\.tsv describes one; choose k-fold/);
  assert.deepEqual(s.pageErrors, []);
});

test('bad input: a clear message on the page for each, and the page recovers', { skip }, async () => {
  const { page } = s;
  const recover = async () => {
    assert.equal(await choose1('#mask-input', files.mask!, 'mask.nii.gz'), 'ready', await errorText(page));
    assert.equal(await choose1('#labels-input', files.labels!, 'labels.txt'), 'ready', await errorText(page));
    assert.equal(await choose1('#func-input', files.func!, 'run.nii.gz'), 'ready', await errorText(page));
    assert.equal(await errorText(page), '', 'a good load clears the message');
    assert.equal(await page.isEnabled('#run-decode'), true);
  };

  assert.equal(await choose1('#func-input', files.notNifti!, 'notes.nii'), 'error');
  assert.match(await errorText(page), /^Could not read notes\.nii as NIfTI: .+/);
  await recover();

  assert.equal(await choose1('#labels-input', files.shortLabels!, 'labels_short.txt'), 'error');
  assert.match(await errorText(page), /labels: labels_short\.txt has 19 rows but the functional image has 20 volumes/);
  assert.equal(await page.isDisabled('#run-decode'), true, 'nothing runs on mismatched labels');
  await recover();

  assert.equal(await choose1('#mask-input', files.otherGridMask!, 'mask_2mm.nii.gz'), 'error');
  assert.match(await errorText(page), /mask: mask_2mm\.nii\.gz is on another grid \(\[10, 10, 10\] at 2 x 2 x 2 mm\) than run\.nii\.gz \(\[14, 12, 9\] at 2 x 2\.5 x 3 mm\)/);
  await recover();

  assert.equal(await choose1('#func-input', files.huge!, 'huge.nii'), 'error');
  assert.match(await errorText(page), /huge\.nii: shape \[512, 512, 300, 200\] would need 58\.6 GiB, over the 1\.0 GiB limit/);
  await recover();

  await choose(page, { targets: 'a,dog', estimator: 'svc', cv: 'logo' });
  await page.click('#run-decode');
  assert.match(await errorText(page), /targets: "dog" not among the labels \(a, b\)/);
  assert.equal(await page.isEnabled('#run-decode'), true);

  // Cancel midway: a permutation test far too long to finish, cancelled once it reports progress.
  await choose(page, { targets: 'a,b', permutations: 100000 });
  await page.evaluate(() => { delete document.body.dataset.permutationState; });
  await page.click('#run-permutation');
  await page.waitForFunction(() => / \/ \d+ fits/.test(document.querySelector('#job-permutation .eta')?.textContent ?? ''), undefined, { timeout: 30_000 });
  await page.click('#job-permutation button.cancel');
  await page.waitForFunction(() => document.body.dataset.permutationState === 'done', undefined, { timeout: 10_000 });
  assert.match(await errorText(page), /permutation test: cancelled; nothing was kept from this run/);
  assert.equal(await page.isVisible('#permutation-results'), false, 'no result from a cancelled run');
  await choose(page, { permutations: 20 });
  await runJob(page, 'permutation');
  assert.equal(await errorText(page), '');
  assert.match((await page.textContent('#permutation-results')) ?? '', /p = \d\.\d{4} from 20 permutations/);
  assert.deepEqual(await figures('permutation-results'), ['null distribution']);
  assert.deepEqual(s.pageErrors, []);
});

test('three files dropped at once on the drop zone: the run, the mask (by its name) and the labels', { skip }, async () => {
  const { page } = s;
  const parts = [files.func!, files.mask!, files.labels!].map((path) => ({ name: path.split('/').pop()!, b64: readFileSync(path).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((ps) => {
    const dt = new DataTransfer();
    for (const p of ps) dt.items.add(new File([Uint8Array.from(atob(p.b64), (c) => c.charCodeAt(0))], p.name));
    return dt;
  }, parts);
  // Stage another mask and labels first (refused or not, depending on what is loaded), so the facts below come from the drop.
  await choose1('#mask-input', files.otherGridMask!, 'mask_2mm.nii.gz');
  await choose1('#labels-input', files.shortLabels!, 'labels_short.txt');
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && /labels from labels\.txt, mask: mask\.nii\.gz/.test(document.getElementById('data-facts')?.textContent ?? ''), undefined, { timeout: 30_000 });
  assert.equal(await errorText(page), '');
  assert.equal(await field('shape'), '14 x 12 x 9 x 20');
  assert.match((await page.textContent('#data-facts')) ?? '', /20 volumes, labels from labels\.txt, mask: mask\.nii\.gz \(504 voxels\), 4 runs/);
  assert.deepEqual(s.pageErrors, []);
});

test('simulate: the default simulated set made in the page, as the datasets package makes it; a 2-worker searchlight cancelled midway, then run whole', { skip }, async (t) => {
  const { page } = s;
  await page.click('#simulate');
  assert.equal(await settled(page, 'Simulated', 120_000), 'ready', await errorText(page));
  const expected = simulationLayout(checkSimulationParams({}));
  assert.equal(await field('shape'), '40 x 64 x 64 x 216');
  assert.match((await page.textContent('#data-facts')) ?? '', new RegExp(`216 volumes, labels from simulated labels, mask: simulated mask \\(${expected.nMask} voxels\\), ${expected.params.runs} runs`));

  // Cancel the GaussianNB searchlight over shared memory once its workers report spheres done.
  await choose(page, { targets: 'face,house', cv: 'kfold', folds: 4, radius: 5.6, slEstimator: 'gnb' });
  await page.fill('#workers', '2');
  await page.evaluate(() => { delete document.body.dataset.searchlightState; });
  await page.click('#run-searchlight');
  // Cancel in the same animation frame as the first progress report (a click from the test process
  // could arrive after a fast machine has finished the run, or hit a progress bar redrawn meanwhile).
  await page.waitForFunction(() => {
    if (!/^[1-9]\d* \/ \d+ spheres/.test(document.querySelector('#job-searchlight .eta')?.textContent ?? '')) return false;
    (document.querySelector('#job-searchlight button.cancel') as HTMLButtonElement).click();
    return true;
  }, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.searchlightState === 'done', undefined, { timeout: 10_000 });
  assert.match(await errorText(page), /searchlight: cancelled; nothing was kept from this run/);
  assert.equal(await page.isVisible('#searchlight-results'), false, 'no result from a cancelled run');
  assert.equal(await page.isDisabled('#download-searchlight'), true, 'no map to download from a cancelled run');

  // The page recovers: the same searchlight runs whole, every brain voxel a sphere.
  await runJob(page, 'searchlight', 300_000);
  assert.equal(await errorText(page), '');
  const sl = await page.evaluate(() => (window as unknown as { neurodecodeResults: { searchlight: { nSpheres: number; workers: number; shared: boolean; seconds: number } } }).neurodecodeResults.searchlight);
  assert.deepEqual([sl.nSpheres, sl.workers, sl.shared], [expected.nMask, 2, true]);
  t.diagnostic(`GaussianNB searchlight on the simulated set (${sl.nSpheres} spheres, 2 workers): ${sl.seconds.toFixed(2)} s`);
  assert.deepEqual(await figures('searchlight-results'), ['searchlight map']);
  assert.deepEqual(s.pageErrors, []);
});

test('the build refuses Node built-ins in the bundle, naming the importer', async () => {
  const { noNodeBuiltins } = (await import(new URL('../../scripts/no-node-builtins.mjs', import.meta.url).href)) as { noNodeBuiltins: unknown };
  const scratch = tempDir('neurodecode-bundle-check-');
  const dir = scratch.dir;
  const entry = join(dir, 'uses-fs.mjs');
  writeFileSync(entry, "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
  await assert.rejects(
    build({ entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'esm', logLevel: 'silent', plugins: [noNodeBuiltins as never] }),
    (err: Error) => /Node built-in "node:fs" imported by .*uses-fs\.mjs/.test(err.message),
  );
  scratch.cleanup();
});
