// `neurodecode plugin new`: a renamed copy of the example plugin with published version ranges.
// (The consumer test's lab monorepo installs, builds and tests a scaffolded plugin end to end.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '@neurodecode/testkit';

const bin = join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });

test('plugin new scaffolds a renamed plugin package', () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = cli(['plugin', 'new', '@lab/neurodecode-plugin-nearest', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { created: string; estimator: string; files: string[] };
    assert.equal(out.estimator, 'nearest');
    assert.equal(out.created, join(dir, 'neurodecode-plugin-nearest'));
    for (const f of ['package.json', 'tsconfig.json', 'README.md', 'src/index.ts', 'src/knn.ts', 'test/knn.test.ts']) {
      assert.ok(out.files.includes(f) && existsSync(join(out.created, f)), f);
    }
    const pkg = JSON.parse(readFileSync(join(out.created, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const version = (JSON.parse(readFileSync(join(repoRoot(), 'apps', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(pkg.name as unknown as string, '@lab/neurodecode-plugin-nearest');
    assert.equal(pkg.private, undefined);
    assert.equal(pkg.peerDependencies!['@neurodecode/estimators'], `^${version}`);
    assert.ok(Object.values(pkg.devDependencies!).every((v) => !v.startsWith('workspace:')));
    const index = readFileSync(join(out.created, 'src', 'index.ts'), 'utf8');
    assert.match(index, /name: 'nearest'/);
    assert.match(index, /'nearest': KNeighborsClassifier;/);
    assert.doesNotMatch(index + readFileSync(join(out.created, 'test', 'knn.test.ts'), 'utf8'), /'knn'|neurodecode-plugin-knn/);
    assert.ok(!existsSync(join(out.created, 'dist')) && !existsSync(join(out.created, 'node_modules')));
  } finally {
    cleanup();
  }
});

test('plugin new refuses a bad name and a non-empty folder, leaving nothing behind', () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = cli(['plugin', 'new', 'Bad Name'], dir);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /NAME: "Bad Name" is not a valid npm package name/);
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'keep.txt'), 'x');
    const taken = cli(['plugin', 'new', 'taken'], dir);
    assert.notEqual(taken.status, 0);
    assert.match(taken.stderr, /--dir: .*taken exists and is not empty/);
    assert.equal(readFileSync(join(dir, 'taken', 'keep.txt'), 'utf8'), 'x');
  } finally {
    cleanup();
  }
});
