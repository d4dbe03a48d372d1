// neurodecode simulate --out DIR: write a deterministic simulated face/house set (Haxby-shaped).
import type { Command } from 'commander';
import { simulateFmri } from '@neurodecode/datasets';
import { log, parseIntArg, parseNumberArg, printJson } from '../util.js';
import { guardPaths } from '../guard.js';

interface SimulateCliOptions {
  out: string;
  volumes: string;
  seed: string;
  snr?: string;
  dtype: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('Write a simulated fMRI set (bold.nii.gz, mask.nii.gz, signal_mask.nii.gz, labels.txt)')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--volumes <n>', 'number of volumes (>= 4), spread over up to 12 runs', '216')
    .option('--seed <s>', 'random seed (integer >= 0)', '0')
    .option('--snr <x>', 'class effect in the blobs, in noise standard deviations (default 0.5)')
    .option('--dtype <type>', 'bold data type: int16 or float32', 'int16')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  neurodecode simulate --out /tmp/sim --volumes 216 --seed 0 --json')
    .action(async (opts: SimulateCliOptions) => {
      const volumes = parseIntArg('--volumes', opts.volumes, 4);
      const seed = parseIntArg('--seed', opts.seed, 0);
      const snr = opts.snr === undefined ? undefined : parseNumberArg('--snr', opts.snr);
      if (opts.dtype !== 'int16' && opts.dtype !== 'float32') throw new Error(`--dtype: expected int16 or float32, got "${opts.dtype}"`);
      guardPaths([], [{ flag: '--out', path: opts.out, kind: 'dir' }]);
      const started = Date.now();
      const sim = await simulateFmri({ outDir: opts.out, volumes, seed, snr, dtype: opts.dtype });
      const summary = {
        out: sim.out, bold: sim.bold, mask: sim.mask, signal_mask: sim.signal_mask, labels: sim.labels,
        shape: sim.shape, n_volumes: sim.n_volumes, n_mask_voxels: sim.n_mask_voxels, seed: sim.seed,
      };
      if (opts.json) return printJson(summary);
      log(`simulated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.stdout.write([
        `out          ${sim.out}`,
        `bold         ${sim.bold} (${sim.shape.join(' x ')}, TR ${sim.tr} s)`,
        `mask         ${sim.mask} (${sim.n_mask_voxels} voxels)`,
        `signal_mask  ${sim.signal_mask} (${sim.n_signal_voxels} voxels in ${sim.blobs.length} blobs)`,
        `labels       ${sim.labels} (${sim.n_runs} runs, face/house)`,
        `seed         ${sim.seed}`,
      ].join('\n') + '\n');
    });
}
