// The API reference: TypeDoc builds it from the doc comments of every public package (typedoc.json),
// and no package has an undocumented export (scripts/check-doc-comments.mjs --baseline: every
// public package documents every export; the baseline file allows none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

const root = repoRoot();
/** Every published package (testkit is private); each must be in typedoc.json and fully documented. */
const PUBLIC_PACKAGES = ['matrix', 'nifti-io', 'image-ops', 'maskers', 'estimators', 'cv', 'decoding', 'searchlight', 'spacenet', 'plotting', 'stats', 'datasets'];

test('every export keeps its doc comment (no package over its allowance)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-doc-comments.mjs'), '--baseline'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { undocumented } = JSON.parse(r.stdout.trim()) as { undocumented: Record<string, number> };
  for (const name of PUBLIC_PACKAGES.map((p) => `@neurodecode/${p}`)) assert.equal(undocumented[name], undefined, name);
});

test('TypeDoc builds the API reference of every package', { timeout: 5 * 60_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'neurodecode-api-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    // One module page per public package (TypeDoc's packages strategy names it after the package).
    for (const pkg of PUBLIC_PACKAGES) {
      assert.ok(existsSync(join(out, 'modules', `_neurodecode_${pkg}.html`)), `no API page for @neurodecode/${pkg}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
