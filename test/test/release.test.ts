// The release steps rehearsed in a throwaway copy (scripts/release-dry-run.mjs): `changeset
// version` consumes every pending changeset, and `pnpm -r publish --dry-run` would publish every
// public package at its new version. The working tree is not touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@neurodecode/testkit';

test('changeset version and pnpm -r publish --dry-run succeed on a copy of the repository', { timeout: 5 * 60_000 }, () => {
  const root = repoRoot();
  const status = () => spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout;
  const before = status();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'release-dry-run.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr.split('\n').slice(-30).join('\n'));
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { changesets_consumed: number; versions: Record<string, string>; would_publish: string[] };
  assert.ok(out.changesets_consumed > 0);
  const expected = Object.entries(out.versions).map(([n, v]) => `${n}@${v}`).sort();
  assert.deepEqual([...out.would_publish].sort(), expected, 'every public package, at its bumped version');
  assert.equal(status(), before, 'the working tree is unchanged');
});
