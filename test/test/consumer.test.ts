// The consumer test (scripts/consumer-test.mjs) inside the suite, so CI runs it: every public
// package packed, installed with npm outside the workspace, used from ESM, CommonJS, tsc under
// three resolutions with skipLibCheck false, the CLI bin, browser bundles without Node built-ins,
// and the lab-monorepo recipe. It needs the npm registry for third-party dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

test('packed packages install and work outside the workspace (ESM, CJS, tsc, CLI, browser bundles)', { timeout: 8 * 60_000 }, () => {
  const root = repoRoot();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'consumer-test.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `consumer test failed:\n${r.stderr.split('\n').slice(-40).join('\n')}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { esm: { esm: string }; cjs: { cjs: string }; bundles: Record<string, unknown> };
  assert.equal(summary.esm.esm, 'ok');
  assert.equal(summary.cjs.cjs, 'ok');
  assert.ok(Object.keys(summary.bundles).length >= 8, 'every browser-safe package was bundled');
});
