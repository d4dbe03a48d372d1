// Preprocessing flags and BIDS events on the decoding commands: the CLI's result equals the same
// pipeline built from the API (masker cleaning per run, per-run standardization, Decoder), and bad
// values are one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { cleanSignals, NiftiMasker } from '@neurodecode/maskers';
import { Matrix } from '@neurodecode/matrix';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { initBackend, SpaceNetClassifier } from '@neurodecode/spacenet';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { assertClose, parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const RUNS = [1, 2, 3, 4];
const runDir = (r: number) => dataPath('haxby-25mm', 'sub001', 'BOLD', `task001_run${String(r).padStart(3, '0')}`)!;
const vt = () => dataPath('haxby-25mm', 'sub001', 'masks', '25mm', 'vt.nii.gz')!;

/** Labels from an events file, read here independently: the event at t - shift, or null. */
function eventLabels(path: string, n: number, tr: number, shift: number): (string | null)[] {
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  return Array.from({ length: n }, (_, v) => {
    const t = v * tr - shift;
    const hit = rows.find((r) => t >= Number(r[0]) && t < Number(r[0]) + Number(r[1]));
    return hit ? hit[2]! : null;
  });
}

/** A drift and a slow sine per run, written as a confounds TSV with a header. */
function writeConfounds(dir: string, run: number, n: number): string {
  const path = join(dir, `confounds_run${run}.tsv`);
  const lines = ['drift\tsine'];
  for (let v = 0; v < n; v++) lines.push(`${v === 0 ? 'n/a' : (v / n).toFixed(6)}\t${Math.sin((v * (run + 1)) / 9).toFixed(6)}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('decode with events, --hrf-shift, --unlabeled drop, --detrend, --high-pass, --confounds and --standardize equals the API pipeline', { skip }, async () => {
  const { dir } = tempDir();
  const funcs = RUNS.map((r) => join(runDir(r), 'bold_25mm.nii.gz'));
  const runs = await Promise.all(funcs.map((f) => readNifti(f, { dtype: 'float32' })));
  const confounds = runs.map((img, i) => writeConfounds(dir, i, img.nVolumes));
  const out = parseJsonResult(runCli(
    'decode', '--func', funcs.join(','), '--mask', vt(), '--labels', RUNS.map((r) => join(runDir(r), 'bold_events.tsv')).join(','),
    '--hrf-shift', '5', '--unlabeled', 'drop', '--targets', 'face,house', '--detrend', '--high-pass', '0.01',
    '--confounds', confounds.join(','), '--standardize', 'zscore', '--json',
  ));

  // The same by hand: TR 2.5 s from the header, labels shifted by 5 s.
  const labels = runs.flatMap((img, i) => eventLabels(join(runDir(RUNS[i]!), 'bold_events.tsv'), img.nVolumes, img.tr!, 5));
  const runOf = runs.flatMap((img, i) => new Array<number>(img.nVolumes).fill(i));
  const conf = Matrix.from(confounds.flatMap((c) => readFileSync(c, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t').map((v) => (v === 'n/a' ? NaN : Number(v))))));
  for (let j = 0; j < conf.cols; j++) {
    // n/a entries take the mean of the rest of their run's column, as the CLI documents.
    for (let i = 0; i < conf.rows; i++) {
      if (!Number.isNaN(conf.get(i, j))) continue;
      const same = Array.from({ length: conf.rows }, (_, r) => r).filter((r) => runOf[r] === runOf[i] && !Number.isNaN(conf.get(r, j)));
      conf.set(i, j, same.reduce((s, r) => s + conf.get(r, j), 0) / same.length);
    }
  }
  const masker = new NiftiMasker({ maskImg: vt(), detrend: true, highPass: 0.01, tR: 2.5 });
  await masker.fit(runs);
  const all = await masker.transform(runs, { runs: runOf, confounds: conf });
  const keep = labels.flatMap((l, i) => (l === 'face' || l === 'house' ? [i] : []));
  const X = cleanSignals(all.selectRows(keep), { standardize: 'zscore', runs: keep.map((i) => runOf[i]!) });
  const decoder = new Decoder({ estimator: 'svc', cv: new LeaveOneGroupOut(), screeningPercentile: 20, maskImg: masker.maskImg_! });
  decoder.fitMatrix(X, keep.map((i) => labels[i]!), { groups: keep.map((i) => runOf[i]!) });

  assert.equal(out.n_samples, keep.length);
  assert.equal(out.cv_scores.length, RUNS.length);
  decoder.cvScores.house!.forEach((s, f) => assertClose(out.cv_scores[f], s, 1e-9, `fold ${f}`));
});

test('bad preprocessing values are one-line errors naming the flag', { skip }, () => {
  const { dir } = tempDir();
  const func = join(runDir(1), 'bold_25mm.nii.gz');
  const common = ['decode', '--func', func, '--mask', vt(), '--labels', join(runDir(1), 'bold_events.tsv'), '--targets', 'face,house', '--cv', 'kfold:3'];
  const choice = runCli(...common, '--standardize', 'true');
  assert.notEqual(choice.status, 0);
  assert.match(choice.stderr, /--standardize <how>' argument 'true' is invalid\. Allowed choices are zscore_sample, zscore, psc, none/);
  const short = join(dir, 'short.tsv');
  writeFileSync(short, 'a\tb\n1\t2\n3\t4\n');
  const rows = runCli(...common, '--confounds', short);
  assert.equal(rows.status, 1);
  assert.equal(rows.stderr.trim(), `neurodecode: --confounds: ${short} has 2 rows but run 0 has 121 volumes`);
  const unl = runCli(...common, '--unlabeled', 'skip');
  assert.match(unl.stderr, /Allowed choices are rest, drop/);
});

test('searchlight --detrend --standardize zscore equals the API searchlight on the cleaned matrix', { skip }, async () => {
  const { searchlight } = await import('@neurodecode/searchlight');
  const { dir } = tempDir();
  const slice = (n: string) => dataPath('haxby-slice', n)!;
  const out = join(dir, 'sl.nii.gz');
  const cli = parseJsonResult(runCli('searchlight', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,house', '--detrend', '--standardize', 'zscore', '--estimator', 'gnb', '--cv', 'kfold:4', '--radius', '5.6',
    '--threads', '1', '--out', out, '--json'));
  const rows = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]!);
  const masker = new NiftiMasker({ maskImg: slice('mask.nii.gz'), detrend: true });
  const all = await masker.fitTransform(await readNifti(slice('bold.nii.gz'), { dtype: 'float32' }));
  const keep = rows.flatMap((l, i) => (l === 'face' || l === 'house' ? [i] : []));
  const X = cleanSignals(all.selectRows(keep), { standardize: 'zscore' });
  const api = await searchlight({ func: X, mask: slice('mask.nii.gz'), y: keep.map((i) => rows[i]!), cv: 'kfold:4', estimator: 'gnb', radius: 5.6, threads: 1 });
  const written = await readNifti(out);
  assert.deepEqual(Array.from(written.data), Array.from(api.scoresImg.data));
  assertClose(cli.mean_score, api.scores.reduce((a, b) => a + b, 0) / api.scores.length, 1e-12, 'mean score');
});

test('searchlight null maps take the preprocessing flags: cleaned once, equal to the API null maps on the cleaned matrix', { skip }, async () => {
  const { searchlightNullMaps } = await import('@neurodecode/searchlight');
  const { dir } = tempDir();
  const slice = (n: string) => dataPath('haxby-slice', n)!;
  const out = join(dir, 'sl.nii.gz'), nullOut = join(dir, 'null.nii.gz');
  const cli = parseJsonResult(runCli('searchlight', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,house', '--detrend', '--standardize', 'zscore', '--estimator', 'gnb', '--cv', 'kfold:4', '--radius', '5.6',
    '--threads', '1', '--n-permutations', '2', '--seed', '4', '--out', out, '--null-out', nullOut, '--json'));
  const table = readFileSync(slice('labels.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep = table.flatMap((r, i) => (r[0] === 'face' || r[0] === 'house' ? [i] : []));
  const masker = new NiftiMasker({ maskImg: slice('mask.nii.gz'), detrend: true });
  const all = await masker.fitTransform(await readNifti(slice('bold.nii.gz'), { dtype: 'float32' }));
  const X = cleanSignals(all.selectRows(keep), { standardize: 'zscore' });
  const api = await searchlightNullMaps({
    func: X, mask: slice('mask.nii.gz'), y: keep.map((i) => table[i]![0]!), groups: keep.map((i) => table[i]![1]!), cv: 'kfold:4',
    estimator: 'gnb', radius: 5.6, threads: 1, nPermutations: 2, seed: 4,
  });
  assert.deepEqual(Array.from((await readNifti(out)).data), Array.from(api.scoresImg.data));
  const nullImg = await readNifti(nullOut);
  assert.deepEqual(nullImg.shape, [40, 20, 1, 2]);
  assert.deepEqual(Array.from(nullImg.data), Array.from(api.nullImg.data));
  assertClose(cli.null_mean_score, api.nullScores.reduce((a, b) => a + b, 0) / api.nullScores.length, 1e-12, 'null mean score');
});

test('spacenet takes several runs with events files (TR from the header, --hrf-shift, --unlabeled drop) as the API does', { skip }, async () => {
  const backend = await initBackend();
  const funcs = [1, 2].map((r) => join(runDir(r), 'bold_25mm.nii.gz'));
  const out = parseJsonResult(runCli(
    'spacenet', '--func', funcs.join(','), '--mask', vt(), '--labels', [1, 2].map((r) => join(runDir(r), 'bold_events.tsv')).join(','),
    '--hrf-shift', '5', '--unlabeled', 'drop', '--targets', 'face,house', '--detrend', '--cv', 'logo',
    '--n-alphas', '3', '--screening-percentile', '100', '--backend', backend, '--json',
  ));
  const runs = await Promise.all(funcs.map((f) => readNifti(f, { dtype: 'float32' })));
  const labels = runs.flatMap((img, i) => eventLabels(join(runDir(i + 1), 'bold_events.tsv'), img.nVolumes, img.tr!, 5));
  const runOf = runs.flatMap((img, i) => new Array<number>(img.nVolumes).fill(i));
  const masker = new NiftiMasker({ maskImg: vt(), detrend: true });
  await masker.fit(runs);
  const all = await masker.transform(runs, { runs: runOf });
  const keep = labels.flatMap((l, i) => (l === 'face' || l === 'house' ? [i] : []));
  const prepare = (rows: number[]) => cleanSignals(all.selectRows(rows), { standardize: 'zscore_sample', runs: rows.map((i) => runOf[i]!) });
  const params = { penalty: 'tv-l1' as const, l1Ratios: [0.5], nAlphas: 3, cv: 3, maxIter: 200, tol: 1e-4, screeningPercentile: 100 };
  const maskImg = await readNifti(vt());
  const scores = [0, 1].map((testRun) => {
    const train = keep.filter((i) => runOf[i] !== testRun);
    const held = keep.filter((i) => runOf[i] === testRun);
    const model = SpaceNetClassifier.fromMask(maskImg, params).fit(prepare(train), train.map((i) => labels[i]!));
    return model.score(prepare(held), held.map((i) => labels[i]!));
  });
  assert.equal(out.backend, backend);
  assert.deepEqual(out.classes, ['face', 'house']);
  scores.forEach((s, f) => assertClose(out.cv_scores[f], s, 1e-9, `spacenet fold ${f}`));
});
