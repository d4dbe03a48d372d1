// The browser entry (core.ts, what a bundler gets under the `browser` condition) runs the same
// permutations in the calling thread and gives the same nulls as the Node entry's worker pool.
// Run in a child process with --conditions=browser, so the module graph is the browser one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '@neurodecode/testkit';
import { maskGraph, permutedOls } from '../src/index.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the browser entry resolves to core.js and matches the worker pool (2 threads) exactly', async () => {
  const n = 9,
    shape: [number, number, number] = [6, 5, 4];
  const r = rng(21);
  const V = shape[0] * shape[1] * shape[2];
  const Y = Array.from({ length: n * V }, (_x, i) => r() - 0.5 + ((i % V) % 5 < 2 ? 0.4 : 0));
  const opts = { nPerm: 200, seed: 4, threshold: 0.01, tfce: true, twoSided: true };
  const script = `
    const stats = await import('@neurodecode/stats');
    const input = JSON.parse(process.argv[1]);
    const graph = stats.maskGraph(new Array(${V}).fill(1), ${JSON.stringify(shape)});
    const res = await stats.permutedOls(Float64Array.from(input.Y), ${n}, graph, { ...input.opts, threads: 2 });
    console.log(JSON.stringify({ entry: import.meta.resolve('@neurodecode/stats'), t: [...res.t], h0MaxT: [...res.h0MaxT], h0MaxTfce: [...res.h0MaxTfce], h0MaxSize: [...res.h0MaxSize] }));`;
  const child = spawnSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', script, JSON.stringify({ Y, opts })], {
    cwd: pkgDir,
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  const browser = JSON.parse(child.stdout) as Record<string, number[]> & { entry: string };
  assert.match(browser.entry, /\/dist\/src\/core\.js$/);
  const node = await permutedOls(Float64Array.from(Y), n, maskGraph(new Array(V).fill(1), shape), { ...opts, threads: 2 });
  for (const key of ['t', 'h0MaxT', 'h0MaxTfce', 'h0MaxSize'] as const) {
    const mine = node[key]!;
    assert.equal(browser[key]!.length, mine.length, key);
    browser[key]!.forEach((x, i) => assert.ok(Math.abs(x - mine[i]!) <= 1e-12 * Math.max(1, Math.abs(x)), `${key}[${i}]: ${x} vs ${mine[i]}`));
  }
});
