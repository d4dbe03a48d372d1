// Labels and plugin files are read only from regular files, within a size limit that scales with
// the image: /dev/zero, a FIFO or a huge file give one clear error, never a hang or an 8 GB read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir, writeTinySet } from '@neurodecode/testkit';
import { expectOneLineError } from './helpers.js';


const bin = join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js');
function run(args: string[]) {
  // A hang would be a failure of its own: the timeout kills the child and status is null.
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('labels from /dev/zero, a FIFO, a folder or an oversized file are refused at once', async () => {
  const { dir, cleanup } = tempDir('nd-text-');
  try {
    const s = await writeTinySet(dir);
    const fifo = join(dir, 'labels.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, 'labels chunks\n' + 'face 0\n'.repeat(200_000));
    const cmd = (labels: string) => ['decode', '--func', s.bold, '--mask', s.mask, '--labels', labels, '--cv', 'kfold:2', '--json'];
    const sl = (labels: string) => ['searchlight', '--func', s.bold, '--mask', s.mask, '--labels', labels, '--radius', '4', '--out', join(dir, 'o.nii.gz'), '--json'];
    for (const [args, re] of [
      [cmd('/dev/zero'), /--labels: \/dev\/zero is not a regular file/],
      [cmd(fifo), /--labels: .*labels\.fifo is not a regular file/],
      [cmd(dir), /--labels: .* is not a regular file/],
      [sl(fifo), /--labels: .*labels\.fifo is not a regular file/],
      [cmd(huge), /--labels: .*huge\.txt is 1\.\d MB, more than the \d+ kB a labels file for 24 volumes can need/],
    ] as const) {
      assert.match(expectOneLineError(run([...args])), re, args.join(' '));
    }
    const pluginFifo = join(dir, 'plugin.mjs');
    assert.equal(spawnSync('mkfifo', [pluginFifo]).status, 0);
    assert.match(expectOneLineError(run([...cmd(s.labels), '--plugin', pluginFifo])), /--plugin: .*plugin\.mjs is not a regular file/);
  } finally {
    cleanup();
  }
});
