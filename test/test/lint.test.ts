// The linter and formatter (Biome, biome.json): `biome ci` lints the sources of every package, app
// and script (errors fail; warnings are listed), and checks the formatting of the files brought
// under the formatter so far (biome.json's formatter.includes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

test('biome ci: no lint errors, formatted files stay formatted', () => {
  const root = repoRoot();
  const r = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['ci', '--colors=off', '--diagnostic-level=error'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`.split('\n').slice(-60).join('\n'));
  assert.match(`${r.stdout}${r.stderr}`, /Checked \d+ files/);
});
