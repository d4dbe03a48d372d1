// `neurodecode searchlight ... --n-permutations K --seed S --null-out null.nii.gz`: the observed map
// plus one map per within-run label permutation (input for `neurodecode group --method stelzer|prevalence`).
import { writeNifti } from '@neurodecode/nifti-io';
import { searchlightNullMaps, type NullMapsOptions } from '@neurodecode/searchlight';
import { log, parseIntArg, printJson, progressBar } from '../util.js';

export interface NullCliOptions {
  nPermutations?: string;
  seed?: string;
  nullOut?: string;
  out: string;
  json?: boolean;
  shard?: string;
  checkpoint?: string;
}

/** True when the permutation flags are present (checked and then handled here). */
export function wantsNullMaps(opts: NullCliOptions): boolean {
  if (opts.nPermutations === undefined && opts.nullOut === undefined) return false;
  if (opts.nPermutations === undefined) throw new Error('--null-out: needs --n-permutations');
  if (opts.nullOut === undefined) throw new Error('--n-permutations: needs --null-out FILE.nii.gz for the null maps');
  if (!/\.nii(\.gz)?$/.test(opts.nullOut)) throw new Error(`--null-out: must end in .nii or .nii.gz, got "${opts.nullOut}"`);
  if (opts.shard || opts.checkpoint) throw new Error('--n-permutations: cannot be combined with --shard or --checkpoint');
  return true;
}

export async function runNullMaps(
  opts: NullCliOptions,
  base: Omit<NullMapsOptions, 'nPermutations' | 'seed' | 'onProgress'>,
): Promise<void> {
  const nPermutations = parseIntArg('--n-permutations', opts.nPermutations!, 1);
  const seed = parseIntArg('--seed', opts.seed ?? '0', 0);
  const bar = progressBar('searchlight null maps');
  let res;
  try {
    res = await searchlightNullMaps({ ...base, nPermutations, seed, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.stop();
  }
  await writeNifti(res.scoresImg, opts.out);
  await writeNifti(res.nullImg, opts.nullOut!);
  const mean = res.scores.reduce((a, b) => a + b, 0) / Math.max(1, res.scores.length);
  const nullMean = res.nullScores.reduce((a, b) => a + b, 0) / Math.max(1, res.nullScores.length);
  const out = {
    n_spheres: res.nSpheres,
    mean_score: mean,
    null_mean_score: nullMean,
    n_permutations: nPermutations,
    seed,
    seconds: Number(res.seconds.toFixed(3)),
    out: opts.out,
    null_out: opts.nullOut,
    kernel: res.kernel,
    threads: res.threads,
    n_folds: res.nFolds,
  };
  if (opts.json) return printJson(out);
  log(`searchlight: ${res.nSpheres} spheres x ${nPermutations + 1} label sets (${res.kernel} path) in ${res.seconds.toFixed(1)} s`);
  process.stdout.write(`mean score ${mean.toFixed(4)} (null ${nullMean.toFixed(4)}) -> ${opts.out}, ${opts.nullOut}\n`);
}
