#!/usr/bin/env node
// The release steps, rehearsed in a throwaway copy of the repository (the tree here is never
// modified): `changeset version` consumes the pending changesets and bumps versions and internal
// ranges, then `pnpm -r publish --dry-run` packs every public package as it would be published.
// Run after `pnpm build`. Prints one JSON object: the versions after the bump and what would be
// published. Exits non-zero when either step fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'neurodecode-release-'));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`);
  return r;
}

try {
  // Sources, manifests, changesets and built dist folders; node_modules is linked anew below
  // from the local store.
  run('sh', ['-c', `tar --exclude=node_modules --exclude=.git --exclude=.turbo -cf - . | tar -xf - -C '${copy}'`], root);
  run('git', ['init', '-q'], copy);
  const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  run(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], copy);
  const versions = {};
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(copy, group))) {
      const file = join(copy, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (!pkg.private) versions[pkg.name] = pkg.version;
    }
  }
  const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  if (left.length) throw new Error(`changeset version left ${left.length} changesets unconsumed: ${left.join(', ')}`);
  // pnpm reads the installed workspace links to turn workspace: ranges into versions.
  run('pnpm', ['install', '--offline', '--ignore-scripts', '--config.confirmModulesPurge=false'], copy);
  const publish = run('pnpm', ['-r', 'publish', '--dry-run', '--no-git-checks', '--access', 'public'], copy);
  const packed = [...`${publish.stdout}\n${publish.stderr}`.matchAll(/\+ (@neurodecode\/[\w-]+)@([\d.]+)/g)].map((m) => `${m[1]}@${m[2]}`);
  process.stdout.write(JSON.stringify({ changesets_consumed: pending.length, versions, would_publish: packed }) + '\n');
} finally {
  rmSync(copy, { recursive: true, force: true });
}
