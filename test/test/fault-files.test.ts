// Fault suite, files: damaged .nii.gz files (truncated, bit-flipped, at many offsets and read
// chunk sizes) and every way an output can name an input. Each case checks the exit code, the
// message, and that no input changed and nothing partial was left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { folderDigest, rng, tempDir, writeTinySet } from '@neurodecode/testkit';
import { assertCleanFailure, assertUnchanged, CaseCounter, cli, pool } from './fault-kit.js';

test('fault suite: truncated and bit-flipped .nii.gz files, CLI and library, many offsets and chunk sizes', async (t) => {
  const counter = new CaseCounter('gzip');
  const { dir, cleanup } = tempDir('nd-fault-gz-');
  try {
    const set = writeTinySet(dir, { volumes: 24, side: 4 });
    const good = readFileSync(set.bold);
    const truth = Array.from((await readNifti(set.bold)).data);
    const random = rng(14);
    const truncations = [1, 9, 10, 20, 100, 500, good.length - 9, good.length - 8, good.length - 5, good.length - 1];
    for (let i = 0; i < 50; i++) truncations.push(1 + Math.floor(random() * (good.length - 1)));
    const flips: number[] = [0, 1, 2, 3, 4, 8, 9, 10, 11, good.length - 8, good.length - 5, good.length - 1];
    for (let i = 0; i < 50; i++) flips.push(Math.floor(random() * good.length));
    const damaged: { name: string; bytes: Buffer; headerOnly: boolean }[] = [
      ...truncations.map((n) => ({ name: `cut-${n}`, bytes: good.subarray(0, n), headerOnly: false })),
      ...flips.map((off) => {
        const b = Buffer.from(good);
        b[off]! ^= 1 << Math.floor(random() * 8);
        // Bytes 4-9 (MTIME, XFL, OS) are not covered by any check in gzip, and change nothing read.
        return { name: `flip-${off}`, bytes: b, headerOnly: off >= 4 && off <= 9 };
      }),
    ];
    // Library: every case at several chunk sizes, including ones that split the trailer.
    for (const d of damaged) {
      const path = join(dir, `${d.name}.nii.gz`);
      writeFileSync(path, d.bytes);
      for (const chunkSize of [3, 8, 509, 65536]) {
        counter.add();
        try {
          const img = await readNifti(path, { chunkSize });
          assert.ok(d.headerOnly, `${d.name}@${chunkSize}: accepted a damaged file`);
          assert.deepEqual(Array.from(img.data), truth, `${d.name}@${chunkSize}: accepted with changed data`);
        } catch (err) {
          assert.ok((err as Error).message.startsWith(`${path}: `), `${d.name}@${chunkSize}: error names the file: ${(err as Error).message}`);
        }
      }
    }
    // CLI: a sample of the cases as a user meets them, through `info` and `decode`.
    const sample = damaged.filter((_, i) => i % 6 === 0);
    const before = folderDigest(dir);
    const runs = await pool(sample.map((d) => () => cli(d.name.length % 2
      ? ['info', join(dir, `${d.name}.nii.gz`), '--json']
      : ['decode', '--func', join(dir, `${d.name}.nii.gz`), '--mask', set.mask, '--labels', set.labels, '--cv', 'kfold:2', '--json'])));
    runs.forEach((r, i) => {
      counter.add();
      const d = sample[i]!;
      if (d.headerOnly && r.status === 0) return;
      assertCleanFailure(r, new RegExp(`${d.name}\\.nii\\.gz: `), d.name);
    });
    assertUnchanged(dir, before, 'gzip CLI cases');
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});

test('fault suite: every output naming an input is refused before any work, however spelled', async (t) => {
  const counter = new CaseCounter('output = input');
  const { dir, cleanup } = tempDir('nd-fault-paths-');
  try {
    const set = writeTinySet(dir);
    const processMask = join(dir, 'process.nii.gz');
    writeFileSync(processMask, readFileSync(set.mask));
    mkdirSync(join(dir, 'sub'));
    const inputs: Record<string, string> = { '--func': set.bold, '--mask': set.mask, '--process-mask': processMask, '--labels': set.labels };
    // Four spellings of each input: as given, through "..", through a symlink, through a hard link.
    const spellings = (flag: string, path: string): [string, string][] => {
      const base = path.slice(dir.length + 1);
      const sym = join(dir, `sym-${flag.slice(2)}-${base}`);
      const hard = join(dir, `hard-${flag.slice(2)}-${base}`);
      symlinkSync(path, sym);
      linkSync(path, hard);
      return [['plain', path], ['dotdot', join(dir, 'sub', '..', base)], ['symlink', sym], ['hardlink', hard]];
    };
    const cases: { what: string; args: string[]; expect: RegExp }[] = [];
    const sl = ['searchlight', '--func', set.bold, '--mask', set.mask, '--process-mask', processMask, '--labels', set.labels, '--radius', '4', '--cv', 'kfold:2', '--threads', '1', '--json'];
    const out = join(dir, 'scores.nii.gz');
    for (const [flag, path] of Object.entries(inputs)) {
      for (const [how, spelled] of spellings(flag, path)) {
        cases.push({ what: `searchlight --out = ${flag} (${how})`, args: [...sl, '--out', spelled], expect: new RegExp(`--out: .*(${flag}|must end in \\.nii)`) });
        cases.push({ what: `searchlight --checkpoint = ${flag} (${how})`, args: [...sl, '--out', out, '--checkpoint', spelled], expect: new RegExp(`--checkpoint: .*${flag}`) });
        if (flag !== '--process-mask') {
          const dec = ['decode', '--func', set.bold, '--mask', set.mask, '--labels', set.labels, '--cv', 'kfold:2', '--json'];
          cases.push({ what: `decode --coef-out = ${flag} (${how})`, args: [...dec, '--coef-out', spelled], expect: new RegExp(`--coef-out: .*${flag}`) });
        }
      }
      cases.push({ what: `searchlight --shard --out = ${flag}`, args: [...sl, '--shard', '0/2', '--out', path], expect: new RegExp(`--out: .*(${flag}|a shard writes a partial result)`) });
      if (flag !== '--process-mask') {
        cases.push({
          what: `spacenet --coef-out = ${flag}`,
          args: ['spacenet', '--func', set.bold, '--mask', set.mask, '--labels', set.labels, '--cv', 'kfold:2', '--coef-out', path, '--json'],
          expect: new RegExp(`--coef-out: .*${flag}`),
        });
      }
    }
    cases.push({ what: 'searchlight --out = --checkpoint', args: [...sl, '--out', out, '--checkpoint', join(dir, 'sub', '..', 'scores.nii.gz')], expect: /--checkpoint: .*--out/ });
    // A part named like an image, so the refusal comes from the path check, not the extension check.
    const part = join(dir, 'part0.nii.gz');
    writeFileSync(part, readFileSync(set.mask));
    cases.push({ what: 'merge --out = a part', args: ['searchlight', 'merge', part, '--out', join(dir, 'sub', '..', 'part0.nii.gz')], expect: /--out: .*given to part/ });
    cases.push({ what: 'simulate --out = an input file', args: ['simulate', '--out', set.labels], expect: /--out: .*not a folder/ });
    const before = folderDigest(dir);
    const runs = await pool(cases.map((c) => () => cli(c.args)));
    runs.forEach((r, i) => {
      counter.add();
      assertCleanFailure(r, cases[i]!.expect, cases[i]!.what);
    });
    assertUnchanged(dir, before, 'output = input cases');
    assert.ok(counter.count >= 40);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});
