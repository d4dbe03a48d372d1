// Text inputs (labels, events, lists) are read only from regular files and only up to a size
// limit, so /dev/zero, a FIFO or a mistaken multi-gigabyte file gives one clear error instead of
// a hang or an out-of-memory kill.
import { closeSync, fstatSync, openSync, readSync, statSync, constants } from 'node:fs';

function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.ceil(n / 1e3)} kB`;
}

/** Check that `path` names a regular file (not a FIFO, device, socket or folder). */
export function assertRegularFile(path: string, flag: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${flag}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)})`);
  }
  if (!st.isFile()) throw new Error(`${flag}: ${path} is not a regular file`);
}

/**
 * Read a UTF-8 text file of at most `maxBytes`. `what` completes the size message, e.g.
 * "a labels file for 1452 volumes".
 */
export function readTextFile(path: string, flag: string, maxBytes: number, what = 'this input'): string {
  assertRegularFile(path, flag);
  // O_NONBLOCK: if the path was swapped for a FIFO after the check, opening it must not block.
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${flag}: ${path} is not a regular file`);
    if (st.size > maxBytes) {
      throw new Error(`${flag}: ${path} is ${formatBytes(st.size)}, more than the ${formatBytes(maxBytes)} ${what} can need`);
    }
    // Read at most maxBytes + 1, so a file growing meanwhile is still caught.
    const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n >= buf.length) break;
    }
    if (n > maxBytes) throw new Error(`${flag}: ${path} grew past ${formatBytes(maxBytes)} while being read`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
