// A server dribbling bytes slowly enough to dodge the idle timeout cannot keep a fetch alive
// forever: each file has an overall deadline.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@neurodecode/testkit';
import { downloadFile } from '../src/index.js';
import { startServer } from './helpers.js';

test('a dribbling server hits the per-file deadline with a clear error', async () => {
  const server = await startServer({ '/slow.bin': { body: Buffer.alloc(5000, 1), dribbleBytes: 1, dribbleMs: 50 } });
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'slow.bin');
    const started = Date.now();
    await assert.rejects(downloadFile(`${server.url}/slow.bin`, dest, { retries: 2, backoffMs: 1, idleTimeoutMs: 1000, deadlineMs: 600 }),
      /download failed: GET http:\/\/127\.0\.0\.1:\d+\/slow\.bin: not finished within 0\.6 s \(the per-file deadline/);
    assert.ok(Date.now() - started < 5000, 'gave up near the deadline');
    assert.equal(existsSync(dest), false);
  } finally {
    cleanup();
    await server.close();
  }
});
