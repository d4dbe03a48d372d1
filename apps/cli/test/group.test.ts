import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NiftiImage, readNifti, writeNifti } from '@neurodecode/nifti-io';
import { dataPath, rng, sharedDir, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCliAsync } from './helpers.js';

const SHAPE = [8, 7, 6];
const AFFINE = [[4, 0, 0, -16], [0, 4, 0, -14], [0, 0, 4, -12], [0, 0, 0, 1]];

/** Six accuracy maps with an effect in one corner block, a mask, and per-subject 4-D null maps. */
async function fixture(dir: string) {
  const r = rng(21);
  const n = SHAPE[0]! * SHAPE[1]! * SHAPE[2]!;
  const mask = new Uint8Array(n).fill(1);
  mask[0] = 0;
  await writeNifti(new NiftiImage({ data: mask, shape: SHAPE, affine: AFFINE }), join(dir, 'mask.nii.gz'));
  const maps: string[] = [], nulls: string[] = [];
  for (let s = 0; s < 6; s++) {
    const acc = new Float32Array(n);
    for (let g = 0; g < n; g++) {
      const i = g % 8, j = Math.floor(g / 8) % 7;
      acc[g] = 0.5 + (r() - 0.5) * 0.1 + (i < 3 && j < 3 ? 0.15 : 0);
    }
    maps.push(join(dir, `sub-${s}.nii.gz`));
    await writeNifti(new NiftiImage({ data: acc, shape: SHAPE, affine: AFFINE }), maps[s]!);
    const K = 20;
    const nul = Float32Array.from({ length: n * K }, () => 0.5 + (r() - 0.5) * 0.1);
    nulls.push(join(dir, `sub-${s}_null.nii.gz`));
    await writeNifti(new NiftiImage({ data: nul, shape: [...SHAPE, K], affine: AFFINE }), nulls[s]!);
  }
  return { maps, nulls, mask: join(dir, 'mask.nii.gz') };
}

test('neurodecode group: nilearn-named outputs, clusters.tsv and a JSON summary; stelzer and prevalence write theirs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = await fixture(dir);
    const out = join(dir, 'group');
    const res = parseJsonResult(await runCliAsync('group', '--maps', ...f.maps, '--mask', f.mask, '--chance', '0.5', '--tfce',
      '--n-perm', '200', '--threshold', '0.01', '--threads', '1', '--out', out, '--json'));
    const names = ['t', 'logp_max_t', 'size', 'logp_max_size', 'mass', 'logp_max_mass', 'tfce', 'logp_max_tfce'];
    assert.deepEqual(readdirSync(out).sort(), [...names.map((x) => `${x}.nii.gz`), 'clusters.tsv'].sort());
    for (const name of names) assert.equal(res.files[name], join(out, `${name}.nii.gz`));
    assert.equal(res.n_subjects, 6);
    assert.equal(res.dof, 5);
    assert.ok(res.seconds > 0);
    assert.ok(res.significant_voxels.logp_max_size > 0, 'the planted block is found');
    const t = await readNifti(join(out, 't.nii.gz'));
    assert.deepEqual(t.shape, SHAPE);
    const top = res.clusters[0];
    assert.ok(top.peak_voxel[0] < 3 && top.peak_voxel[1] < 3, `strongest cluster in the planted block: ${top.peak_voxel}`);
    const tsv = readFileSync(join(out, 'clusters.tsv'), 'utf8').trim().split('\n');
    assert.equal(tsv.length, res.clusters.length + 1);
    assert.match(tsv[0]!, /^cluster\tsize\tpeak_value/);

    const listFile = join(dir, 'maps.txt');
    writeFileSync(listFile, f.maps.join('\n') + '\n');
    const nullList = join(dir, 'nulls.txt');
    writeFileSync(nullList, f.nulls.join('\n') + '\n');
    const [st, pr] = await Promise.all([
      runCliAsync('group', '--maps-list', listFile, '--mask', f.mask, '--method', 'stelzer', '--null-maps-list', nullList, '--n-perm', '300', '--threshold', '0.05', '--out', join(dir, 'st'), '--json'),
      runCliAsync('group', '--maps-list', listFile, '--mask', f.mask, '--method', 'prevalence', '--null-maps', ...f.nulls, '--n-perm', '300', '--out', join(dir, 'pr'), '--json'),
    ]);
    const s = parseJsonResult(st), p = parseJsonResult(pr);
    assert.deepEqual(readdirSync(join(dir, 'st')).sort(), ['clusters.nii.gz', 'clusters.tsv', 'logp_cluster.nii.gz', 'logp_voxel.nii.gz', 'mean.nii.gz', 'significant.nii.gz']);
    assert.ok(s.significant_voxels.voxel > 0);
    assert.ok(readdirSync(join(dir, 'pr')).includes('gamma0_max.nii.gz'));
    assert.equal(p.n_subjects, 6);
    assert.ok(p.largest_gamma0_uncorrected > 0);
  } finally {
    cleanup();
  }
});

