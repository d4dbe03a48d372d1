// Several processes fetching into one data folder at once all end with one intact file each,
// and a lock left by a killed fetch does not block later ones.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from '@neurodecode/testkit';
import { md5, startServer } from './helpers.js';

const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));

function fetchInChild(dataDir: string, baseUrl: string): Promise<{ status: number | null; stderr: string }> {
  const code = `const m = await import(${JSON.stringify(entry)}); await m.fetchMni152({ dataDir: ${JSON.stringify(dataDir)}, baseUrl: ${JSON.stringify(baseUrl)} });`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('concurrent fetches into one data folder: all succeed, one intact copy of each file, nothing left over', async () => {
  const template = randomBytes(1_300_000);
  const mask = randomBytes(200_000);
  const server = await startServer({
    '/MNI152_T1_1mm_brain.nii.gz': { body: template, dribbleBytes: 64 * 1024, dribbleMs: 15 },
    '/MNI152_T1_1mm_brain_mask.nii.gz': { body: mask, dribbleBytes: 64 * 1024, dribbleMs: 15 },
    '/MD5SUMS': { body: Buffer.from(`${md5(template)}  MNI152_T1_1mm_brain.nii.gz\n${md5(mask)}  MNI152_T1_1mm_brain_mask.nii.gz\n`) },
  });
  const { dir, cleanup } = tempDir();
  try {
    const runs = await Promise.all([1, 2, 3].map(() => fetchInChild(dir, server.url)));
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    const folder = join(dir, 'mni152');
    assert.equal(md5(readFileSync(join(folder, 'MNI152_T1_1mm_brain.nii.gz'))), md5(template));
    assert.equal(md5(readFileSync(join(folder, 'MNI152_T1_1mm_brain_mask.nii.gz'))), md5(mask));
    assert.deepEqual(readdirSync(folder).sort(), ['MD5SUMS', 'MNI152_T1_1mm_brain.nii.gz', 'MNI152_T1_1mm_brain_mask.nii.gz']);
    // Each file was downloaded once: the others waited for it and found it in the cache.
    assert.equal(server.requests.filter((q) => q.path === '/MNI152_T1_1mm_brain.nii.gz').length, 1);
  } finally {
    cleanup();
    await server.close();
  }
});

test('a lock left by a fetch that was killed is taken over', async () => {
  const template = randomBytes(1000);
  const mask = randomBytes(500);
  const server = await startServer({
    '/MNI152_T1_1mm_brain.nii.gz': { body: template },
    '/MNI152_T1_1mm_brain_mask.nii.gz': { body: mask },
    '/MD5SUMS': { body: Buffer.from(`${md5(template)}  MNI152_T1_1mm_brain.nii.gz\n${md5(mask)}  MNI152_T1_1mm_brain_mask.nii.gz\n`) },
  });
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'mni152'));
    // pid 2^22 + 1 is above Linux's pid_max default range for live processes in this test.
    const { hostname } = await import('node:os');
    writeFileSync(join(dir, 'mni152', '.lock'), `pid 4194305 host ${hostname()} since 2020-01-01T00:00:00Z\n`);
    writeFileSync(join(dir, 'mni152', 'MNI152_T1_1mm_brain.nii.gz.lock'), `pid 4194305 host ${hostname()} since 2020-01-01T00:00:00Z\n`);
    const r = await fetchInChild(dir, server.url);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'mni152')).sort(), ['MD5SUMS', 'MNI152_T1_1mm_brain.nii.gz', 'MNI152_T1_1mm_brain_mask.nii.gz']);
  } finally {
    cleanup();
    await server.close();
  }
});
