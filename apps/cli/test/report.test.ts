// --report pages from real runs on the Haxby slice, and the MNI parts (glass brain, clusters
// table with atlas regions) on a planted blob. Browser checks of the same pages: report-browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NiftiImage } from '@neurodecode/nifti-io';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { writeReport } from '../src/report/report.js';
import { confusionCounts, splitChance } from '../src/report/commands.js';
import { expectOneLineError, parseJsonResult, runCliAsync } from './helpers.js';

const skip = skipWithoutShared();
const slice = (name: string) => dataPath('haxby-slice', name)!;
const common = () => ['--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'), '--targets', 'face,house'];

/** Inline PNG figures of a page. */
function figures(html: string): number {
  return (html.match(/<img alt="[^"]*" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g) ?? []).length;
}

/** No element of the page loads anything from outside it (script bodies aside: the browser test watches requests). */
function assertSelfContained(html: string): void {
  const markup = html.replace(/<script\b[^>]*>[^]*?<\/script>/gi, '');
  const external = /\b(src|href)\s*=\s*["']?(https?:|\/\/)/i.exec(markup);
  assert.ok(!external, `external resource: ${external?.[0]}`);
  assert.ok(!/<link\b/i.test(markup), 'no <link> elements');
  assert.ok(/<script>/.test(html) || !/<script src=/i.test(html));
}

test('decode, permutation and searchlight --report: self-contained pages with the numbers and figures', { skip }, async () => {
  const { dir, cleanup } = tempDir('report-');
  try {
    const [dec, perm, sl] = await Promise.all([
      runCliAsync('decode', ...common(), '--report', join(dir, 'decode.html'), '--json'),
      runCliAsync('permutation', ...common(), '--cv', 'kfold:4', '--n-permutations', '20', '--seed', '3', '--report', join(dir, 'perm.html'), '--json'),
      runCliAsync('searchlight', ...common(), '--radius', '4', '--estimator', 'gnb', '--cv', 'kfold:3', '--out', join(dir, 'sl.nii.gz'), '--report', join(dir, 'sl.html'), '--json'),
    ]);
    const d = parseJsonResult(dec);
    const html = readFileSync(join(dir, 'decode.html'), 'utf8');
    assertSelfContained(html);
    assert.match(html, new RegExp(`id="mean-score">mean roc_auc<b>${d.mean_score.toFixed(3)}</b>`));
    assert.ok(figures(html) >= 2, 'fold scores and the weight map');
    assert.match(html, /chance \(dummy\)<b>0\.500<\/b>/, 'a prior dummy ranks nothing: ROC AUC 0.5');
    assert.match(html, /samples per class<\/th><td>face: 108, house: 108/);
    assert.match(html, /voxels in the mask<\/th><td>530</);
    assert.match(html, /neurodecode decode --func /);
    assert.match(html, /id="view-data"/, 'the viewer is embedded');

    const p = parseJsonResult(perm);
    const ph = readFileSync(join(dir, 'perm.html'), 'utf8');
    assert.match(ph, new RegExp(`mean accuracy<b>${p.score.toFixed(3)}</b>`));
    assert.match(ph, new RegExp(`p-value<b>${p.pvalue.toPrecision(3)}</b>`));
    assert.match(ph, /seed<\/th><td>3</);
    assert.ok(figures(ph) >= 1);

    const s = parseJsonResult(sl);
    const sh = readFileSync(join(dir, 'sl.html'), 'utf8');
    assertSelfContained(sh);
    assert.match(sh, new RegExp(`mean score over spheres<b>${s.mean_score.toFixed(3)}</b>`));
    assert.ok(figures(sh) >= 2, 'slices and the score histogram');
    assert.ok(sh.includes('not in MNI space: drawn over the map&#39;s own extent'), 'non-MNI maps say what they are drawn over');
  } finally { cleanup(); }
});

test('spacenet --report: test score against the dummy, confusion matrix of the test runs, the weight map', { skip }, async () => {
  const { dir, cleanup } = tempDir('report-');
  try {
    const run = await runCliAsync('spacenet', ...common(), '--train-groups', '0-9', '--test-groups', '10-11', '--n-alphas', '3', '--max-iter', '50', '--report', join(dir, 'sn.html'), '--json');
    const r = parseJsonResult(run);
    const html = readFileSync(join(dir, 'sn.html'), 'utf8');
    assertSelfContained(html);
    assert.match(html, new RegExp(`id="mean-score">test score<b>${r.test_score.toFixed(3)}</b>`));
    // Runs 10-11 hold 18 face and 18 house volumes, and the training runs are balanced too: a prior
    // dummy predicts one class everywhere and gets half right.
    assert.match(html, /chance \(dummy\)<b>0\.500<\/b>/);
    assert.match(html, /<b>Confusion matrix<\/b>/);
    assert.ok(figures(html) >= 3, 'score vs chance, confusion matrix, weight slices');
    assert.match(html, new RegExp(`non-zero weights<b>${r.n_nonzero}</b>`));
    assert.match(html, /id="view-data"/);
  } finally { cleanup(); }
});

test('confusion counts: rows true, columns predicted, in the given label order', () => {
  assert.deepEqual(confusionCounts(['a', 'a', 'b', 'b', 'b'], ['a', 'b', 'b', 'b', 'a'], ['a', 'b']), { matrix: [[1, 1], [1, 2]], labels: ['a', 'b'] });
  assert.deepEqual(splitChance(['a', 'a', 'b'], ['b', 'b', 'a', 'b']).scores, [0.25], 'the training majority (a) is right on one test volume in four');
});

test('report of an MNI map: glass brain and the top clusters with the Harvard-Oxford region at each peak', { skip }, async () => {
  const { dir, cleanup } = tempDir('report-');
  const saved = { a: process.env.NEURODECODE_ATLAS, l: process.env.NEURODECODE_ATLAS_LABELS, d: process.env.NEURODECODE_DATA };
  try {
    process.env.NEURODECODE_ATLAS = dataPath('atlases', 'harvard_oxford.nii.gz');
    process.env.NEURODECODE_ATLAS_LABELS = dataPath('atlases', 'harvard_oxford_labels.csv');
    process.env.NEURODECODE_DATA = join(dir, 'empty-cache');
    // Two blobs on the 2 mm MNI grid: a strong one in left lateral occipital cortex, a weaker right frontal one.
    const [nx, ny, nz] = [91, 109, 91];
    const data = new Float32Array(nx * ny * nz);
    const blobs: [number, number, number, number][] = [[-38, -64, 12, 0.9], [40, 30, 20, 0.7]];
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const x = -2 * i + 90, y = 2 * j - 126, z = 2 * k - 72;
      let v = 0.5;
      for (const [bx, by, bz, peak] of blobs) v = Math.max(v, 0.5 + (peak - 0.5) * Math.exp(-((x - bx) ** 2 + (y - by) ** 2 + (z - bz) ** 2) / 72));
      data[i + nx * (j + ny * k)] = v;
    }
    const img = new NiftiImage({ data, shape: [nx, ny, nz], affine: [[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]] });
    const out = join(dir, 'mni.html');
    await writeReport(out, { command: 'searchlight', result: { mean_score: 0.5 }, headline: [['mean', '0.500']], maps: [{ img, label: 'accuracy', kind: 'score', threshold: 0.6, chance: 0.5 }] });
    const html = readFileSync(out, 'utf8');
    assert.match(html, /accuracy: glass brain/);
    const rows = [...html.matchAll(/<tr><td>(\d+)<\/td><td>(\d+)<\/td><td>([\d.]+)<\/td><td>([-\d]+), ([-\d]+), ([-\d]+)<\/td><td>([^<]*)<\/td><\/tr>/g)];
    assert.equal(rows.length, 2, 'one row per blob');
    assert.deepEqual(rows[0]!.slice(4, 7).map(Number), [-38, -64, 12]);
    assert.deepEqual(rows[1]!.slice(4, 7).map(Number), [40, 30, 20]);
    assert.match(rows[0]![7]!, /^Left.*Occipital/);
    assert.match(rows[1]![7]!, /^Right/);
    assert.match(html, /no MNI152 template in the data cache/, 'without a cached template the page says so');
  } finally {
    for (const [k, v] of [['NEURODECODE_ATLAS', saved.a], ['NEURODECODE_ATLAS_LABELS', saved.l], ['NEURODECODE_DATA', saved.d]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    cleanup();
  }
});

test('--report bad paths fail first, in one line, writing nothing', { skip }, async () => {
  const { dir, cleanup } = tempDir('report-');
  try {
    const [a, b, c] = await Promise.all([
      runCliAsync('decode', ...common(), '--report', join(dir, 'r.txt')),
      runCliAsync('searchlight', ...common(), '--out', join(dir, 'x.nii.gz'), '--report', join(dir, 'no', 'r.html')),
      runCliAsync('searchlight', ...common(), '--shard', '0/2', '--out', join(dir, 'p0'), '--report', join(dir, 'r.html')),
    ]);
    assert.match(expectOneLineError(a), /--report: must end in .html/);
    assert.match(expectOneLineError(b), /--report: folder does not exist/);
    assert.match(expectOneLineError(c), /--report: a shard has no map/);
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(!existsSync(join(dir, 'x.nii.gz')));
  } finally { cleanup(); }
});