test('neurodecode group: each bad input is one line naming it, and nothing is left in --out', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = await fixture(dir);
    const other = join(dir, 'other-grid.nii.gz');
    await writeNifti(new NiftiImage({ data: new Float32Array(8 * 7 * 5).fill(0.5), shape: [8, 7, 5], affine: AFFINE }), other);
    const shifted = join(dir, 'shifted.nii.gz');
    await writeNifti(new NiftiImage({ data: new Float32Array(8 * 7 * 6).fill(0.5), shape: SHAPE, affine: AFFINE.map((row, i) => (i === 0 ? [4, 0, 0, -15] : row)) }), shifted);
    const withNan = join(dir, 'nan.nii.gz');
    const nanData = new Float32Array(8 * 7 * 6).fill(0.5); nanData[100] = NaN;
    await writeNifti(new NiftiImage({ data: nanData, shape: SHAPE, affine: AFFINE }), withNan);
    const cov = join(dir, 'cov.tsv');
    writeFileSync(cov, 'age\n20\n30\n40\n');
    const out = join(dir, 'out');
    const base = ['group', '--mask', f.mask, '--out', out, '--n-perm', '20'];
    const cases: [string[], RegExp][] = [
      [[...base, '--maps', f.maps[0]!, other], /other-grid\.nii\.gz: shape \[8, 7, 5\] differs/],
      [[...base, '--maps', f.maps[0]!, shifted], /shifted\.nii\.gz: affine differs/],
      [[...base, '--maps', f.maps[0]!], /at least 2 subject maps, got 1/],
      [[...base, '--maps', ...f.maps, '--covariates', cov], /--covariates: .* has 3 rows but there are 6 maps/],
      [[...base, '--maps', f.maps[0]!, withNan], /nan\.nii\.gz: value NaN inside the mask/],
      [[...base, '--maps', ...f.maps, '--chance', '5'], /chance: 5 is outside the maps' range/],
      [[...base, '--maps', ...f.maps, '--threshold', '1.5'], /--threshold: expected a p value in \(0, 1\)/],
      [[...base, '--maps', ...f.maps, '--method', 'prevalence', '--null-maps', ...f.nulls.slice(1)], /null maps: 5 files for 6 subject maps/],
      [[...base, '--maps', ...f.maps, '--method', 'stelzer', '--null-maps', ...f.nulls.slice(1), other], /other-grid\.nii\.gz: shape \[8, 7, 5\] differs from the mask's grid/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliAsync(...args)));
    results.forEach((r, i) => {
      assert.match(expectOneLineError(r), cases[i]![1]);
      assert.equal(existsSync(out), false, `case ${i}: --out must not exist after a failure`);
    });
    assert.deepEqual(readdirSync(dir).filter((x) => x.includes('partial')), [], 'no temporary directory left');
  } finally {
    cleanup();
  }
});

test('neurodecode simulate --subjects 2 --space mni writes a study the group path reads', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const res = parseJsonResult(await runCliAsync('simulate', '--subjects', '2', '--space', 'mni', '--volumes', '16', '--out', dir, '--json'));
    assert.equal(res.subjects.length, 2);
    assert.deepEqual(res.shape, [46, 55, 46]);
    assert.ok(existsSync(res.subjects[1].bold) && existsSync(res.subjects[1].labels) && existsSync(res.mask));
    const bad = await runCliAsync('simulate', '--subjects', '2', '--space', 'talairach', '--out', dir);
    assert.match(expectOneLineError(bad), /--space: only "mni"/);
  } finally {
    cleanup();
  }
});

test('neurodecode group on the reference study: MNI maps get Harvard-Oxford names by default; the strongest cluster is left lateral occipital', { skip: skipWithoutShared() }, async () => {
  const ref = join(sharedDir()!, 'reference', 'group');
  const maps = Array.from({ length: 12 }, (_x, i) => join(ref, `sub-${String(i + 1).padStart(2, '0')}_accuracy.nii.gz`));
  const { dir, cleanup } = tempDir();
  const saved = { img: process.env.NEURODECODE_ATLAS, labels: process.env.NEURODECODE_ATLAS_LABELS };
  // The atlas a lab points the CLI at (as reports read it); no --atlas flag.
  process.env.NEURODECODE_ATLAS = dataPath('atlases', 'harvard_oxford.nii.gz')!;
  process.env.NEURODECODE_ATLAS_LABELS = dataPath('atlases', 'harvard_oxford_labels.csv')!;
  try {
    const out = join(dir, 'group');
    const res = parseJsonResult(await runCliAsync('group', '--maps', ...maps, '--mask', join(ref, 'mask.nii.gz'), '--chance', '0.5',
      '--n-perm', '500', '--threshold', '0.001', '--out', out, '--report', join(dir, 'group.html'), '--json'));
    assert.equal(res.atlas, 'harvard_oxford.nii.gz');
    // The report: subjects, corrected maps drawn, nothing fetched from outside the page.
    const html = readFileSync(join(dir, 'group.html'), 'utf8');
    assert.match(html, /subjects<b>12<\/b>/);
    assert.match(html, /neurodecode group --maps /);
    assert.ok((html.match(/<img alt="[^"]*" src="data:image\/png;base64,/g) ?? []).length >= 2, 'the t map and at least one corrected logp map are drawn');
    assert.ok(!/<(?:script|img|link)[^>]+(?:src|href)="https?:/i.test(html), 'self-contained');
    assert.match(res.clusters[0].region, /^Left_Lateral_Occipital_Cortex/);
    assert.equal(res.clusters[0].size, Math.max(...res.clusters.map((c: { size: number }) => c.size)));
    const rows = readFileSync(join(out, 'clusters.tsv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split('\t');
    assert.match(rows[1]!.split('\t')[header.indexOf('region')]!, /^Left_Lateral_Occipital_Cortex/);
  } finally {
    for (const [k, v] of [['NEURODECODE_ATLAS', saved.img], ['NEURODECODE_ATLAS_LABELS', saved.labels]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    cleanup();
  }
});
