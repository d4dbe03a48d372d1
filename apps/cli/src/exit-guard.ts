// The CLI never exits 0 without having finished: when the event loop empties while a command is
// still awaiting something that can never settle (a plugin's top-level await, say), Node would
// exit 0 with nothing written. This guard turns that into exit 1 with a line naming the step.
// Interrupts remove the temporary files of unfinished atomic writes before exiting.
import { removeTemporaries } from '@neurodecode/nifti-io';

let step: string | undefined;
let finished = false;

/** The one-line message (without the "neurodecode: " prefix) to print if the current step never finishes. */
export function beginStep(message: string): void {
  step = message;
}

export function endStep(): void {
  step = undefined;
}

/** The command completed (or is exiting on purpose, as for --help). */
export function markFinished(): void {
  finished = true;
}

export function installExitGuard(): void {
  process.on('exit', (code) => {
    if (finished || code !== 0) return;
    // stderr is synchronous for files and pipes, so this line is written before the process ends.
    process.stderr.write(
      `neurodecode: ${step ?? 'the command never finished (it awaited something that can never settle); nothing was written'}\n`,
    );
    process.exitCode = 1;
  });
}

/** On SIGINT/SIGTERM: remove the temporaries of atomic writes in flight, say so, exit 130/143. */
export function installInterruptCleanup(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      const n = removeTemporaries();
      process.stderr.write(`neurodecode: interrupted (${signal})${n ? `; removed ${n} unfinished temporary file(s)` : ''}\n`);
      finished = true;
      process.exit(code);
    });
  }
}
