// Temporary files and folders that atomic writers create next to their targets. A process that
// is interrupted (SIGINT, SIGTERM) removes them with `removeTemporaries()` before exiting, so an
// interrupted run leaves neither a partial output nor a stray temp file.
import { rmSync } from 'node:fs';

const live = new Set<string>();

/** Remember `path` until `untrackTemporary`: it is removed if the process is interrupted. */
export function trackTemporary(path: string): void {
  live.add(path);
}

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
