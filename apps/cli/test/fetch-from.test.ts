// fetch --from DIR installs a dataset from a local copy with the download's checks (MD5SUMS,
// archive contents), and `mask atlas --atlas harvard-oxford` then finds it in the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { parseJsonResult, runCli } from './helpers.js';

const skip = skipWithoutShared();
const hasTar = spawnSync('tar', ['--version']).status === 0;

function md5(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('md5');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

/** The FSL bundle's layout, with the shared 113-region atlas standing in for cort-prob-2mm. */
function bundle(dir: string): string {
  const staging = join(dir, 'staging');
  mkdirSync(join(staging, 'data', 'atlases', 'HarvardOxford'), { recursive: true });
  copyFileSync(dataPath('atlases', 'harvard_oxford.nii.gz')!, join(staging, 'data', 'atlases', 'HarvardOxford', 'HarvardOxford-cort-prob-2mm.nii.gz'));
  const names = readFileSync(dataPath('atlases', 'harvard_oxford_labels.csv')!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(1).join(','));
  const xml = `<atlas><data>${names.map((n, i) => `<label index="${i}" x="0" y="0" z="0">${n.replace(/_/g, ' ')}</label>`).join('')}</data></atlas>`;
  writeFileSync(join(staging, 'data', 'atlases', 'HarvardOxford-Cortical.xml'), xml);
  const from = join(dir, 'copy');
  mkdirSync(from);
  const r = spawnSync('tar', ['czf', join(from, 'HarvardOxford.tgz'), '-C', staging, 'data']);
  assert.equal(r.status, 0, r.stderr.toString());
  return from;
}

test('fetch harvard-oxford --from a local copy, checked against its MD5SUMS, then mask atlas by name from the cache', { skip: skip || (!hasTar && 'tar is not installed') }, async () => {
  const { dir } = tempDir();
  const from = bundle(dir);
  writeFileSync(join(from, 'MD5SUMS'), `${'0'.repeat(32)}  HarvardOxford.tgz\n`);
  const bad = runCli('fetch', 'harvard-oxford', '--atlas', 'cort-prob-2mm', '--from', from, '--data-dir', join(dir, 'cache'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /checksum|MD5/i);
  writeFileSync(join(from, 'MD5SUMS'), `${await md5(join(from, 'HarvardOxford.tgz'))}  HarvardOxford.tgz\n`);
  // A fresh cache: the failed attempt's manifest stays in its own (as with a download).
  const cache = join(dir, 'cache2');
  const ok = parseJsonResult(runCli('fetch', 'harvard-oxford', '--atlas', 'cort-prob-2mm', '--from', from, '--data-dir', cache, '--json'));
  assert.ok(ok.maps.endsWith('HarvardOxford-cort-prob-2mm.nii.gz'));
  assert.equal(ok.labels.length, 114);

  const func = dataPath('haxby-25mm', 'sub001', 'BOLD', 'task001_run001', 'bold_25mm.nii.gz')!;
  const roi = parseJsonResult(runCli('mask', 'atlas', '--atlas', 'harvard-oxford', '--data-dir', cache, '--offline',
    '--regions', 'Occipital Pole', '--like', func, '--out', join(dir, 'op.nii.gz'), '--json'));
  assert.deepEqual(roi.regions.map((r: { index: number }) => r.index), [94, 95]);
  assert.ok(roi.n_voxels > 0);
  const missing = runCli('fetch', 'haxby', '--from', join(dir, 'nowhere'), '--data-dir', join(dir, 'cache'));
  assert.match(missing.stderr, /--from: .*nowhere is not a folder/);
});
