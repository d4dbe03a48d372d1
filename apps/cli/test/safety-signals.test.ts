// SIGINT/SIGTERM while writing: exit 130/143, no temporary file left, no partial output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '@neurodecode/testkit';

const bin = join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js');

/** Start simulate, wait for its temporary bold file to appear, then send `signal`. */
function interruptSimulate(out: string, signal: NodeJS.Signals): Promise<{ status: number | null; stderr: string; sawTemp: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'simulate', '--out', out, '--volumes', '600', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sawTemp = false;
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const poll = setInterval(() => {
      if (existsSync(out) && readdirSync(out).some((f) => f.endsWith('.tmp'))) {
        sawTemp = true;
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('close', (status) => { clearInterval(poll); resolve({ status, stderr, sawTemp }); });
  });
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`simulate interrupted by ${signal}: exit ${code}, no temporary or partial file left`, async () => {
    const { dir, cleanup } = tempDir('nd-signal-');
    try {
      const out = join(dir, 'sim');
      const r = await interruptSimulate(out, signal);
      assert.ok(r.sawTemp, 'the run was interrupted while writing');
      assert.equal(r.status, code, r.stderr);
      assert.match(r.stderr, new RegExp(`interrupted \\(${signal}\\); removed \\d+ unfinished temporary file`));
      const left = readdirSync(out);
      assert.deepEqual(left.filter((f) => f.endsWith('.tmp')), []);
      assert.equal(left.includes('bold.nii.gz'), false, 'no bold.nii.gz from an unfinished run');
    } finally {
      cleanup();
    }
  });
}
