#!/usr/bin/env node
// neurodecode command line. Each command lives in src/commands/<name>.ts and registers itself
// through src/commands/index.ts; shared conventions (--json, one-line errors, progress on stderr)
// live in src/util.ts.
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { fail, setQuiet } from './util.js';
import { installExitGuard, installInterruptCleanup, markFinished } from './exit-guard.js';

installExitGuard();
installInterruptCleanup();

const program = new Command();
program
  .name('neurodecode')
  .description('fMRI decoding (MVPA) and searchlight analysis')
  .version('0.1.0')
  .showHelpAfterError(false)
  .configureOutput({ outputError: (str, write) => write(str) })
  .option('--quiet', 'no progress bars or progress lines on stderr (errors still print)')
  .exitOverride()
  .hook('preAction', (_cmd, action) => {
    if (action.optsWithGlobals().quiet) setQuiet(true);
  });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
  markFinished();
} catch (err) {
  const e = err as { code?: string; exitCode?: number; message?: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
    markFinished();
    process.exit(0);
  }
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) process.exit(e.exitCode ?? 2);
  fail(err);
}
