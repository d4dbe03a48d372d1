// Temporary files and folders that atomic writers create next to their targets. A process that
// is interrupted (SIGINT, SIGTERM) removes them with `removeTemporaries()` before exiting, so an
// interrupted run leaves neither a partial output nor a stray temp file.
//
// A temporary must be created synchronously (`openTemporary`) and then written through its file
// descriptor: an asynchronous open still waiting in libuv's thread pool when the interrupt
// handler runs would create the file after the handler removed what it knew of, and a write by
// name would create it again. Through the descriptor, late writes land in an unlinked file.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

const live = new Set<string>();

/** Remember `path` until `untrackTemporary`: it is removed if the process is interrupted. */
export function trackTemporary(path: string): void {
  live.add(path);
}

/** Stop tracking `path` (after it was renamed into place or removed); unknown paths are ignored. */
export function untrackTemporary(path: string): void {
  live.delete(path);
}

/** Remove every tracked temporary now (synchronously: safe in a signal or exit handler). */
export function removeTemporaries(): number {
  let n = 0;
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
      n++;
    } catch {
      // best effort: the process is going away
    }
  }
  live.clear();
  return n;
}

/** The temporary name used next to `path`: hidden, with the pid and a random tag, ending in .tmp. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Create the temporary file `tmp` (it must not exist) and track it, in one synchronous step;
 * returns its open file descriptor. Errors name `target`, the file being written.
 */
export function openTemporary(tmp: string, target: string): number {
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    throw new Error(`${target}: write failed (${(err as Error).message})`);
  }
  trackTemporary(tmp);
  return fd;
}

/**
 * Write `bytes` to `path` atomically and synchronously (temporary file, then rename): an
 * interrupt can only come before or after, so it leaves either no file or the complete one. For
 * outputs held in memory (figures, pages, partial results, small text files).
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array | string): void {
  const tmp = temporaryName(path);
  const fd = openTemporary(tmp, path);
  try {
    try {
      const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: write failed (${(err as Error).message})`);
  } finally {
    untrackTemporary(tmp);
  }
}
