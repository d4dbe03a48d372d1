// Test helpers shared by the workspace: where ../shared lives, and scratch directories that
// clean themselves up.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('testkit: cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
}

/** The shared folder (../shared next to the repository, or $NEURODECODE_SHARED), if present. */
export function sharedDir(): string | undefined {
  const fromEnv = process.env.NEURODECODE_SHARED;
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot(), '..', 'shared');
  return existsSync(join(dir, 'data')) ? dir : undefined;
}

export const SHARED_MISSING =
  'skipped: ../shared/data is absent (a user clone); CI always has it. Set NEURODECODE_SHARED to point elsewhere.';

/** Path inside ../shared/data, or undefined when the folder is absent. */
export function dataPath(...parts: string[]): string | undefined {
  const dir = sharedDir();
  return dir ? join(dir, 'data', ...parts) : undefined;
}

/** The parsed ../shared/reference/reference.json, or undefined when absent. */
export async function reference(): Promise<any | undefined> {
  const dir = sharedDir();
  if (!dir) return undefined;
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join(dir, 'reference', 'reference.json'), 'utf8'));
}

/** `skip` option for node:test: a message when shared data is absent, else false. */
export function skipWithoutShared(): string | false {
  return sharedDir() ? false : SHARED_MISSING;
}

/** A fresh temporary directory; call the returned cleanup when done. */
export function tempDir(prefix = 'neurodecode-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic PRNG (mulberry32) for tests that need random numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export { writeTinySet, niftiBytes, folderDigest, type TinySet } from './tiny-set.js';
