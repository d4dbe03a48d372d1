// `neurodecode mask epi|background|intersect|dilate` on real runs: the epi and background masks
// equal the maskers' API on the same file; intersect and dilate are checked against voxel counts
// and neighbourhoods computed here directly; an output that would overwrite an input is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readNifti } from '@neurodecode/nifti-io';
import { computeBackgroundMask, computeEpiMask } from '@neurodecode/maskers';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const run = (n: number) => dataPath('haxby-25mm', 'sub001', 'BOLD', `task001_run00${n}`, 'bold_25mm.nii.gz')!;

function ones(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  return n;
}

test('mask epi and mask background equal the maskers\' functions on the same run', { skip }, async () => {
  const { dir } = tempDir();
  const epi = parseJsonResult(runCli('mask', 'epi', run(1), '--opening', '1', '--out', join(dir, 'epi.nii.gz'), '--json'));
  const api = await computeEpiMask(run(1), { opening: 1 });
  const cli = await readNifti(join(dir, 'epi.nii.gz'));
  assert.deepEqual(Array.from(cli.data), Array.from(api.data));
  assert.equal(epi.n_voxels, ones(api.data));
  assert.ok(epi.n_voxels > 0 && epi.n_voxels < api.volumeSize, `an EPI mask keeps part of the field of view, kept ${epi.n_voxels}`);
  // nilearn's default two openings erase this 6x10x10 grid's mask: said, not written.
  const empty = expectOneLineError(runCli('mask', 'epi', run(1), '--out', join(dir, 'empty.nii.gz')));
  assert.match(empty, /the computed mask is empty/);
  assert.ok(!existsSync(join(dir, 'empty.nii.gz')));

  const bg = parseJsonResult(runCli('mask', 'background', run(1), '--border-size', '1', '--out', join(dir, 'bg.nii.gz'), '--json'));
  const apiBg = await computeBackgroundMask(run(1), { borderSize: 1 });
  assert.deepEqual(Array.from((await readNifti(join(dir, 'bg.nii.gz'))).data), Array.from(apiBg.data));
  assert.equal(bg.n_voxels, ones(apiBg.data));
});

test('mask intersect (threshold 1 and 0) and mask dilate agree with direct voxel counts', { skip }, async () => {
  const { dir } = tempDir();
  const paths = [1, 3, 5].map((n) => join(dir, `m${n}.nii.gz`));
  [1, 3, 5].forEach((n, i) => parseJsonResult(runCli('mask', 'epi', run(n), '--opening', '0', '--out', paths[i]!, '--json')));
  const masks = await Promise.all(paths.map((p) => readNifti(p)));
  const size = masks[0]!.volumeSize;
  let all = 0, any = 0;
  for (let v = 0; v < size; v++) {
    const k = masks.filter((m) => m.data[v] !== 0).length;
    if (k === 3) all++;
    if (k > 0) any++;
  }
  const inter = parseJsonResult(runCli('mask', 'intersect', ...paths, '--threshold', '1', '--no-connected', '--out', join(dir, 'and.nii.gz'), '--json'));
  assert.equal(inter.n_voxels, all);
  const union = parseJsonResult(runCli('mask', 'intersect', ...paths, '--threshold', '0', '--no-connected', '--out', join(dir, 'or.nii.gz'), '--json'));
  assert.equal(union.n_voxels, any);
  assert.ok(all < any, `three runs' masks differ somewhere (${all} in all, ${any} in any)`);

  const roi = await readNifti(join(dir, 'and.nii.gz'));
  const [nx, ny, nz] = roi.shape as [number, number, number];
  const on = (i: number, j: number, k: number) => i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && roi.data[i + nx * (j + ny * k)] !== 0;
  for (const connectivity of [6, 26]) {
    const out = join(dir, `dil${connectivity}.nii.gz`);
    parseJsonResult(runCli('mask', 'dilate', join(dir, 'and.nii.gz'), '--connectivity', String(connectivity), '--out', out, '--json'));
    const dil = await readNifti(out);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      let expected = false;
      for (let dk = -1; dk <= 1 && !expected; dk++) for (let dj = -1; dj <= 1 && !expected; dj++) for (let di = -1; di <= 1 && !expected; di++) {
        const steps = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (connectivity === 6 && steps > 1) continue;
        if (on(i + di, j + dj, k + dk)) expected = true;
      }
      assert.equal(dil.data[i + nx * (j + ny * k)] !== 0, expected, `dilation ${connectivity} at (${i}, ${j}, ${k})`);
    }
  }
});

test('mask and image commands refuse to overwrite their input and name the flags', { skip }, () => {
  const { dir } = tempDir();
  const m = join(dir, 'm.nii.gz');
  parseJsonResult(runCli('mask', 'epi', run(1), '--opening', '1', '--out', m, '--json'));
  const before = readFileSync(m);
  assert.match(expectOneLineError(runCli('mask', 'dilate', m, '--out', m)), /^neurodecode: --out: .*m\.nii\.gz is the input given to mask; refusing to overwrite it/);
  assert.match(expectOneLineError(runCli('image', 'math', 'a > 0', `a=${m}`, '--out', m)), /--out: .* is the input given to images/);
  assert.match(expectOneLineError(runCli('image', 'smooth', m, '--fwhm', '4', '--out', join(dir, 'no-such-folder', 's.nii.gz'))), /--out: folder .*no-such-folder does not exist/);
  assert.deepEqual(readFileSync(m), before, 'the input is unchanged');
});
