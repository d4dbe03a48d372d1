// The API reference: TypeDoc builds it from the doc comments of every public package (typedoc.json),
// and no package gains undocumented exports (scripts/check-doc-comments.mjs --baseline: matrix,
// image-ops, estimators, cv, decoding, searchlight and spacenet document every export; the others
// may not exceed their recorded count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

const root = repoRoot();

test('every export keeps its doc comment (no package over its allowance)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-doc-comments.mjs'), '--baseline'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { undocumented } = JSON.parse(r.stdout.trim()) as { undocumented: Record<string, number> };
  for (const name of ['matrix', 'image-ops', 'estimators', 'cv', 'decoding', 'searchlight', 'spacenet'].map((p) => `@neurodecode/${p}`)) assert.equal(undocumented[name], undefined, name);
});

test('TypeDoc builds the API reference of every package', { timeout: 5 * 60_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'neurodecode-api-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    for (const pkg of ['matrix', 'nifti-io', 'estimators', 'searchlight']) {
      assert.ok(existsSync(join(out, '_neurodecode', pkg)) || existsSync(join(out, 'modules')), `no pages for ${pkg}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
