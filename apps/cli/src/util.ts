// Conventions shared by every command: --json prints exactly one JSON object on stdout, logs and
// progress go to stderr, and any failure is one line naming the bad input, exit code 1.
import cliProgress from 'cli-progress';

export function fail(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`neurodecode: ${msg.split('\n')[0]}\n`);
  if (process.env.NEURODECODE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}

export function printJson(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
}

export function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar with ETA on stderr when it is a terminal; silent otherwise. */
export function progressBar(label: string): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) { bar.start(total, done); started = true; } else { bar.setTotal(total); bar.update(done); }
    },
    stop() { if (started) bar.stop(); },
  };
}

export function parseIntArg(name: string, value: string, min = -Infinity): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: expected an integer${min > -Infinity ? ` >= ${min}` : ''}, got "${value}"`);
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
