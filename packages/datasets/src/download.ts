// One file over HTTP(S) into the cache: written to `<dest>.part`, resumed with a Range request
// after a dropped connection, checked against an MD5 when one is known, then renamed into place
// so a reader never sees a half-written file under its final name.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename, dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { withLock } from './lock.js';

/** One progress report from {@link downloadFile}, sent as bytes arrive. */
export interface DownloadProgress {
  /** The URL as the caller gave it (before any redirect). */
  url: string;
  /** Final path of the file being downloaded. */
  file: string;
  /** Bytes on disk so far, including any part resumed from an earlier attempt. */
  received: number;
  /** Full size when the server said so. */
  total?: number;
}

/** Options of {@link downloadFile}: checksum, retry policy, timeouts, progress and cancellation. */
export interface DownloadOptions {
  /** Hex MD5 the finished file must have; on mismatch nothing is left behind. */
  expectedMd5?: string;
  /** Attempts after the first one for network errors, dropped connections, 408, 429 and 5xx. Default 3. */
  retries?: number;
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  backoffMs?: number;
  /** Redirects followed per attempt. Default 5. */
  maxRedirects?: number;
  /** A connection silent for this long counts as dropped. Default 30 s. */
  idleTimeoutMs?: number;
  /**
   * Overall time for one file, all attempts included, so a server dribbling a byte now and then
   * cannot keep a fetch alive forever. Default $NEURODECODE_FETCH_DEADLINE seconds, else 2 hours.
   */
  deadlineMs?: number;
  /** Called when each response starts and after every chunk is written to disk. */
  onProgress?: (p: DownloadProgress) => void;
  /** Aborts the download; the promise rejects with the signal's reason and a non-empty `.part` file is kept for a later resume. */
  signal?: AbortSignal;
}

/** What {@link downloadFile} returns once the file is in place under its final name. */
export interface DownloadResult {
  /** Final path of the file (the `dest` argument). */
  path: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** Lower-case hex MD5 of the file. */
  md5: string;
  /** Attempts that resumed a partial file with a Range request. */
  resumedAttempts: number;
}

/** An HTTP or network failure; `retryable` says whether another attempt may succeed. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/**
 * The downloaded (or copied) file's MD5 differs from the expected one. The partial file has been
 * deleted when this is thrown; `expected` and `actual` are lower-case hex digests.
 */
export class ChecksumError extends Error {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    detail = '',
  ) {
    super(`checksum mismatch for ${basename(file)}: expected ${expected}, got ${actual}${detail}`);
    this.name = 'ChecksumError';
  }
}

