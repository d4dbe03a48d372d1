// Fault suite, network: `neurodecode fetch` against a local server that drops, stalls, dribbles,
// lies about ranges, answers errors, serves bad manifests and hostile tarballs. Each case checks
// the exit code and message, and that the cache holds only verified files (no lock, temporary,
// staging folder, or file under a final name with the wrong bytes), and nothing outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rawTarGz, tempDir, type RawTarEntry } from '@neurodecode/testkit';
import { assertCleanFailure, CaseCounter, cli, leftovers, pool } from './fault-kit.js';
import { md5, startFaultServer, type Behaviour, type FaultServer } from './fault-server.js';

const T = 'MNI152_T1_1mm_brain.nii.gz';
const M = 'MNI152_T1_1mm_brain_mask.nii.gz';
const template = randomBytes(300_000);
const mask = randomBytes(50_000);
const goodSums = `${md5(template)}  ${T}\n${md5(mask)}  ${M}\n`;

interface NetCase {
  what: string;
  template?: Behaviour;
  mask?: Behaviour;
  sums?: string | Buffer;
  extra?: string[];
  /** undefined: must succeed; else the failure message. */
  fails?: RegExp;
}

const cases: NetCase[] = [
  { what: 'drop once mid-file, then resume', template: { kind: 'drop', after: 100_000, times: 1 } },
  { what: 'drop on every attempt', template: { kind: 'drop', after: 1000, times: 99 }, fails: /connection dropped after \d+ bytes.*gave up after 4 attempts/ },
  { what: 'stall after the headers', template: { kind: 'stall' }, extra: ['--deadline', '1'], fails: /not finished within 1 s \(the per-file deadline/ },
  { what: 'dribble a byte at a time', template: { kind: 'dribble', bytes: 1, everyMs: 50 }, extra: ['--deadline', '1'], fails: /not finished within 1 s/ },
  { what: 'resume at the wrong byte', template: { kind: 'wrong-range-start' }, fails: /resumed at the wrong byte.*gave up/ },
  { what: 'ignore the Range header', template: { kind: 'ignore-range' } },
  { what: '404 for a file', mask: { kind: 'status', code: 404 }, fails: /returned 404/ },
  { what: '500 on every attempt', mask: { kind: 'status', code: 500 }, fails: /returned 500.*gave up after 4 attempts/ },
  { what: 'manifest missing a file', sums: `${md5(template)}  ${T}\n`, fails: new RegExp(`${M}: not listed in MD5SUMS`) },
  { what: 'manifest with a wrong checksum', sums: `${md5(template)}  ${T}\n${'7'.repeat(32)}  ${M}\n`, fails: /checksum mismatch for MNI152_T1_1mm_brain_mask\.nii\.gz: expected 7{32}, got [0-9a-f]{32}$/m },
  { what: 'manifest of binary junk', sums: randomBytes(3000), fails: /not listed in MD5SUMS/ },
  { what: 'manifest listing everything twice, second time wrong', sums: goodSums + `${'0'.repeat(32)}  ${T}\n`, fails: /checksum mismatch for MNI152_T1_1mm_brain\.nii\.gz/ },
];

function checkMniCache(dataDir: string, what: string): void {
  assert.deepEqual(leftovers(dataDir), [], `${what}: no lock, temporary or staging folder left`);
  const folder = join(dataDir, 'mni152');
  if (!existsSync(folder)) return;
  for (const f of readdirSync(folder)) {
    if (f === 'MD5SUMS' || f.endsWith('.part')) continue;
    const truth = f === T ? template : f === M ? mask : undefined;
    assert.ok(truth, `${what}: unexpected file ${f}`);
    assert.equal(md5(readFileSync(join(folder, f))), md5(truth), `${what}: ${f} under its final name has the wrong bytes`);
  }
}

test('fault suite: a hostile or broken server never leaves a wrong file in the cache', async (t) => {
  const counter = new CaseCounter('network');
  const { dir, cleanup } = tempDir('nd-fault-net-');
  const servers: FaultServer[] = [];
  try {
    const jobs = cases.map((c, i) => async () => {
      const server = await startFaultServer({
        [`/${T}`]: { body: template, behaviour: c.template },
        [`/${M}`]: { body: mask, behaviour: c.mask },
        '/MD5SUMS': { body: Buffer.from(c.sums ?? goodSums) },
      });
      servers.push(server);
      const dataDir = join(dir, `cache-${i}`);
      if (process.env.FAULT_DEBUG) process.stderr.write(`start ${c.what}\n`);
      const r = await cli(['fetch', 'mni152', '--data-dir', dataDir, '--base-url', server.url, '--json', ...(c.extra ?? [])]);
      if (c.fails) assertCleanFailure(r, c.fails, c.what);
      else {
        assert.equal(r.status, 0, `${c.what}: ${r.stderr}`);
        assert.equal(md5(readFileSync(join(dataDir, 'mni152', T))), md5(template), c.what);
      }
      checkMniCache(dataDir, c.what);
      counter.add();
    });
    await pool(jobs, 3);
    t.diagnostic(counter.report());
  } finally {
    for (const s of servers) await s.close();
    cleanup();
  }
});

test('fault suite: hostile tarballs are refused whole and write nothing anywhere', async (t) => {
  const counter = new CaseCounter('tarballs');
  const { dir, cleanup } = tempDir('nd-fault-tar-');
  const outside = join(dir, 'outside-target.txt');
  const file = (name: string): RawTarEntry => ({ name, type: '0', body: Buffer.from('x') });
  const hostile: [string, RawTarEntry[]][] = [
    ['path traversal', [file('subj1/labels.txt'), file('../../outside-target.txt')]],
    ['absolute path', [file(outside)]],
    ['symlink out of the folder', [{ name: 'subj1/l', type: '2', linkname: '../../../outside-target.txt' }]],
    ['absolute symlink', [{ name: 'l', type: '2', linkname: outside }]],
    ['symlink chain', [{ name: 'q/r/s/', type: '5' }, { name: 'q/r/s/L', type: '2', linkname: '../../..' }, { name: 'ESC', type: '2', linkname: 'q/r/s/L/../../../..' }]],
    ['hard link out of the folder', [{ name: 'h', type: '1', linkname: '../outside-target.txt' }]],
    ['hard link through a symlink', [{ name: 'k/', type: '5' }, { name: 'k/top', type: '2', linkname: '..' }, { name: 'h', type: '1', linkname: 'k/top/../x' }]],
    ['character device', [{ name: 'dev', type: '3' }]],
    ['FIFO', [{ name: 'pipe', type: '6' }]],
    ['link loop', [{ name: 'loop', type: '2', linkname: 'loop/x' }]],
  ];
  const servers: FaultServer[] = [];
  try {
    const maskBody = randomBytes(2000);
    const jobs = [...hostile, ['not a tarball', []] as [string, RawTarEntry[]]].map(([what, entries], i) => async () => {
      const tarball = entries.length ? rawTarGz(entries) : randomBytes(5000);
      const server = await startFaultServer({
        '/mask.nii.gz': { body: maskBody },
        '/subj1-2010.01.14.tar.gz': { body: tarball },
        '/MD5SUMS': { body: Buffer.from(`${md5(maskBody)}  mask.nii.gz\n${md5(tarball)}  subj1-2010.01.14.tar.gz\n`) },
      });
      servers.push(server);
      const dataDir = join(dir, 'nest', `cache-${i}`);
      if (process.env.FAULT_DEBUG) process.stderr.write(`start ${what}\n`);
      const r = await cli(['fetch', 'haxby', '--subjects', '1', '--data-dir', dataDir, '--base-url', server.url, '--json']);
      assertCleanFailure(r, entries.length ? /unsafe archive subj1-2010\.01\.14\.tar\.gz: / : /unreadable archive subj1-2010\.01\.14\.tar\.gz: /, what);
      assert.equal(existsSync(outside), false, `${what}: wrote outside the cache`);
      assert.deepEqual(leftovers(dataDir), [], `${what}: leftovers`);
      assert.deepEqual(readdirSync(join(dataDir, 'haxby2001')).sort(), ['MD5SUMS', 'mask.nii.gz'], `${what}: only verified files remain`);
      counter.add();
    });
    await pool(jobs, 3);
    t.diagnostic(counter.report());
  } finally {
    for (const s of servers) await s.close();
    cleanup();
  }
});
