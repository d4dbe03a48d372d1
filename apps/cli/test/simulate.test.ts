import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@neurodecode/testkit';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('neurodecode simulate --json prints one object describing the files it wrote', () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = run('simulate', '--out', dir, '--volumes', '6', '--seed', '5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const out = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(out).sort(), ['bold', 'classes', 'labels', 'mask', 'n_mask_voxels', 'n_volumes', 'out', 'seed', 'shape', 'signal_mask', 'snr', 'variability']);
    assert.deepEqual(out.classes, ['face', 'house']);
    assert.equal(out.variability, 1);
    assert.deepEqual(out.shape, [40, 64, 64, 6]);
    assert.equal(out.n_volumes, 6);
    assert.equal(out.seed, 5);
    for (const key of ['bold', 'mask', 'signal_mask', 'labels']) assert.ok(existsSync(out[key]), key);
    assert.equal(readFileSync(out.labels, 'utf8').trim().split('\n').length, 7);
  } finally {
    cleanup();
  }
});

test('neurodecode simulate: bad options fail with one line naming the option', () => {
  const r = run('simulate', '--out', '/tmp/unused-simulate-dir', '--volumes', '2');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'neurodecode: --volumes: expected an integer >= 4, got "2"\n');
  assert.equal(r.stdout, '');
});