/** Lower-case hex MD5 of a file, streamed (the file is never held in memory whole). */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function request(url: URL, headers: Record<string, string>, opts: DownloadOptions): Promise<IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!lib) return Promise.reject(new DownloadError(`url: unsupported protocol in ${url.href}`, url.href, undefined, false));
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { headers: { 'user-agent': 'neurodecode', ...headers }, signal: opts.signal }, resolve);
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => req.destroy(new Error(`no data for ${opts.idleTimeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** GET with redirects followed; the response is returned unread. */
async function get(
  url: string,
  headers: Record<string, string>,
  opts: DownloadOptions,
): Promise<{ res: IncomingMessage; finalUrl: string }> {
  let current = new URL(url);
  const maxRedirects = opts.maxRedirects ?? 5;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const res = await request(current, headers, opts);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, current);
      continue;
    }
    return { res, finalUrl: current.href };
  }
  throw new DownloadError(`download failed: GET ${url}: more than ${maxRedirects} redirects`, url, undefined, false);
}

function httpError(url: string, res: IncomingMessage): DownloadError {
  const status = res.statusCode ?? 0;
  const retryable = status === 408 || status === 429 || status >= 500;
  return new DownloadError(`download failed: GET ${url} returned ${status} ${res.statusMessage ?? ''}`.trimEnd(), url, status, retryable);
}

/** The total size announced by a 200 (Content-Length) or a 206 (Content-Range). */
function announcedTotal(res: IncomingMessage, offset: number): number | undefined {
  const range = res.headers['content-range'];
  const m = typeof range === 'string' ? /\/(\d+)\s*$/.exec(range) : null;
  if (m) return Number(m[1]);
  const len = res.headers['content-length'];
  return len !== undefined ? offset + Number(len) : undefined;
}

/** One attempt: fetch what is missing from the part file. Resolves when the part holds the whole file. */
async function attempt(url: string, part: string, dest: string, opts: DownloadOptions, stats: { resumed: number }): Promise<void> {
  // Opened before the request: once the response arrives its listeners must be attached without
  // an I/O wait, or a connection dropped meanwhile destroys the stream with its buffered bytes
  // and its 'error' unseen.
  const out = await open(part, 'a');
  try {
    await receiveInto(out, url, dest, opts, stats);
  } catch (err) {
    await out.close();
    // Nothing to resume from: leave no empty .part behind.
    if ((await fileSize(part)) === 0) await rm(part, { force: true });
    throw err;
  }
  await out.close();
}

async function receiveInto(out: FileHandle, url: string, dest: string, opts: DownloadOptions, stats: { resumed: number }): Promise<void> {
  let offset = (await out.stat()).size;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const { res } = await get(url, headers, opts);
  const status = res.statusCode ?? 0;
  if (offset > 0 && status === 416) {
    // The part may already be complete (the connection dropped after the last byte).
    res.resume();
    const m = /\*\/(\d+)/.exec(String(res.headers['content-range'] ?? ''));
    if (m && Number(m[1]) === offset) return;
    await out.truncate(0);
    throw new DownloadError(`download failed: GET ${url}: server refused to resume at byte ${offset}`, url, 416, true);
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw httpError(url, res);
  }
  let restart = false;
  if (status === 206) {
    const start = /bytes\s+(\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    if (!start || Number(start[1]) !== offset) {
      res.resume();
      await out.truncate(0);
      throw new DownloadError(`download failed: GET ${url}: server resumed at the wrong byte`, url, 206, true);
    }
    stats.resumed++;
  } else if (offset > 0) {
    // The server ignored the Range header and sends the whole file: start over.
    restart = true;
    offset = 0;
  }
  const total = announcedTotal(res, offset);
  let received = offset;
  const report = () => opts.onProgress?.({ url, file: dest, received, total });
  report();
  // Chunks are taken as 'data' events the moment they arrive and appended in order, so every
  // byte received before a drop is on disk to resume from.
  let written: Promise<void> = restart ? out.truncate(0) : Promise.resolve();
  let writeError: unknown;
  let queued = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        if (++queued > 32) res.pause();
        written = written.then(async () => {
          if (writeError) return;
          try {
            await out.write(chunk);
            received += chunk.length;
            report();
          } catch (err) {
            writeError = err;
            res.destroy();
          }
          if (--queued <= 8 && res.isPaused()) res.resume();
        });
      });
      res.on('end', resolve);
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('aborted'));
      });
      if (res.destroyed && !res.complete) reject(new Error('aborted'));
    });
    await written;
  } catch (err) {
    await written.catch(() => undefined);
    if (writeError) throw writeError;
    if (opts.signal?.aborted) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new DownloadError(`download failed: GET ${url}: connection dropped after ${received} bytes (${reason})`, url, status, true);
  }
  if (writeError) throw writeError;
  if (total !== undefined && received !== total) {
    throw new DownloadError(`download failed: GET ${url}: got ${received} of ${total} bytes`, url, status, true);
  }
}

/** A file: URL copied to the partial file (fetch --from DIR); a missing file acts as a 404. */
async function copyLocal(url: string, part: string): Promise<void> {
  try {
    await copyFile(fileURLToPath(url), part);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A missing file behaves as a 404, so optional manifests stay optional.
    throw new DownloadError(
      `copy failed: ${fileURLToPath(url)}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`,
      url,
      code === 'ENOENT' ? 404 : undefined,
      false,
    );
  }
}

/**
 * Download `url` to `dest`, resuming `dest.part` if an earlier attempt left one. Network errors,
 * dropped connections, 408, 429 and 5xx are retried with exponential backoff; other 4xx fail at
 * once. A checksum mismatch deletes the partial file and throws ChecksumError.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  await mkdir(dirname(dest), { recursive: true });
  // One process at a time per file: the others wait, then find it done (verified again here).
  return withLock(
    `${dest}.lock`,
    async () => {
      if (existsSync(dest)) {
        const md5 = await md5File(dest);
        if (!opts.expectedMd5 || md5 === opts.expectedMd5.toLowerCase()) {
          return { path: dest, bytes: await fileSize(dest), md5, resumedAttempts: 0 };
        }
        await rm(dest, { force: true });
      }
      return downloadLocked(url, dest, opts);
    },
    { signal: opts.signal },
  );
}

function deadlineFor(opts: DownloadOptions): number {
  if (opts.deadlineMs !== undefined) {
    if (!(opts.deadlineMs > 0)) throw new Error(`deadlineMs: expected a positive number of milliseconds, got ${opts.deadlineMs}`);
    return opts.deadlineMs;
  }
  const env = Number(process.env.NEURODECODE_FETCH_DEADLINE);
  return env > 0 ? env * 1000 : 2 * 3600 * 1000;
}

async function downloadLocked(url: string, dest: string, userOpts: DownloadOptions): Promise<DownloadResult> {
  const deadlineMs = deadlineFor(userOpts);
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = userOpts.signal ? AbortSignal.any([userOpts.signal, deadline]) : deadline;
  const opts = { ...userOpts, signal };
  try {
    return await downloadAttempts(url, dest, opts);
  } catch (err) {
    // The caller's reason, whichever step the abort interrupted (Node's http gives its own AbortError).
    if (userOpts.signal?.aborted) throw userOpts.signal.reason;
    if (deadline.aborted) {
      throw new DownloadError(
        `download failed: GET ${url}: not finished within ${deadlineMs / 1000} s (the per-file deadline; raise it with --deadline or $NEURODECODE_FETCH_DEADLINE)`,
        url,
        undefined,
        false,
      );
    }
    throw err;
  }
}

async function downloadAttempts(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const retries = opts.retries ?? 3;
  const backoffMs = opts.backoffMs ?? 500;
  if (!Number.isInteger(retries) || retries < 0) throw new Error(`retries: expected an integer >= 0, got ${retries}`);
  const part = `${dest}.part`;
  const stats = { resumed: 0 };
  let lastError: DownloadError | undefined;
  // A file: URL (fetch --from DIR) is copied, then checked and renamed like a download.
  const local = url.startsWith('file:');
  for (let i = 0; i <= (local ? 0 : retries); i++) {
    if (i > 0) await sleep(backoffMs * 2 ** (i - 1), opts.signal);
    try {
      if (local) await copyLocal(url, part);
      else await attempt(url, part, dest, opts, stats);
      lastError = undefined;
      break;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const e =
        err instanceof DownloadError
          ? err
          : new DownloadError(`download failed: GET ${url}: ${err instanceof Error ? err.message : String(err)}`, url, undefined, true);
      if (!e.retryable) throw e;
      lastError = e;
    }
  }
  if (lastError) {
    throw new DownloadError(`${lastError.message} (gave up after ${retries + 1} attempts)`, url, lastError.status, false);
  }
  const md5 = await md5File(part);
  if (opts.expectedMd5 && md5 !== opts.expectedMd5.toLowerCase()) {
    await rm(part, { force: true });
    throw new ChecksumError(dest, opts.expectedMd5.toLowerCase(), md5);
  }
  const bytes = await fileSize(part);
  await rename(part, dest);
  return { path: dest, bytes, md5, resumedAttempts: stats.resumed };
}
