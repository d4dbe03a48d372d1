// The consumer test (scripts/consumer-test.mjs) inside the suite, so CI runs it: every public
// package packed, installed with npm outside the workspace, used from ESM, CommonJS, tsc under
// three resolutions with skipLibCheck false, the CLI bin, browser bundles without Node built-ins,
// and the lab-monorepo recipe. It needs the npm registry for third-party dependencies. Measured:
// 5.6 min at load average 25 and 7.5 min at load average 40 on 2 cores, hence the 12-min timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

test('packed packages install and work outside the workspace (ESM, CJS, tsc, CLI, browser bundles)', { timeout: 12 * 60_000 }, () => {
  const root = repoRoot();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'consumer-test.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `consumer test failed:\n${r.stderr.split('\n').slice(-40).join('\n')}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { esm: { esm: string }; cjs: { cjs: string }; bundles: Record<string, unknown> };
  assert.equal(summary.esm.esm, 'ok');
  assert.equal(summary.cjs.cjs, 'ok');
  // Every browser-safe package (scripts/consumer-test.mjs's BROWSER_SAFE) was bundled without a Node built-in.
  const browserSafe = ['matrix', 'nifti-io', 'image-ops', 'maskers', 'estimators', 'cv', 'decoding', 'searchlight', 'plotting', 'stats'];
  for (const p of browserSafe) assert.ok(summary.bundles[`@neurodecode/${p}`], `no browser bundle of @neurodecode/${p}`);
});
