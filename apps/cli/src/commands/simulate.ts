// neurodecode simulate --out DIR: write a deterministic simulated set (Haxby-shaped; face/house or K classes).
import type { Command } from 'commander';
import { simulateFmri } from '@neurodecode/datasets';
import { log, parseIntArg, parseNumberArg, printJson } from '../util.js';
import { simulateGroupCli } from './simulate-group.js';
import { guardPaths } from '../guard.js';

interface SimulateCliOptions {
  out: string;
  volumes: string;
  seed: string;
  snr?: string;
  classes: string;
  variability?: string;
  dtype: string;
  json?: boolean;
  subjects?: string;
  space?: string;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('Write a simulated fMRI set (bold.nii.gz, mask.nii.gz, signal_mask.nii.gz, labels.txt)')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--volumes <n>', 'number of volumes (>= 4), spread over up to 12 runs', '216')
    .option('--seed <s>', 'random seed (integer >= 0)', '0')
    .option('--snr <x>', 'class effect in the blobs, in noise standard deviations (default 0.5)')
    .option('--classes <k>', "number of classes, 2..16 (2: face/house; more: Haxby's categories, each its own pattern)", '2')
    .option('--variability <x>', 'trial-to-trial sd of the response amplitude, relative to its mean (default 1)')
    .option('--dtype <type>', 'bold data type: int16 or float32', 'int16')
    .option('--subjects <n>', 'a multi-subject study instead (sub-XX/bold.nii.gz + labels.txt, shared mask and truth)')
    .option('--space <name>', 'with --subjects: mni (4 mm MNI grid)', 'mni')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  neurodecode simulate --out /tmp/sim --volumes 216 --seed 0 --json\n  neurodecode simulate --subjects 12 --space mni --out /tmp/study --json',
    )
    .action(async (opts: SimulateCliOptions) => {
      if (opts.subjects !== undefined) return simulateGroupCli(opts);
      const volumes = parseIntArg('--volumes', opts.volumes, 4);
      const seed = parseIntArg('--seed', opts.seed, 0);
      const snr = opts.snr === undefined ? undefined : parseNumberArg('--snr', opts.snr);
      const classes = parseIntArg('--classes', opts.classes, 2);
      const variability = opts.variability === undefined ? undefined : parseNumberArg('--variability', opts.variability);
      if (opts.dtype !== 'int16' && opts.dtype !== 'float32') throw new Error(`--dtype: expected int16 or float32, got "${opts.dtype}"`);
      guardPaths([], [{ flag: '--out', path: opts.out, kind: 'dir' }]);
      const started = Date.now();
      const sim = await simulateFmri({ outDir: opts.out, volumes, seed, snr, dtype: opts.dtype, classes, variability });
      const summary = {
        out: sim.out,
        bold: sim.bold,
        mask: sim.mask,
        signal_mask: sim.signal_mask,
        labels: sim.labels,
        shape: sim.shape,
        n_volumes: sim.n_volumes,
        n_mask_voxels: sim.n_mask_voxels,
        seed: sim.seed,
        classes: sim.classes,
        snr: sim.snr,
        variability: sim.variability,
      };
      if (opts.json) return printJson(summary);
      log(`simulated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.stdout.write(
        [
          `out          ${sim.out}`,
          `bold         ${sim.bold} (${sim.shape.join(' x ')}, TR ${sim.tr} s)`,
          `mask         ${sim.mask} (${sim.n_mask_voxels} voxels)`,
          `signal_mask  ${sim.signal_mask} (${sim.n_signal_voxels} voxels in ${sim.blobs.length} blobs)`,
          `labels       ${sim.labels} (${sim.n_runs} runs, ${sim.classes.join('/')})`,
          `seed         ${sim.seed}`,
        ].join('\n') + '\n',
      );
    });
}
