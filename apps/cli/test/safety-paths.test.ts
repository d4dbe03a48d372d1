// Outputs never overwrite inputs, and output locations are checked before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { folderDigest, tempDir, writeTinySet, type TinySet } from '@neurodecode/testkit';
import { expectOneLineError, runCli } from './helpers.js';


const sl = (s: TinySet, ...extra: string[]) =>
  ['searchlight', '--func', s.bold, '--mask', s.mask, '--labels', s.labels, '--radius', '4', '--cv', 'kfold:2', '--threads', '1', '--json', ...extra];
const dec = (s: TinySet, ...extra: string[]) =>
  ['decode', '--func', s.bold, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--json', ...extra];

async function withSet(fn: (s: TinySet) => void | Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir('nd-safety-');
  try {
    const set = await writeTinySet(dir);
    const before = folderDigest(dir);
    await fn(set);
    const after = folderDigest(dir);
    for (const [name, digest] of before) assert.equal(after.get(name), digest, `${name} changed`);
  } finally {
    cleanup();
  }
}

test('an output naming an input is refused before any work, however it is spelled', async () => {
  await withSet((s) => {
    mkdirSync(join(s.dir, 'sub'));
    symlinkSync(s.bold, join(s.dir, 'link.nii.gz'));
    linkSync(s.mask, join(s.dir, 'hard.nii.gz'));
    const cases: [string[], RegExp][] = [
      [sl(s, '--out', s.bold), /--out: .*--func/],
      [sl(s, '--out', join(s.dir, 'sub', '..', 'bold.nii.gz')), /--out: .*--func/],
      [sl(s, '--out', join(s.dir, 'link.nii.gz')), /--out: .*--func/],
      [sl(s, '--out', join(s.dir, 'hard.nii.gz')), /--out: .*--mask/],
      [sl(s, '--shard', '0/2', '--out', s.labels), /--out: .*--labels/],
      [sl(s, '--out', join(s.dir, 'scores.nii.gz'), '--checkpoint', s.mask), /--checkpoint: .*--mask/],
      [sl(s, '--out', join(s.dir, 'scores.nii.gz'), '--checkpoint', join(s.dir, 'scores.nii.gz')), /--checkpoint: .*--out/],
      [dec(s, '--coef-out', s.bold), /--coef-out: .*--func/],
      [['searchlight', 'merge', s.labels, s.mask, '--out', s.mask], /--out: .*part/],
    ];
    for (const [args, re] of cases) {
      const line = expectOneLineError(runCli(...args));
      assert.match(line, re, args.join(' '));
      assert.match(line, /refusing|also the/);
    }
  });
});

test('a missing or unwritable output folder is reported before computing (--out, --coef-out, --checkpoint)', async () => {
  await withSet((s) => {
    const missing = join(s.dir, 'no-such-folder');
    const cases: [string[], RegExp][] = [
      [sl(s, '--out', join(s.dir, 'scores.nii.gz'), '--checkpoint', join(missing, 'ck')), /^neurodecode: --checkpoint: folder .*no-such-folder does not exist$/],
      [sl(s, '--out', join(missing, 'scores.nii.gz')), /^neurodecode: --out: folder .*no-such-folder does not exist$/],
      [dec(s, '--coef-out', join(missing, 'coef.nii.gz')), /^neurodecode: --coef-out: folder .*no-such-folder does not exist$/],
      [sl(s, '--out', s.dir + '/'), /--out/],
      [['simulate', '--out', s.labels], /^neurodecode: --out: .*labels.txt exists and is not a folder$/],
    ];
    for (const [args, re] of cases) assert.match(expectOneLineError(runCli(...args)), re, args.join(' '));
    assert.equal(existsSync(missing), false);
  });
});
