// Safe tar.gz extraction. Every entry is checked before anything is written: absolute paths,
// `..` components, links leading outside the target (resolved through the links before them) and device/FIFO entries reject the whole
// archive. The archive is then unpacked into a temporary folder inside the target and its
// top-level entries renamed into place, so a failure leaves nothing half-extracted.
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import * as tar from 'tar';
import { trackTemporary, untrackTemporary } from '@neurodecode/nifti-io';

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

function isAbsoluteLike(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p);
}

function hasParentComponent(p: string): boolean {
  return p.split(/[\\/]+/).includes('..');
}

/** Archive paths as components, with "" and "." dropped. */
function components(p: string): string[] {
  return p
    .replace(/\\/g, '/')
    .split('/')
    .filter((c) => c !== '' && c !== '.');
}

const MAX_LINK_HOPS = 40;

/**
 * Checks entries in archive order, remembering the symlinks already seen so a path or link
 * target is resolved the way the file system will resolve it after extraction: a chain of
 * links that each stay inside but together leave the target (`L -> ../../..`, then
 * `ESC -> L/../..`) is caught, as is a file written through such a chain.
 */
export class ArchiveChecker {
  /** Symlinks seen so far: resolved archive path -> link target. */
  private readonly links = new Map<string, string>();

  /**
   * Resolve `parts` starting in folder `base` (resolved components), following known symlinks;
   * undefined when the path leaves the root at any step. `followLast` says whether a final
   * component that is a link is followed too.
   */
  private resolve(base: string[], parts: string[], followLast: boolean, hops = { n: 0 }): string[] | undefined | 'loop' {
    const stack = base.slice();
    for (let i = 0; i < parts.length; i++) {
      const c = parts[i]!;
      if (c === '..') {
        if (stack.length === 0) return undefined;
        stack.pop();
        continue;
      }
      stack.push(c);
      const target = this.links.get(stack.join('/'));
      if (target === undefined || (!followLast && i === parts.length - 1)) continue;
      if (++hops.n > MAX_LINK_HOPS) return 'loop';
      if (isAbsoluteLike(target)) return undefined;
      stack.pop();
      const next = this.resolve(stack, components(target), true, hops);
      if (next === undefined || next === 'loop') return next;
      stack.length = 0;
      stack.push(...next);
    }
    return stack;
  }

  /** Why this entry is unsafe (undefined when it stays inside the target); records symlinks. */
  check(type: string, path: string, linkpath?: string): string | undefined {
    if (!ALLOWED_TYPES.has(type)) return `entry "${path}" has unsupported type ${type}`;
    if (isAbsoluteLike(path)) return `entry "${path}" has an absolute path`;
    if (hasParentComponent(path)) return `entry "${path}" contains a ".." component`;
    const own = components(path);
    // The entry's folder, through links already extracted, must stay inside.
    const where = this.resolve([], own, false);
    if (where === 'loop') return `entry "${path}" goes through too many levels of symbolic links`;
    if (where === undefined) return `entry "${path}" is written through a link outside the target folder`;
    if (type !== 'SymbolicLink' && type !== 'Link') {
      this.links.delete(where.join('/'));
      return undefined;
    }
    const target = linkpath ?? '';
    if (target === '' || isAbsoluteLike(target)) return `link "${path}" points to "${target}" outside the target folder`;
    // A hard link names another archive member; a symlink is relative to its own folder. The
    // symlink is registered first, so one that resolves through itself counts as a loop (the
    // unpacker can hang on those).
    const key = where.join('/');
    const previous = this.links.get(key);
    if (type === 'Link') {
      // A hard link's target is read from the archive root, lexically (node-tar resolves it with
      // path.resolve and refuses ".." in it): a ".." after a symlink would mean one place to the
      // unpacker and another to the file system, so it is refused, as in entry paths.
      if (hasParentComponent(target))
        return `link "${path}" points to "${target}" outside the target folder (a hard link's target may not contain "..")`;
      // The hard link replaces whatever was at its path, a symlink included.
      this.links.delete(key);
    } else {
      this.links.set(key, target);
    }
    const resolved =
      type === 'Link' ? this.resolve([], components(target), true) : this.resolve(where.slice(0, -1), components(target), true);
    let reason: string | undefined;
    if (resolved === 'loop') reason = `link "${path}" -> "${target}" goes through too many levels of symbolic links`;
    else if (resolved === undefined) reason = `link "${path}" points to "${target}" outside the target folder`;
    if (reason) {
      if (previous === undefined) this.links.delete(key);
      else this.links.set(key, previous);
    }
    return reason;
  }
}

/** Why a single entry is unsafe on its own (no earlier links considered). */
export function unsafeEntryReason(type: string, path: string, linkpath?: string): string | undefined {
  return new ArchiveChecker().check(type, path, linkpath);
}

/** Run a tar read, turning its errors (bad headers, bad gzip) into one naming the archive. */
async function readArchive(archive: string, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.startsWith('unsafe archive')) throw err;
    throw new Error(`unreadable archive ${basename(archive)}: ${msg}`);
  }
}

/** Entry paths of a tar.gz, after checking every entry; throws on the first unsafe one. */
export async function checkTarGz(archive: string): Promise<string[]> {
  const problems: string[] = [];
  const paths: string[] = [];
  const checker = new ArchiveChecker();
  await readArchive(archive, () =>
    tar.t({
      file: archive,
      strict: true,
      onReadEntry: (entry) => {
        const reason = checker.check(entry.type, entry.path, entry.linkpath);
        if (reason) problems.push(reason);
        paths.push(entry.path);
        entry.resume();
      },
    }),
  );
  if (problems.length)
    throw new Error(
      `unsafe archive ${basename(archive)}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
  return paths;
}

/**
 * Extract `archive` (tar.gz) into `targetDir`. Top-level entries of the archive replace any
 * existing ones of the same name. Returns the archive's entry paths.
 */
export async function extractTarGz(archive: string, targetDir: string): Promise<string[]> {
  const paths = await checkTarGz(archive);
  await mkdir(targetDir, { recursive: true });
  // Made synchronously, so an interrupt cannot come between its creation and its tracking.
  const staging = mkdtempSync(join(targetDir, '.extract-'));
  trackTemporary(staging);
  let lateProblem: string | undefined;
  const checker = new ArchiveChecker();
  try {
    await readArchive(archive, () =>
      tar.x({
        file: archive,
        cwd: staging,
        strict: true,
        preservePaths: false,
        preserveOwner: false,
        // Checked above already; kept so the unpacker never sees an unsafe entry even if the
        // archive changed between the two reads.
        filter: (path, entry) => {
          const e = entry as tar.ReadEntry;
          const reason = checker.check(e.type, path, e.linkpath);
          if (reason) lateProblem ??= reason;
          return !reason;
        },
      }),
    );
    if (lateProblem) throw new Error(`unsafe archive ${basename(archive)}: ${lateProblem}`);
    for (const name of await readdir(staging)) {
      const dest = join(targetDir, name);
      await rm(dest, { recursive: true, force: true });
      await rename(join(staging, name), dest);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    untrackTemporary(staging);
  }
  return paths;
}
