// Checks every command runs on its paths before doing any work: no output may land on an input
// of the same command (through symlinks, `..`, hard links or a case-insensitive file system),
// no two outputs may be the same file, and every output's folder must exist and be writable.
// Commands added later call `guardPaths` with their own inputs and outputs.
import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { funcList } from './inputs.js';

export interface PathArg {
  /** The flag or argument the path came from, for the error message (e.g. "--out"). */
  flag: string;
  path: string;
}

export interface OutputArg extends PathArg {
  /** 'file' (default): a file written atomically in an existing folder; 'dir': a folder (created if missing). */
  kind?: 'file' | 'dir';
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The absolute, symlink-free path a (possibly not yet existing) path refers to. */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch {
    // Not there yet: resolve the nearest existing ancestor and keep the rest as written.
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return resolve(canonicalPath(parent), basename(abs));
  }
}

/** Whether two paths name the same file: same inode when both exist, else the same canonical path. */
function sameFile(a: string, aStat: Stats | undefined, b: string, bStat: Stats | undefined): boolean {
  if (aStat && bStat) return aStat.dev === bStat.dev && aStat.ino === bStat.ino;
  return canonicalPath(a) === canonicalPath(b);
}

/** An output folder must exist (or, for a 'dir' output, its nearest existing ancestor) and be writable. */
function checkWritable(out: OutputArg, st: Stats | undefined): void {
  const abs = resolve(out.path);
  if (out.kind === 'dir') {
    if (st && !st.isDirectory()) throw new Error(`${out.flag}: ${out.path} exists and is not a folder`);
    let probe = abs;
    while (!statOrUndefined(probe)) {
      const up = dirname(probe);
      if (up === probe) break;
      probe = up;
    }
    const probeStat = statOrUndefined(probe);
    if (!probeStat?.isDirectory()) throw new Error(`${out.flag}: cannot create ${out.path}: ${probe} is not a folder`);
    try {
      accessSync(probe, constants.W_OK | constants.X_OK);
    } catch {
      throw new Error(`${out.flag}: cannot write into ${probe} (permission denied)`);
    }
    return;
  }
  if (st?.isDirectory()) throw new Error(`${out.flag}: ${out.path} is a folder, expected a file name`);
  const folder = dirname(abs);
  const folderStat = statOrUndefined(folder);
  if (!folderStat) throw new Error(`${out.flag}: folder ${dirname(out.path) || '.'} does not exist`);
  if (!folderStat.isDirectory()) throw new Error(`${out.flag}: ${dirname(out.path)} is not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`${out.flag}: cannot write into folder ${dirname(out.path) || '.'} (permission denied)`);
  }
}

/** Whether `child` lies inside folder `parent` (both canonical). */
function inside(child: string, parent: string): boolean {
  return child.startsWith(parent.endsWith('/') ? parent : parent + '/');
}

/**
 * Refuse, before any work, an output that would overwrite an input or another output, and an
 * output whose folder is missing or not writable. Errors name both flags and the path.
 */
export function guardPaths(inputs: readonly PathArg[], outputs: readonly OutputArg[]): void {
  const ins = inputs.filter((i) => i.path).map((i) => ({ ...i, stat: statOrUndefined(i.path) }));
  const outs = outputs.filter((o) => o.path).map((o) => ({ ...o, stat: statOrUndefined(o.path) }));
  for (const out of outs) {
    for (const input of ins) {
      if (sameFile(out.path, out.stat, input.path, input.stat)) {
        throw new Error(
          `${out.flag}: ${out.path} is the input given to ${input.flag}; refusing to overwrite it (choose another output path)`,
        );
      }
      // A folder output (simulate --out) must not be an input file's folder when it would replace files there.
      if (out.kind === 'dir' && input.stat && inside(canonicalPath(input.path), canonicalPath(out.path))) {
        throw new Error(`${out.flag}: ${out.path} holds the input given to ${input.flag}; choose another output folder`);
      }
    }
  }
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < outs.length; j++) {
      if (sameFile(outs[i]!.path, outs[i]!.stat, outs[j]!.path, outs[j]!.stat)) {
        throw new Error(`${outs[j]!.flag}: ${outs[j]!.path} is also the ${outs[i]!.flag} output; give each output its own path`);
      }
    }
  }
  for (const out of outs) checkWritable(out, out.stat);
}

/** PathArgs for a flag that takes a list (repeated --func, comma-separated --labels...). */
export function pathArgs(flag: string, paths: string | readonly string[] | undefined): PathArg[] {
  if (paths === undefined) return [];
  return (typeof paths === 'string' ? [paths] : paths).filter(Boolean).map((path) => ({ flag, path }));
}

/** The input files of the decoding commands (decode, permutation, spacenet, searchlight). */
export function decodingInputPaths(opts: {
  func: string | string[];
  mask?: string;
  processMask?: string;
  labels: string;
  plugin?: string[];
  confounds?: string[];
}): PathArg[] {
  return [
    ...pathArgs('--func', funcList(opts.func)),
    ...pathArgs('--mask', opts.mask),
    ...pathArgs('--process-mask', opts.processMask),
    ...pathArgs('--labels', opts.labels.split(',')),
    ...pathArgs('--plugin', opts.plugin),
    ...pathArgs(
      '--confounds',
      (opts.confounds ?? []).flatMap((c) => c.split(',')),
    ),
  ];
}
