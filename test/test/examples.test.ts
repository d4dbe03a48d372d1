// Runs every examples/*.mjs (files starting with "_" are their shared helpers) as a user would:
// `node examples/NAME.mjs OUTDIR` from the repository root. Each must exit 0; without
// ../shared/data an example prints "skipped: <reason>" and still exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '@neurodecode/testkit';

const root = repoRoot();
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort();

function run(file: string, outDir: string): Promise<{ status: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join('examples', file), outDir], { cwd: root });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

test('the examples folder holds the seed examples', () => {
  for (const seed of ['haxby-searchlight.mjs', 'workshop-mvpa-searchlight.mjs', 'decoding-tutorial.mjs', 'lab-manual-fmri-basics.mjs']) {
    assert.ok(examples.includes(seed), `examples/${seed} is missing`);
  }
});

for (const file of examples) {
  test(`examples/${file} runs to the end`, { timeout: 180_000 }, async (t) => {
    const { dir, cleanup } = tempDir('example-');
    try {
      const r = await run(file, dir);
      assert.equal(r.status, 0, `exit ${r.status}\nstderr: ${r.stderr.slice(-2000)}`);
      assert.ok(r.stdout.trim().length > 0, 'an example prints what it computes');
      t.diagnostic(`${r.seconds.toFixed(1)} s; ${r.stdout.trim().split('\n').at(-1)}`);
    } finally { cleanup(); }
  });
}
