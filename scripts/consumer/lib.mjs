// Helpers of the consumer test: running commands, finding the workspace's packages, unpacking a
// tarball.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Run a command; throw with its output when it exits non-zero. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? process.cwd()}) exited ${r.status}:\n${tail}`);
  }
  return r;
}

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Every package folder of the workspace (packages/* and apps/*), in a stable order. */
export function packageDirs(root) {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      if (existsSync(join(dir, 'package.json'))) dirs.push(dir);
    }
  }
  return dirs;
}

/** Extract a package tarball; returns the folder holding its files (npm's `package/`). */
export function unpackTarball(tgz, into) {
  mkdirSync(into, { recursive: true });
  run('tar', ['-xzf', tgz, '-C', into]);
  return join(into, 'package');
}
