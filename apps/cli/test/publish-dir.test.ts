// Publishing outputs into an existing --out folder survives a SIGKILL between two renames: the
// next run finishes the move (roll forward), so the folder never stays a mix of two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { tempDir } from '@neurodecode/testkit';
import { publish, recoverInterruptedPublish, stagingDir } from '../src/publish-dir.js';
import { parseJsonResult, runCliAsync } from './helpers.js';

const moduleUrl = pathToFileURL(join(import.meta.dirname, '..', 'src', 'publish-dir.js')).href;

/** A staging folder for out holding files name -> content. */
function stage(out: string, files: Record<string, string>): string {
  const tmp = stagingDir(out);
  mkdirSync(tmp);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
  return tmp;
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

test('publish: a new folder in one rename; into an existing one the new files replace the old, the user\'s other files stay', () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'out');
    publish(stage(out, { 'a.txt': 'new a' }), out);
    assert.deepEqual(contents(out), { 'a.txt': 'new a' });
    writeFileSync(join(out, 'notes.md'), 'mine');
    publish(stage(out, { 'a.txt': 'newer a', 'b.txt': 'newer b' }), out);
    assert.deepEqual(contents(out), { 'a.txt': 'newer a', 'b.txt': 'newer b', 'notes.md': 'mine' });
    assert.deepEqual(readdirSync(dir), ['out'], 'no staging folder left');
  } finally {
    cleanup();
  }
});

test('a process SIGKILLed between two renames of publish: the next run moves the rest; dead unfinished staging is removed, a live one kept', () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'out');
    mkdirSync(out);
    for (const f of ['x1.txt', 'x2.txt', 'x3.txt', 'x4.txt']) writeFileSync(join(out, f), 'old');
    writeFileSync(join(out, 'notes.md'), 'mine');
    // A real process publishes four files and is killed by SIGKILL right after its second file
    // rename (the journal's rename comes first), as a power cut or the OOM killer would.
    const script = `
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      const rename = fs.renameSync;
      let n = 0;
      fs.renameSync = (a, b) => { rename(a, b); if (++n === 3) process.kill(process.pid, 'SIGKILL'); };
      syncBuiltinESMExports();
      const { publish, stagingDir } = await import(${JSON.stringify(moduleUrl)});
      const out = ${JSON.stringify(out)};
      const tmp = stagingDir(out);
      fs.mkdirSync(tmp);
      for (const f of ['x1.txt', 'x2.txt', 'x3.txt', 'x4.txt']) fs.writeFileSync(tmp + '/' + f, 'new');
      publish(tmp, out);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL', `the child was killed mid-publish: ${child.stderr}`);
    const mixed = Object.values(contents(out));
    assert.ok(mixed.includes('old') && mixed.includes('new'), 'the kill left a mix of two runs');
    const leftovers = readdirSync(dir).filter((f) => f.includes('partial'));
    assert.equal(leftovers.length, 1);

    // Two more staging folders without a journal: one of a process that has exited, one of this (live) process.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dead = join(dir, `.out.partial-${deadPid}-0000beef`);
    mkdirSync(dead);
    writeFileSync(join(dead, 'x1.txt'), 'unfinished');
    const live = stage(out, { 'x1.txt': 'being written' });

    const notes = recoverInterruptedPublish(out);
    assert.deepEqual(contents(out), { 'notes.md': 'mine', 'x1.txt': 'new', 'x2.txt': 'new', 'x3.txt': 'new', 'x4.txt': 'new' });
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.match(notes.join('\n'), /interrupted while moving its 4 files .*; moved the last 2/);
    assert.match(notes.join('\n'), /removed \.out\.partial-\d+-0000beef, the unfinished outputs/);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(live), true, "a live process's staging folder is not touched");
    assert.deepEqual(recoverInterruptedPublish(out).length, 0, 'nothing left to do');
  } finally {
    cleanup();
  }
});

test('neurodecode group into a folder a killed run left half-moved: the earlier files are moved first, with a notice', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const shape = [4, 4, 3];
    const affine = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]];
    const n = 48;
    await writeNifti(new NiftiImage({ data: new Uint8Array(n).fill(1), shape, affine }), join(dir, 'mask.nii.gz'));
    const maps: string[] = [];
    for (let s = 0; s < 4; s++) {
      maps.push(join(dir, `sub-${s}.nii.gz`));
      await writeNifti(new NiftiImage({ data: Float32Array.from({ length: n }, (_, v) => 0.5 + 0.01 * Math.sin(v * (s + 1)) + (v < 6 ? 0.1 : 0)), shape, affine }), maps[s]!);
    }
    const out = join(dir, 'group');
    mkdirSync(out);
    writeFileSync(join(out, 'earlier.txt'), 'old');
    // The state a SIGKILL mid-publish leaves (see the test above): a committed journal, one file still staged.
    const tmp = stage(out, { 'earlier.txt': 'from the killed run' });
    writeFileSync(join(tmp, '.publishing.json'), JSON.stringify({ out, files: ['earlier.txt', 'moved.txt'] }));
    writeFileSync(join(out, 'moved.txt'), 'from the killed run');
    const r = await runCliAsync('group', '--maps', ...maps, '--mask', join(dir, 'mask.nii.gz'), '--n-perm', '50', '--threads', '1', '--out', out, '--json');
    const res = parseJsonResult(r);
    assert.match(r.stderr, /--out: an earlier run was interrupted while moving its 2 files into .*group; moved the last 1/);
    assert.equal(readFileSync(join(out, 'earlier.txt'), 'utf8'), 'from the killed run');
    assert.ok(existsSync(res.files.t), 'the new run published its outputs');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('partial')), []);
  } finally {
    cleanup();
  }
});
