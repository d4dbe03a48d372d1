// A plugin that never finishes loading fails the command naming the plugin (never exit 0 with
// nothing written), and a plugin replacing a built-in estimator is announced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir, writeTinySet } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCli } from './helpers.js';


const bin = join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js');

test('a plugin whose top-level await never settles: non-zero exit naming the plugin', async () => {
  const { dir, cleanup } = tempDir('nd-plugin-');
  try {
    const s = await writeTinySet(dir);
    const idle = join(dir, 'never.mjs');
    writeFileSync(idle, 'await new Promise(() => {});\n');
    const busy = join(dir, 'forever.mjs');
    writeFileSync(busy, 'await new Promise(() => { setInterval(() => {}, 1000); });\n');
    const args = (plugin: string) => ['decode', '--func', s.bold, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--plugin', plugin, '--json'];
    const line = expectOneLineError(runCli(...args(idle)));
    assert.match(line, /--plugin: .*never\.mjs.* never finished loading/);
    // One that keeps the process busy forever hits the load deadline instead.
    const r = spawnSync(process.execPath, [bin, ...args(busy)], {
      encoding: 'utf8', env: { ...process.env, NEURODECODE_PLUGIN_TIMEOUT_MS: '300' }, timeout: 20_000,
    });
    const busyLine = expectOneLineError({ status: r.status, stdout: r.stdout, stderr: r.stderr });
    assert.match(busyLine, /--plugin: .*forever\.mjs.* did not finish loading within 0\.3 s/);
  } finally {
    cleanup();
  }
});

test('a plugin replacing a built-in estimator is announced on stderr and named in the JSON', async () => {
  const { dir, cleanup } = tempDir('nd-plugin-');
  try {
    const s = await writeTinySet(dir);
    const plugin = join(dir, 'replace-gnb.mjs');
    const estimators = join(repoRoot(), 'packages', 'estimators', 'dist', 'src', 'index.js');
    writeFileSync(plugin, [
      `import { getEstimatorEntry, registerEstimator } from ${JSON.stringify(estimators)};`,
      `const builtin = getEstimatorEntry('gnb');`,
      `registerEstimator({ ...builtin }, { replace: true });`,
    ].join('\n') + '\n');
    const r = runCli('decode', '--func', s.bold, '--mask', s.mask, '--labels', s.labels, '--cv', 'kfold:2', '--estimator', 'gnb', '--plugin', plugin, '--json');
    const out = parseJsonResult(r);
    assert.match(r.stderr, /warning: --plugin .*replace-gnb\.mjs replaces the built-in estimator "gnb"/);
    assert.equal(out.estimator, 'gnb');
    assert.equal(out.estimator_plugin, plugin);
  } finally {
    cleanup();
  }
});
