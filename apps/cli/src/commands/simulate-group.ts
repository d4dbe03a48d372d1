// neurodecode simulate --subjects N --space mni: a multi-subject study for the group path.
import { simulateGroup } from '@neurodecode/datasets';
import { log, parseIntArg, parseNumberArg, printJson } from '../util.js';
import { guardPaths } from '../guard.js';

export async function simulateGroupCli(opts: {
  out: string;
  subjects?: string;
  space?: string;
  seed: string;
  snr?: string;
  volumes: string;
  json?: boolean;
}): Promise<void> {
  const subjects = parseIntArg('--subjects', opts.subjects!, 2);
  if ((opts.space ?? 'mni') !== 'mni') throw new Error(`--space: only "mni" (a 4 mm MNI grid) is available, got "${opts.space}"`);
  const seed = parseIntArg('--seed', opts.seed, 0);
  const snr = opts.snr === undefined ? undefined : parseNumberArg('--snr', opts.snr);
  // The single-subject default (216) does not apply here; 96 volumes in 8 runs unless given.
  const volumes = opts.volumes === '216' ? undefined : parseIntArg('--volumes', opts.volumes, 4);
  guardPaths([], [{ flag: '--out', path: opts.out, kind: 'dir' }]);
  const started = Date.now();
  const study = await simulateGroup({ outDir: opts.out, subjects, seed, snr, volumes });
  const summary = {
    out: study.out,
    mask: study.mask,
    truth: study.truth,
    shape: study.shape,
    n_mask_voxels: study.n_mask_voxels,
    seed: study.seed,
    subjects: study.subjects.map((s) => ({
      id: s.id,
      bold: s.bold,
      labels: s.labels,
      amplitude: Number(s.amplitude.toFixed(3)),
      shift_mm: s.shiftMm.map((x) => Number(x.toFixed(2))),
    })),
    effects: study.effects,
  };
  if (opts.json) return printJson(summary);
  log(`simulated ${subjects} subjects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(
    [
      `out      ${study.out}`,
      `mask     ${study.mask} (${study.n_mask_voxels} voxels, 4 mm MNI ${study.shape.join(' x ')})`,
      `truth    ${study.truth}`,
      `subjects ${study.subjects.map((s) => s.id).join(' ')} (bold.nii.gz + labels.txt each)`,
    ].join('\n') + '\n',
  );
}
