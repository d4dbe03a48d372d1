// The fault suite's tools: run the built CLI as a user would (asynchronously, a few at a time),
// count the cases, and check a folder's state before and after a fault.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { folderDigest, repoRoot } from '@neurodecode/testkit';

export const bin = join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js');

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start the CLI; `onStart` may kill it later. A run still going after `timeoutMs` is killed (a hang). */
export function cli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; onStart?: (c: ChildProcess) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => { stderr += '\n[fault suite: killed after timeout: HANG]'; child.kill('SIGKILL'); }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
    opts.onStart?.(child);
  });
}

/**
 * Run `jobs` with at most `width` at once (2 cores on CI). Every job runs even when one fails
 * (so nothing a job starts is left running after the suite), then the first failure is thrown.
 */
export async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  const errors: unknown[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        out[i] = await jobs[i]!();
      } catch (err) {
        errors.push(err);
      }
    }
  }));
  if (errors.length) throw errors[0];
  return out;
}

/** A progress line the CLI prints when stderr is not a terminal ("label: 3/4 (75%), elapsed 2s, ETA 1s", "label: 4/4 done in 3s"). */
const PROGRESS_LINE = /^[^\n]*: \d+\/\d+ (?:done in \S+|\(\S+%\), elapsed \S+, ETA \S+)$/;

/**
 * A failed run: non-zero exit, nothing on stdout, and on stderr one error line matching `message`,
 * last, after nothing but progress lines (printed off a terminal, as in these tests).
 */
export function assertCleanFailure(r: Run, message: RegExp, what: string): void {
  assert.notEqual(r.status, 0, `${what}: expected a failure, got exit 0`);
  assert.equal(r.signal, null, `${what}: killed by ${r.signal}: ${r.stderr}`);
  assert.equal(r.stdout, '', `${what}: stdout must be empty on failure`);
  assert.match(r.stderr, /(?:^|\n)neurodecode: [^\n]+\n$/, `${what}: one error line, last on stderr, got ${JSON.stringify(r.stderr)}`);
  const lines = r.stderr.slice(0, -1).split('\n');
  const error = lines.pop()!;
  for (const line of lines) assert.match(line, PROGRESS_LINE, `${what}: only progress lines before the error, got ${JSON.stringify(r.stderr)}`);
  assert.match(error, message, what);
}

/** Every file under `dir` is unchanged and nothing was added (except names `allowNew` accepts). */
export function assertUnchanged(dir: string, before: Map<string, string>, what: string, allowNew: (name: string) => boolean = () => false): void {
  const after = folderDigest(dir);
  for (const [name, digest] of before) assert.equal(after.get(name), digest, `${what}: ${name} changed or vanished`);
  for (const name of after.keys()) if (!before.has(name)) assert.ok(allowNew(name), `${what}: unexpected new file ${name}`);
}

/** Names of leftover temporaries, locks and staging folders under `dir` (recursively). */
export function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (/\.tmp$|\.lock$|^\.extract-/.test(e.name)) out.push(join(d, e.name));
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

/** Kill the run with `signal` after `ms` (if still running). */
export function killAfter(signal: NodeJS.Signals, ms: number) {
  return (child: ChildProcess) => {
    const t = setTimeout(() => child.kill(signal), ms);
    child.on('close', () => clearTimeout(t));
  };
}

export function assertInterruptedCleanly(r: Run, signal: NodeJS.Signals, what: string): void {
  if (r.status === 0) return; // finished before the signal arrived
  // A SIGINT that lands while Node is still loading the CLI ends it before anything is written.
  if (signal === 'SIGINT') assert.ok(r.status === 130 || r.signal === 'SIGINT', `${what}: status ${r.status}, ${r.stderr}`);
  else assert.equal(r.signal, 'SIGKILL', what);
}

/** Counts the suite's cases and reports them. */
export class CaseCounter {
  private n = 0;
  constructor(readonly name: string) {}
  add(k = 1): void {
    this.n += k;
  }
  get count(): number {
    return this.n;
  }
  report(): string {
    return `fault suite (${this.name}): ${this.n} cases`;
  }
}
