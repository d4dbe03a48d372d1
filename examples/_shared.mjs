// Helpers the examples share: where ../shared/data is (NEURODECODE_SHARED or ../shared next to the
// repository), the output folder, and a clean "skipped" exit when the data is absent.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Path inside the shared data folder, or exit 0 with "skipped: ..." when it is absent. */
export function sharedData(...parts) {
  const base = process.env.NEURODECODE_SHARED ? resolve(process.env.NEURODECODE_SHARED) : resolve(repo, '..', 'shared');
  const path = join(base, 'data', ...parts);
  if (!existsSync(path)) {
    console.log(`skipped: ${path} is absent (set NEURODECODE_SHARED to the folder holding data/)`);
    process.exit(0);
  }
  return path;
}

/** The output folder: the first argument, or examples-out/<name> under the repository. */
export function outDir(name) {
  const dir = resolve(process.argv[2] ?? join(repo, 'examples-out', name));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The Haxby slice's labels file as [label, run] pairs (header `labels chunks`). */
export function haxbySliceRows() {
  return readFileSync(sharedData('haxby-slice', 'labels.txt'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/)).map(([label, run]) => [label, Number(run)]);
}

/** nilearn's reference values (../shared/reference/reference.json), or undefined when absent. */
export function reference(key) {
  const path = join(dirname(sharedData('haxby-slice')), '..', 'reference', 'reference.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8'))[key] : undefined;
}

/** Fraction of predictions equal to the truth. */
export function accuracy(predicted, truth) {
  return predicted.filter((p, i) => p === truth[i]).length / truth.length;
}
