// A lock file per cache entry, so concurrent fetches into one data folder take turns: the first
// creates `<name>.lock` exclusively (holding its pid and host), the others wait, then find the
// work done. A lock whose owner died (same host, pid gone) is stale and taken over, so a killed
// fetch never blocks later ones.
import { hostname } from 'node:os';
import { closeSync, openSync, writeSync } from 'node:fs';
import { link, readFile, rename, rm, stat } from 'node:fs/promises';
import { trackTemporary, untrackTemporary } from '@neurodecode/nifti-io';

export interface LockOptions {
  /** How often a waiting process looks again. Default 100 ms. */
  pollMs?: number;
  /** Give up waiting after this long (the holder is alive but slow). Default: wait as long as it lives. */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once when this process starts waiting for another one. */
  onWait?: (holder: string) => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock at `path` (whose text is `text`) belongs to a process that no longer runs. */
async function isStale(path: string, text: string): Promise<boolean> {
  const m = /^pid (\d+) host (\S+)/.exec(text);
  if (!m) {
    // Written with O_EXCL then filled: an empty lock may be a moment old. Older than 5 s it is junk.
    const st = await stat(path).catch(() => undefined);
    return st !== undefined && Date.now() - st.mtimeMs > 5000;
  }
  if (m[2] !== hostname()) return false; // another machine's pid cannot be checked from here
  return Number(m[1]) !== process.pid && !alive(Number(m[1]));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Hold `lockPath` while `fn` runs; waits for a live holder, takes over a dead one's lock. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      // Created, tracked and written in one synchronous step: an interrupted CLI's cleanup
      // removes it, so a Ctrl-C never leaves the lock behind (an asynchronous open could still
      // create it after the cleanup ran).
      const fd = openSync(lockPath, 'wx');
      trackTemporary(lockPath);
      try {
        writeSync(fd, `pid ${process.pid} host ${hostname()} since ${new Date().toISOString()}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    if (await isStale(lockPath, text)) {
      // Move it aside under a unique name first: of several processes that found the same stale
      // lock, only one rename succeeds, and nobody deletes a fresh lock by mistake.
      const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      try {
        await rename(lockPath, aside);
        const moved = await readFile(aside, 'utf8').catch(() => '');
        // A fresh lock slipped in between our read and rename: put it back (link fails if taken).
        if (moved !== text) await link(aside, lockPath).catch(() => undefined);
        await rm(aside, { force: true });
      } catch {
        // another process moved it first
      }
      continue;
    }
    if (opts.waitMs !== undefined && Date.now() - started > opts.waitMs) {
      throw new Error(`${lockPath}: still locked by ${text.trim()} after ${Math.round(opts.waitMs / 1000)} s`);
    }
    if (!told) {
      opts.onWait?.(text.trim());
      told = true;
    }
    await sleep(opts.pollMs ?? 100, opts.signal);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
    untrackTemporary(lockPath);
  }
}
