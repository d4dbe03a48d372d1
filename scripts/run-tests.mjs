#!/usr/bin/env node
// Runs every compiled test file of the workspace in one `node --test` call so CI reads a single
// closing summary. Fails loudly when nothing was built (a run with zero tests is a failure).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = [];
for (const group of ['packages', 'apps', 'examples']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) roots.push(join(dir, name));
}
roots.push(join(root, 'test'));

const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.test.js')) files.push(full);
  }
}
for (const r of roots) {
  const testDir = join(r, 'dist', 'test');
  if (existsSync(testDir)) walk(testDir);
}
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
if (selected.length === 0) {
  console.error('run-tests: no compiled test files found; run `pnpm build` first');
  process.exit(1);
}
console.error(`run-tests: ${selected.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${Math.max(1, cpus().length)}`, ...selected.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } },
);
process.exit(result.status ?? 1);
