import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { ChecksumError, DownloadError, HAXBY_SUBJECT_FILES, OfflineError, fetchHaxby } from '../src/index.js';
import { haxbyMirror, haxbySources, packTarGz } from './fixtures.js';
import { md5, rawTarGz, startServer } from './helpers.js';

const skip = skipWithoutShared();
const FAST = { retries: 2, backoffMs: 1 };

/** Every file under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)))
    .sort();
}

test('fetchHaxby against a local mirror returns files whose bytes equal the sources', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1, 2]);
  const server = await startServer(mirror.routes);
  try {
    const dataDir = join(dir, 'cache');
    const progress: string[] = [];
    const ds = await fetchHaxby({
      subjects: [1, 2], dataDir, baseUrl: `${server.url}/haxby`, download: FAST,
      onProgress: (p) => { if (progress.at(-1) !== p.file) progress.push(p.file); },
    });
    const root = join(dataDir, 'haxby2001');
    assert.deepEqual(ds.func, [join(root, 'subj1', 'bold.nii.gz'), join(root, 'subj2', 'bold.nii.gz')]);
    assert.equal(ds.mask, join(root, 'mask.nii.gz'));
    const fields: Array<[keyof typeof ds, string]> = [
      ['func', 'bold.nii.gz'], ['sessionTarget', 'labels.txt'], ['maskVt', 'mask4_vt.nii.gz'],
      ['maskFace', 'mask8b_face_vt.nii.gz'], ['maskHouse', 'mask8b_house_vt.nii.gz'],
      ['maskFaceLittle', 'mask8_face_vt.nii.gz'], ['maskHouseLittle', 'mask8_house_vt.nii.gz'], ['anat', 'anat.nii.gz'],
    ];
    for (const [field, file] of fields) {
      const paths = ds[field] as string[];
      assert.equal(paths.length, 2, field);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(await readFile(paths[i]!), await readFile(haxbySources(i + 1)[file]!), `${field}[${i}]`);
      }
    }
    assert.deepEqual(await readFile(ds.mask), await readFile(mirror.sources.get('mask.nii.gz')!));
    assert.match(ds.description, /Haxby/);
    // Tarballs are unpacked and removed; no partial or staging files remain.
    const expected = ['MD5SUMS', 'mask.nii.gz', ...[1, 2].flatMap((s) => HAXBY_SUBJECT_FILES.map((f) => join(`subj${s}`, f)))].sort();
    assert.deepEqual(listTree(root), expected);
    assert.deepEqual(server.requests.map((r) => r.path).sort(),
      ['/haxby/MD5SUMS', '/haxby/mask.nii.gz', '/haxby/subj1-2010.01.14.tar.gz', '/haxby/subj2-2010.01.14.tar.gz']);
    assert.equal(progress.length, 3);

    // A full cache hit makes no request at all, online or offline, for any subset of subjects.
    server.requests.length = 0;
    const again = await fetchHaxby({ subjects: [2, 1], dataDir, baseUrl: `${server.url}/haxby`, download: FAST });
    await fetchHaxby({ subjects: [2], dataDir, baseUrl: `${server.url}/haxby`, offline: true });
    assert.deepEqual(again.func, [ds.func[1], ds.func[0]]);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
    cleanup();
  }
});

test('offline mode lists exactly the missing files and makes no request', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  const server = await startServer(mirror.routes);
  const saved = process.env.NEURODECODE_OFFLINE;
  try {
    const dataDir = join(dir, 'cache');
    const baseUrl = `${server.url}/haxby`;
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir, baseUrl, offline: true }), (err: Error) => {
      assert.ok(err instanceof OfflineError);
      assert.deepEqual(err.missing, ['haxby2001/mask.nii.gz', ...HAXBY_SUBJECT_FILES.map((f) => `haxby2001/subj1/${f}`)]);
      assert.ok(err.message.startsWith(`offline mode: 9 file(s) missing from the cache ${dataDir}: haxby2001/mask.nii.gz, haxby2001/subj1/bold.nii.gz,`));
      return true;
    });
    assert.equal(server.requests.length, 0);

    await fetchHaxby({ subjects: [1], dataDir, baseUrl, download: FAST });
    server.requests.length = 0;
    // The environment switch works the same; subject 6 has no anat.nii.gz to miss.
    process.env.NEURODECODE_OFFLINE = '1';
    await assert.rejects(fetchHaxby({ subjects: [1, 6], dataDir, baseUrl }), (err: Error) => {
      assert.ok(err instanceof OfflineError);
      assert.deepEqual(err.missing, HAXBY_SUBJECT_FILES.filter((f) => f !== 'anat.nii.gz').map((f) => `haxby2001/subj6/${f}`));
      return true;
    });
    assert.equal(server.requests.length, 0);
  } finally {
    if (saved === undefined) delete process.env.NEURODECODE_OFFLINE; else process.env.NEURODECODE_OFFLINE = saved;
    await server.close();
    cleanup();
  }
});

test('a tarball download dropped mid-file resumes with Range and completes', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  const tarball = mirror.routes['/haxby/subj1-2010.01.14.tar.gz']!;
  tarball.dropAfter = Math.floor(tarball.body!.length / 3);
  const server = await startServer(mirror.routes);
  try {
    const ds = await fetchHaxby({ subjects: [1], dataDir: join(dir, 'cache'), baseUrl: `${server.url}/haxby`, download: FAST });
    const tarRequests = server.requests.filter((r) => r.path.endsWith('.tar.gz'));
    assert.equal(tarRequests.length, 2);
    assert.equal(tarRequests[1]!.range, `bytes=${tarball.dropAfter}-`);
    assert.deepEqual(await readFile(ds.func[0]!), await readFile(haxbySources(1)['bold.nii.gz']!));
  } finally {
    await server.close();
    cleanup();
  }
});

test('a tarball failing its MD5SUMS entry leaves nothing in the cache', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  const good = md5(mirror.routes['/haxby/subj1-2010.01.14.tar.gz']!.body!);
  const wrong = 'f'.repeat(32);
  const sums = mirror.routes['/haxby/MD5SUMS']!;
  sums.body = Buffer.from(sums.body!.toString().replace(good, wrong));
  const server = await startServer(mirror.routes);
  try {
    const dataDir = join(dir, 'cache');
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir, baseUrl: `${server.url}/haxby`, download: FAST }), (err: Error) => {
      assert.ok(err instanceof ChecksumError);
      assert.equal(err.message, `checksum mismatch for subj1-2010.01.14.tar.gz: expected ${wrong}, got ${good}`);
      return true;
    });
    assert.deepEqual(listTree(join(dataDir, 'haxby2001')), ['MD5SUMS', 'mask.nii.gz']);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a 404 or a persistent 500 from the mirror fails with the URL and the status', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  delete mirror.routes['/haxby/subj1-2010.01.14.tar.gz'];
  const server = await startServer(mirror.routes);
  try {
    const baseUrl = `${server.url}/haxby`;
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir: join(dir, 'a'), baseUrl, download: FAST }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.message, `download failed: GET ${baseUrl}/subj1-2010.01.14.tar.gz returned 404 Not Found`);
      return true;
    });
    assert.equal(server.requests.filter((r) => r.path.endsWith('.tar.gz')).length, 1);

    server.routes.set('/haxby/MD5SUMS', { status: 500 });
    server.requests.length = 0;
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir: join(dir, 'b'), baseUrl, download: FAST }), (err: Error) => {
      assert.equal(err.message, `download failed: GET ${baseUrl}/MD5SUMS returned 500 Internal Server Error (gave up after 3 attempts)`);
      return true;
    });
    assert.equal(server.requests.length, 3);
    assert.deepEqual(listTree(join(dir, 'b')), []);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a subject tarball with a path-traversal entry is rejected and writes nothing outside', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  const evil = rawTarGz([
    { name: 'subj1/bold.nii.gz', type: '0', body: Buffer.from('not really') },
    { name: '../../evil.txt', type: '0', body: Buffer.from('pwned') },
  ]);
  mirror.routes['/haxby/subj1-2010.01.14.tar.gz'] = { body: evil };
  mirror.routes['/haxby/MD5SUMS'] = { body: Buffer.from(`${md5(evil)}  subj1-2010.01.14.tar.gz\n${md5(mirror.routes['/haxby/mask.nii.gz']!.body!)}  mask.nii.gz\n`) };
  const server = await startServer(mirror.routes);
  try {
    const dataDir = join(dir, 'cache');
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir, baseUrl: `${server.url}/haxby`, download: FAST }),
      /unsafe archive subj1-2010\.01\.14\.tar\.gz: entry "\.\.\/\.\.\/evil\.txt" contains a "\.\." component/);
    assert.equal(existsSync(join(dir, 'evil.txt')), false);
    assert.equal(existsSync(join(dataDir, 'evil.txt')), false);
    assert.deepEqual(listTree(join(dataDir, 'haxby2001')), ['MD5SUMS', 'mask.nii.gz']);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a tarball missing one of the subject files is reported by name', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  const mirror = await haxbyMirror(join(dir, 'mirror'), [1]);
  const files = Object.fromEntries(Object.entries(haxbySources(1)).filter(([f]) => f !== 'labels.txt').map(([f, src]) => [`subj1/${f}`, src]));
  const body = await packTarGz(join(dir, 'mirror'), join(dir, 'mirror', 'short.tar.gz'), files);
  mirror.routes['/haxby/subj1-2010.01.14.tar.gz'] = { body };
  mirror.routes['/haxby/MD5SUMS'] = { body: Buffer.from(`${md5(body)}  subj1-2010.01.14.tar.gz\n${md5(mirror.routes['/haxby/mask.nii.gz']!.body!)}  mask.nii.gz\n`) };
  const server = await startServer(mirror.routes);
  try {
    await assert.rejects(fetchHaxby({ subjects: [1], dataDir: join(dir, 'cache'), baseUrl: `${server.url}/haxby`, download: FAST }),
      { message: 'subj1-2010.01.14.tar.gz: archive does not contain subj1/labels.txt' });
  } finally {
    await server.close();
    cleanup();
  }
});

test('fetchHaxby names a bad subject number', async () => {
  await assert.rejects(fetchHaxby({ subjects: [0], offline: true }), { message: 'subjects: expected integers from 1 to 6, got 0' });
  await assert.rejects(fetchHaxby({ subjects: [7], offline: true }), { message: 'subjects: expected integers from 1 to 6, got 7' });
});
