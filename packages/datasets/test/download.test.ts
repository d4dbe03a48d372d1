import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rng, tempDir } from '@neurodecode/testkit';
import { ChecksumError, DownloadError, downloadFile } from '../src/index.js';
import { md5, startServer } from './helpers.js';

function randomBytes(n: number, seed: number): Buffer {
  const r = rng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

const FAST = { backoffMs: 1 };

test('a connection dropped mid-file resumes with a Range request and completes', async () => {
  const body = randomBytes(300_000, 1);
  const server = await startServer({ '/f.bin': { body, dropAfter: 120_000, dropTimes: 2 } });
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'f.bin');
    const seen: number[] = [];
    const res = await downloadFile(`${server.url}/f.bin`, dest, { ...FAST, expectedMd5: md5(body), onProgress: (p) => seen.push(p.received) });
    assert.deepEqual(await readFile(dest), body);
    assert.equal(existsSync(`${dest}.part`), false);
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[0]!.range, undefined);
    assert.equal(server.requests[1]!.range, 'bytes=120000-');
    assert.equal(server.requests[2]!.range, 'bytes=240000-');
    assert.equal(res.resumedAttempts, 2);
    assert.equal(seen.at(-1), body.length);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a server that answers a Range request with 200 restarts the file cleanly', async () => {
  const body = randomBytes(50_000, 2);
  const server = await startServer({ '/f.bin': { body, ignoreRange: true } });
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'f.bin');
    await writeFile(`${dest}.part`, Buffer.from('stale bytes from another file'));
    await downloadFile(`${server.url}/f.bin`, dest, { ...FAST, expectedMd5: md5(body) });
    assert.equal(server.requests[0]!.range, 'bytes=29-');
    assert.deepEqual(await readFile(dest), body);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a checksum mismatch throws a clear error and leaves neither the file nor a .part', async () => {
  const body = randomBytes(10_000, 3);
  const server = await startServer({ '/f.bin': { body } });
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'f.bin');
    const wrong = '0'.repeat(32);
    await assert.rejects(downloadFile(`${server.url}/f.bin`, dest, { ...FAST, expectedMd5: wrong }), (err: Error) => {
      assert.ok(err instanceof ChecksumError);
      assert.equal(err.message, `checksum mismatch for f.bin: expected ${wrong}, got ${md5(body)}`);
      return true;
    });
    assert.equal(existsSync(dest), false);
    assert.equal(existsSync(`${dest}.part`), false);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a 404 fails at once with the URL and the status', async () => {
  const server = await startServer({});
  const { dir, cleanup } = tempDir();
  try {
    const url = `${server.url}/missing.bin`;
    await assert.rejects(downloadFile(url, join(dir, 'missing.bin'), FAST), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.status, 404);
      assert.match(err.message, new RegExp(`GET ${url.replace(/[.]/g, '\\.')} returned 404`));
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    assert.equal(server.requests.length, 1);
    assert.equal(existsSync(join(dir, 'missing.bin')), false);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a 500 is retried with backoff, then fails naming the URL, the status and the attempts', async () => {
  const server = await startServer({ '/f.bin': { status: 500 } });
  const { dir, cleanup } = tempDir();
  try {
    const url = `${server.url}/f.bin`;
    await assert.rejects(downloadFile(url, join(dir, 'f.bin'), { retries: 2, backoffMs: 1 }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.status, 500);
      assert.ok(err.message.includes(url));
      assert.match(err.message, /returned 500 .*gave up after 3 attempts/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
    cleanup();
  }
});

test('429 and 503 are retried and the download then succeeds', async () => {
  const body = randomBytes(1000, 4);
  const server = await startServer({ '/f.bin': { body, failFirst: [503, 429] } });
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'f.bin');
    await downloadFile(`${server.url}/f.bin`, dest, { retries: 3, backoffMs: 1 });
    assert.deepEqual(await readFile(dest), body);
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
    cleanup();
  }
});

test('redirects are followed, and a redirect loop is bounded', async () => {
  const body = randomBytes(2000, 5);
  const server = await startServer({ '/old': { redirect: '/new' }, '/new': { body }, '/loop': { redirect: '/loop' } });
  const { dir, cleanup } = tempDir();
  try {
    await downloadFile(`${server.url}/old`, join(dir, 'a'), FAST);
    assert.deepEqual(await readFile(join(dir, 'a')), body);
    await assert.rejects(downloadFile(`${server.url}/loop`, join(dir, 'b'), { ...FAST, maxRedirects: 3 }), /more than 3 redirects/);
    assert.equal(server.requests.filter((r) => r.path === '/loop').length, 4);
  } finally {
    await server.close();
    cleanup();
  }
});

test('a refused connection is retried and then reported with the URL', async () => {
  const server = await startServer({});
  const url = `${server.url}/f.bin`;
  await server.close();
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(downloadFile(url, join(dir, 'f.bin'), { retries: 1, backoffMs: 1 }), (err: Error) => {
      assert.ok(err.message.includes(url));
      assert.match(err.message, /ECONNREFUSED.*gave up after 2 attempts/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('an abort signal stops the retries at once', async () => {
  const server = await startServer({ '/f.bin': { status: 503 } });
  const { dir, cleanup } = tempDir();
  try {
    const controller = new AbortController();
    const started = Date.now();
    const p = downloadFile(`${server.url}/f.bin`, join(dir, 'f.bin'), { retries: 5, backoffMs: 60_000, signal: controller.signal });
    // Abort once the first attempt has reached the server (a fixed delay loses that race on a busy machine).
    const poll = setInterval(() => {
      if (server.requests.length === 0) return;
      clearInterval(poll);
      controller.abort(new Error('stopped by the user'));
    }, 5);
    await assert.rejects(p, { message: 'stopped by the user' });
    // Far less than the first 60 s backoff: the abort ended the wait.
    assert.ok(Date.now() - started < 30_000);
    assert.equal(server.requests.length, 1);
    assert.equal(existsSync(join(dir, 'f.bin.part')), false);
  } finally {
    await server.close();
    cleanup();
  }
});
