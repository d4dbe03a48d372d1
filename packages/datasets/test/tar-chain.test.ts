// Symlinks are resolved against the links the archive already holds: a chain of individually
// harmless links that together leave the target folder is refused.
import assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@neurodecode/testkit';
import { ArchiveChecker, extractTarGz } from '../src/index.js';
import { rawTarGz, type RawTarEntry } from './helpers.js';

const chains: [string, RawTarEntry[]][] = [
  ['the reported chain', [
    { name: 'q/r/s/', type: '5' },
    { name: 'q/r/s/L', type: '2', linkname: '../../..' },
    { name: 'ESC', type: '2', linkname: 'q/r/s/L/../../../..' },
  ]],
  ['a link to a link to the parent', [
    { name: 'a', type: '2', linkname: '.' },
    { name: 'b', type: '2', linkname: 'a/..' },
  ]],
  ['a chain inside a deeper folder', [
    { name: 'x/y/', type: '5' },
    { name: 'x/y/z', type: '2', linkname: '../..' },
    { name: 'x/w', type: '2', linkname: 'y/z/..' },
  ]],
  ['a hard link through a symlink', [
    { name: 'k/', type: '5' },
    { name: 'k/top', type: '2', linkname: '..' },
    { name: 'h', type: '1', linkname: 'k/top/../secret' },
  ]],
  ['a self-referencing loop', [
    { name: 'loop', type: '2', linkname: 'loop/x' },
  ]],
];

test('tar: symlink chains that leave the target are refused and nothing is extracted', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [what, entries] of chains) {
      const archive = join(dir, 'chain.tar.gz');
      await writeFile(archive, rawTarGz(entries));
      const target = join(dir, 'cache', 'ds');
      await assert.rejects(extractTarGz(archive, target), /unsafe archive chain\.tar\.gz: .*(outside|too many)/, what);
      for (const name of ['ESC', 'a', 'b', 'h', 'k', 'q', 'x', 'loop']) {
        assert.equal(existsSync(join(target, name)) || isLink(join(target, name)), false, `${what}: ${name} left behind`);
      }
    }
  } finally {
    cleanup();
  }
});

test('tar: links that stay inside, even through other links, are kept', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const archive = join(dir, 'ok.tar.gz');
    await writeFile(archive, rawTarGz([
      { name: 'data/', type: '5' },
      { name: 'data/f.txt', type: '0', body: Buffer.from('hello') },
      { name: 'data/sub/', type: '5' },
      { name: 'data/sub/up', type: '2', linkname: '..' },
      { name: 'alias', type: '2', linkname: 'data/f.txt' },
    ]));
    await extractTarGz(archive, join(dir, 'out'));
    assert.ok(isLink(join(dir, 'out', 'alias')));
    assert.ok(isLink(join(dir, 'out', 'data', 'sub', 'up')));
    // A link through another link that stays inside passes the check (node-tar itself declines
    // to create links through links, which is stricter still).
    const checker = new ArchiveChecker();
    assert.equal(checker.check('SymbolicLink', 'data/sub/up', '..'), undefined);
    assert.equal(checker.check('SymbolicLink', 'alias', 'data/sub/up/f.txt'), undefined);
    assert.equal(checker.check('Directory', 'x/'), undefined);
    assert.equal(checker.check('SymbolicLink', 'x/l', '..'), undefined);
    assert.match(checker.check('SymbolicLink', 'y', 'x/l/..')!, /outside/);
  } finally {
    cleanup();
  }
});

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
