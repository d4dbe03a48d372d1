// MD5SUMS handling: every installed file is verified by the manifest or the fetch fails naming
// it; a checksum mismatch against a cached manifest re-downloads the manifest once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@neurodecode/testkit';
import { fetchMni152 } from '../src/index.js';
import { md5, startServer } from './helpers.js';

const FAST = { retries: 0, backoffMs: 1 };
const T = 'MNI152_T1_1mm_brain.nii.gz';
const M = 'MNI152_T1_1mm_brain_mask.nii.gz';

async function mirror(manifest: (t: Buffer, m: Buffer) => string) {
  const template = randomBytes(3000);
  const mask = randomBytes(1000);
  const server = await startServer({
    [`/${T}`]: { body: template },
    [`/${M}`]: { body: mask },
    '/MD5SUMS': { body: Buffer.from(manifest(template, mask)) },
  });
  return { server, template, mask };
}

test('a manifest that does not list a file fails naming the file, and installs nothing unverified', async () => {
  const { server, template } = await mirror((t) => `${md5(t)}  ${T}\n${md5(Buffer.from('other'))}  unrelated.nii.gz\n`);
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(fetchMni152({ dataDir: dir, baseUrl: server.url, download: FAST }),
      new RegExp(`${M.replace(/\./g, '\\.')}: not listed in MD5SUMS`));
    assert.equal(existsSync(join(dir, 'mni152', M)), false);
    assert.equal(md5(Buffer.from(template)), md5(template));
  } finally {
    cleanup();
    await server.close();
  }
});

test('a stale cached manifest is downloaded again once on a mismatch, and the fetch then succeeds', async () => {
  const { server, template, mask } = await mirror((t, m) => `${md5(t)}  ${T}\n${md5(m)}  ${M}\n`);
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'mni152'));
    writeFileSync(join(dir, 'mni152', 'MD5SUMS'), `${md5(template)}  ${T}\n${'0'.repeat(32)}  ${M}\n`);
    const mni = await fetchMni152({ dataDir: dir, baseUrl: server.url, download: FAST });
    assert.ok(existsSync(mni.mask));
    assert.equal(server.requests.filter((r) => r.path === '/MD5SUMS').length, 1);
    void mask;
  } finally {
    cleanup();
    await server.close();
  }
});

test('a mismatch that persists after the manifest is downloaded again fails saying so', async () => {
  const { server, template } = await mirror((t) => `${md5(t)}  ${T}\n${'1'.repeat(32)}  ${M}\n`);
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'mni152'));
    writeFileSync(join(dir, 'mni152', 'MD5SUMS'), `${md5(template)}  ${T}\n${'0'.repeat(32)}  ${M}\n`);
    await assert.rejects(fetchMni152({ dataDir: dir, baseUrl: server.url, download: FAST }),
      /checksum mismatch for MNI152_T1_1mm_brain_mask\.nii\.gz: expected 1{32}, got [0-9a-f]{32} \(MD5SUMS downloaded again/);
    assert.deepEqual(readdirSync(join(dir, 'mni152')).filter((f) => f.includes('mask')), []);
  } finally {
    cleanup();
    await server.close();
  }
});
