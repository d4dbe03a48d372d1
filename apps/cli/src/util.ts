// Conventions shared by every command: --json prints exactly one JSON object on stdout, logs and
// progress go to stderr, and any failure is one line naming the bad input, exit code 1.
import cliProgress from 'cli-progress';
import { writeFileAtomicSync } from '@neurodecode/nifti-io';

export function fail(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`neurodecode: ${msg.split('\n')[0]}\n`);
  if (process.env.NEURODECODE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}

export function printJson(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

let quiet = false;

/** --quiet (or NEURODECODE_QUIET=1): no progress and no informational lines on stderr; errors still print. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export function isQuiet(): boolean {
  return quiet || ['1', 'true', 'yes'].includes((process.env.NEURODECODE_QUIET ?? '').toLowerCase());
}

export function log(msg: string): void {
  if (!isQuiet()) process.stderr.write(msg + '\n');
}

/** 75 -> "1m15s", 3700 -> "1h01m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Remaining time from the measured cost of the work done so far in this stage: the time since the
 * stage started divided by the units done, times the units left. Unknown (Infinity) until a unit
 * has finished, rather than a made-up 0.
 */
export function estimateRemaining(elapsedSeconds: number, done: number, total: number): number {
  if (!(done > 0) || total <= 0) return Infinity;
  return (elapsedSeconds / done) * Math.max(0, total - done);
}

/**
 * The ETA of a stage whose units follow some setup (reading, a Gram matrix, a first fit): from
 * the second update on, the rate is measured from the first finished unit, so time spent before
 * any unit finished does not inflate every later estimate. Before that, estimateRemaining over
 * the whole stage.
 */
export function etaTracker(): (elapsedSeconds: number, done: number, total: number) => number {
  let first: { at: number; done: number } | undefined;
  return (elapsedSeconds, done, total) => {
    if (!first) {
      if (done > 0) first = { at: elapsedSeconds, done };
      return estimateRemaining(elapsedSeconds, done, total);
    }
    if (done > first.done && elapsedSeconds > first.at)
      return estimateRemaining(elapsedSeconds - first.at, done - first.done, total - first.done);
    return estimateRemaining(elapsedSeconds, done, total);
  };
}

/** Milliseconds between progress lines when stderr is not a terminal (Slurm logs): 10 s. */
function logInterval(): number {
  const v = Number(process.env.NEURODECODE_PROGRESS_INTERVAL_MS);
  return Number.isFinite(v) && v >= 0 ? v : 10_000;
}

/**
 * Progress on stderr: a bar with an honest ETA on a terminal; otherwise one line at most every
 * 10 s and one when the stage ends; nothing with --quiet.
 */
export function progressBar(label: string): Progress {
  if (isQuiet()) return { update() {}, stop() {} };
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const eta = etaTracker();
  let last = { done: 0, total: 0 };
  if (!process.stderr.isTTY) {
    const every = logInterval();
    // The first line comes an interval after the stage starts, when the rate means something.
    let lastLine = started;
    return {
      update(done, total) {
        last = { done, total };
        const now = performance.now();
        if (done <= 0 || done >= total || now - lastLine < every) return;
        lastLine = now;
        const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '?';
        process.stderr.write(
          `${label}: ${done}/${total} (${pct}%), elapsed ${formatDuration(elapsed())}, ETA ${formatDuration(eta(elapsed(), done, total))}\n`,
        );
      },
      stop() {
        if (last.total > 0) process.stderr.write(`${label}: ${last.done}/${last.total} done in ${formatDuration(elapsed())}\n`);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | ETA {honestEta} | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(done, total) {
      last = { done, total };
      const honestEta = formatDuration(eta(elapsed(), done, total));
      if (!begun) {
        bar.start(total, done, { honestEta });
        begun = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { honestEta });
      }
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

export function parseIntArg(name: string, value: string, min = -Infinity): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name}: expected an integer${min > -Infinity ? ` >= ${min}` : ''}, got "${value}"`);
  return n;
}

export function parseNumberArg(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name}: expected a number, got "${value}"`);
  return n;
}

/** An --out image path: required, and a NIfTI name, checked before any work is done. */
export function checkImageOut(out: string | undefined, flag = '--out'): asserts out is string {
  if (!out) throw new Error(`${flag}: required`);
  if (!/\.nii(\.gz)?$/.test(out)) throw new Error(`${flag}: must end in .nii or .nii.gz, got "${out}"`);
}

/**
 * Write an output file atomically through a tracked temporary (nifti-io's writeFileAtomicSync):
 * an interrupted run leaves the earlier file or the complete new one, and SIGINT no temporary.
 * Errors name the flag: `--out: cannot write PATH (REASON)`.
 */
export function writeOutputFile(path: string, bytes: Uint8Array | string, flag: string): void {
  try {
    writeFileAtomicSync(path, bytes);
  } catch (err) {
    const reason = (err as Error).message.replace(/^.*: write failed \((.*)\)$/s, '$1');
    throw new Error(`${flag}: cannot write ${path} (${reason})`);
  }
}
