// Publishing a folder of outputs into --out DIR with nothing lost or mixed, even if the process
// is killed (SIGKILL, power loss) part-way. The outputs are written into a staging folder next to
// DIR. A new DIR is one rename. An existing DIR (other files of the user's stay) gets the files one
// by one, after a journal naming them is committed inside the staging folder; a run killed between
// two of those renames leaves the journal behind, and the next run into DIR finishes the moves
// (roll forward) before doing anything else, so DIR never stays a mix of two runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The journal's name inside a staging folder: present once the folder's files are complete and their move has begun. */
const JOURNAL = '.publishing.json';

/** A fresh staging folder path beside out (not created): hidden, named after out, this process and a random tag. */
export function stagingDir(out: string): string {
  return join(dirname(out), `.${basename(out)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Move the finished files of tmp into out: the folder itself if out does not exist yet, else file
 * by file after committing the journal (see recoverInterruptedPublish). Synchronous on purpose: a
 * SIGINT handler (which removes the staging folder) cannot run between two renames.
 */
export function publish(tmp: string, out: string): void {
  if (!existsSync(out)) {
    mkdirSync(dirname(out), { recursive: true });
    renameSync(tmp, out);
    return;
  }
  const files = readdirSync(tmp).filter((f) => f !== JOURNAL);
  // The journal is written beside its final name and renamed: it exists whole or not at all.
  writeFileSync(join(tmp, `${JOURNAL}.tmp`), JSON.stringify({ out, files }));
  renameSync(join(tmp, `${JOURNAL}.tmp`), join(tmp, JOURNAL));
  for (const f of files) renameSync(join(tmp, f), join(out, f));
  rmSync(tmp, { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finish what an interrupted run left beside out, before a new run writes there. A staging folder
 * of out holding a committed journal is a run killed while moving its files: the files still in
 * it are moved into out (the journal lists them) and the folder is removed. A staging folder
 * without a journal whose process is gone is a run killed before it finished writing: nothing of
 * it reached out, and the folder is removed. A folder of a live process is left alone. Returns one
 * line per folder handled, for the user.
 */
export function recoverInterruptedPublish(out: string): string[] {
  const parent = dirname(out);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(out)}.partial-`;
  const notes: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(parent, name);
    const journal = join(dir, JOURNAL);
    if (existsSync(journal)) {
      const { files } = JSON.parse(readFileSync(journal, 'utf8')) as { files: string[] };
      mkdirSync(out, { recursive: true });
      let moved = 0;
      for (const f of files) {
        if (!existsSync(join(dir, f))) continue;
        renameSync(join(dir, f), join(out, f));
        moved++;
      }
      rmSync(dir, { recursive: true, force: true });
      notes.push(
        `--out: an earlier run was interrupted while moving its ${files.length} files into ${out}; moved the last ${moved} (from ${name})`,
      );
      continue;
    }
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      rmSync(dir, { recursive: true, force: true });
      notes.push(`--out: removed ${name}, the unfinished outputs of an interrupted earlier run (none of them had reached ${out})`);
    }
  }
  return notes;
}
