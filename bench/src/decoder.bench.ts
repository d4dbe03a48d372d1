// bench/decoder (issue 3): Decoder with LinearSVC ('svc', C in 1, 10, 100), leave-one-run-out,
// nilearn's default 20 % screening scaled by mask volume, on the default simulated set
// (40 x 64 x 64, ~40,000 mask voxels, 216 volumes, 12 runs, face vs house). nilearn's Decoder
// takes 34 s on this machine; the goal is under 5 s. Both selection modes are timed: 'test-fold'
// is nilearn's work (C picked on the test fold), 'nested' (the default) picks C by inner
// leave-one-run-out on the training runs. Then every nilearn estimator string (goal: none over 3x
// the svc time) and FREM with nilearn's defaults (goal: under 10 s).
// Prints one JSON object, writes bench/results/decoder.json.
import { existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { simulateFmri } from '@neurodecode/datasets';
import { Decoder, DecoderRegressor, FREMClassifier, NILEARN_ESTIMATORS, NILEARN_ESTIMATOR_NAMES, type Selection } from '@neurodecode/decoding';
import { machine, readLabelTable, report, seconds } from './bench-util.js';

const NILEARN_SECONDS = 34;
const GOAL_SECONDS = 5;
const FREM_GOAL_SECONDS = 10;
const FREM_THREADS = process.env.DECODER_BENCH_THREADS ? Number(process.env.DECODER_BENCH_THREADS) : availableParallelism();
// The strings' outer folds: every core unless DECODER_BENCH_THREADS says (1: the single-thread ratios).
const STRING_THREADS = process.env.DECODER_BENCH_THREADS ? Number(process.env.DECODER_BENCH_THREADS) : undefined;
// Parts to run (all by default): DECODER_BENCH_PARTS=selection,strings,frem, and
// DECODER_BENCH_STRINGS=svc,lasso,... to time only some estimator strings (svc is always timed,
// as the ratios' denominator), DECODER_BENCH_ROUNDS=n rounds over the strings (default 2). The variant lasso_coordinate_descent (the 'lasso' string with
// paramGrid { nAlphas: [30], solver: ['coordinate-descent'] }: scikit-learn's coordinate descent
// replayed, nilearn's numbers, about 20x the svc time) is timed only when DECODER_BENCH_STRINGS names it.
const PARTS = new Set((process.env.DECODER_BENCH_PARTS ?? 'selection,strings,frem').split(',').map((s) => s.trim()));
const ROUNDS = Math.max(1, Number(process.env.DECODER_BENCH_ROUNDS ?? 2) || 2);
const ONLY_STRINGS = process.env.DECODER_BENCH_STRINGS ? new Set(process.env.DECODER_BENCH_STRINGS.split(',').map((s) => s.trim())) : undefined;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return Number(((u.user + u.system) / 1e6).toFixed(3));
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), 'neurodecode-bench', 'decoder-simulated-default-seed0');
  let simulateSeconds: number | null = null;
  if (!existsSync(join(dir, 'labels.txt'))) {
    const t = performance.now();
    await simulateFmri({ outDir: dir, seed: 0 });
    simulateSeconds = seconds(t);
  }
  const t0 = performance.now();
  const bold = await readNifti(join(dir, 'bold.nii.gz'));
  const maskImg = await readNifti(join(dir, 'mask.nii.gz'));
  const readSeconds = seconds(t0);
  const t1 = performance.now();
  const masker = new NiftiMasker({ maskImg });
  await masker.fit(bold);
  const X = await masker.transform(bold);
  standardizeInPlace(X, 'zscore_sample');
  const maskSeconds = seconds(t1);
  const table = readLabelTable(join(dir, 'labels.txt'));
  if (table.labels.length !== X.rows) throw new Error(`labels: ${table.labels.length} rows for ${X.rows} volumes`);

  const modes: Record<string, unknown> = {};
  for (const selection of (PARTS.has('selection') ? ['test-fold', 'nested'] : []) as Selection[]) {
    const all: number[] = [];
    let decoder: Decoder | undefined;
    for (let r = 0; r < 2; r++) {
      const t = performance.now();
      decoder = new Decoder({ estimator: 'svc', selection, maskImg: masker.maskImg_!, screeningPercentile: 20 });
      decoder.fitMatrix(X, table.labels, { groups: table.runs });
      all.push(seconds(t));
    }
    const best = Math.min(...all);
    const cParams = Object.values(decoder!.cvParams)[0]!.map((p) => p.C);
    modes[selection] = {
      seconds: best,
      all_seconds: all,
      with_masking_seconds: Number((best + maskSeconds).toFixed(3)),
      mean_score: decoder!.meanScore,
      chosen_C: cParams,
      screening_percentile_used: decoder!.screeningPercentileUsed,
      ratio_vs_nilearn: Number((NILEARN_SECONDS / (best + maskSeconds)).toFixed(1)),
      meets_goal: best + maskSeconds < GOAL_SECONDS,
    };
  }
  // Every nilearn estimator string with nilearn's grids and selection (test-fold); regressors
  // decode the class as a 0/1 target. The goal: none more than 3x the svc time. One untimed svc
  // fit first (the first fit in a process pays for compiling the shared code: up to 40 % more
  // than a warm one, which moved every ratio), then DECODER_BENCH_ROUNDS rounds (default 2) over
  // every string, each string's figure its best round. CPU seconds are recorded beside wall
  // seconds because the machine is shared.
  type StringFigures = {
    seconds: number;
    all_seconds: number[];
    cpu_seconds: number;
    mean_score: number;
    ratio_vs_svc: number;
    cpu_ratio_vs_svc: number;
    [extra: string]: unknown;
  };
  const strings: Record<string, StringFigures> = {};
  const classes = [...new Set(table.labels)].sort();
  const numeric = table.labels.map((l) => (l === classes[1] ? 1 : 0));
  const REPLAY = 'lasso_coordinate_descent';
  const names = PARTS.has('strings') ? ['svc', ...NILEARN_ESTIMATOR_NAMES.filter((n) => n !== 'svc' && (!ONLY_STRINGS || ONLY_STRINGS.has(n)))] : [];
  if (ONLY_STRINGS?.has(REPLAY)) names.push(REPLAY);
  const fitString = (name: string) => {
    const spec = NILEARN_ESTIMATORS[name === REPLAY ? 'lasso' : name]!;
    const options = { estimator: name, selection: 'test-fold' as Selection, maskImg: masker.maskImg_!, screeningPercentile: 20, nJobs: STRING_THREADS };
    return spec.kind === 'classifier'
      ? new Decoder(options).fitMatrix(X, table.labels, { groups: table.runs })
      : name === REPLAY
        ? new DecoderRegressor({ ...options, estimator: 'lasso', paramGrid: { nAlphas: [30], solver: ['coordinate-descent'] } }).fitMatrix(X, numeric, {
            groups: table.runs,
          })
        : new DecoderRegressor(options).fitMatrix(X, numeric, { groups: table.runs });
  };
  if (names.length) fitString('svc');
  const timed = new Map<string, { wall: number[]; cpu: number[]; dec: Decoder | DecoderRegressor }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const t = performance.now();
      const c = process.cpuUsage();
      const dec = fitString(name);
      const entry = timed.get(name) ?? { wall: [], cpu: [], dec };
      entry.wall.push(seconds(t));
      entry.cpu.push(cpuSeconds(c));
      timed.set(name, entry);
    }
  }
  const svc = timed.get('svc');
  const svcWall = svc ? Math.min(...svc.wall) : NaN;
  const svcCpu = svc ? Math.min(...svc.cpu) : NaN;
  for (const [name, { wall, cpu, dec }] of timed) {
    const s = Math.min(...wall);
    const c = Math.min(...cpu);
    strings[name] = {
      seconds: s,
      all_seconds: wall,
      cpu_seconds: c,
      mean_score: dec.meanScore,
      ratio_vs_svc: Number((s / svcWall).toFixed(2)),
      cpu_ratio_vs_svc: Number((c / svcCpu).toFixed(2)),
    };
    if (name.startsWith('lasso')) {
      // What the solver changes: the alpha each fold chose, the fold scores, the averaged map's sum.
      const folds = dec.cvParams.beta!;
      const coef = Array.from(dec.coef!.row(0));
      strings[name]!.solver = name === REPLAY ? 'coordinate-descent (scikit-learn replayed)' : 'exact (default)';
      strings[name]!.best_alpha = folds.map((p) => p.bestAlpha);
      strings[name]!.fold_scores = dec.cvScores.beta;
      strings[name]!.coef_sum = coef.reduce((a, v) => a + v, 0);
      strings[name]!.coef_nonzero = coef.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
    }
  }
  const worst = Math.max(...Object.values(strings).map((v) => v.ratio_vs_svc));
  const worstCpu = Math.max(...Object.values(strings).map((v) => v.cpu_ratio_vs_svc));

  // FREM with nilearn's defaults (30 stratified shuffle splits, 10% ReNA clusters, 20% screening)
  // in both selection modes, the folds on every core (nJobs's default; DECODER_BENCH_THREADS=1
  // for the in-thread run); the goal: under 10 s. cpu_seconds counts every thread.
  const frem: Record<string, { seconds: number; cpu_seconds: number; mean_score: number; folds: number; meets_goal: boolean }> = {};
  for (const selection of (PARTS.has('frem') ? ['nested', 'test-fold'] : []) as Selection[]) {
    const t = performance.now();
    const c = process.cpuUsage();
    const f = new FREMClassifier({ selection, maskImg: masker.maskImg_!, nJobs: FREM_THREADS }).fitMatrix(X, table.labels, { groups: table.runs });
    const s = seconds(t);
    frem[selection] = { seconds: s, cpu_seconds: cpuSeconds(c), mean_score: f.meanScore, folds: Object.values(f.cvScores)[0]!.length, meets_goal: s < FREM_GOAL_SECONDS };
  }

  // A partial run writes its own results file, so bench/results/decoder.json stays a full run.
  const partial = PARTS.size < 3 || ONLY_STRINGS !== undefined;
  report(partial ? 'decoder-partial' : 'decoder', {
    benchmark: 'decoder',
    data: { samples: X.rows, features: X.cols, runs: new Set(table.runs).size, classes: [...new Set(table.labels)].sort() },
    estimator: 'svc (LinearSVC, solver auto -> exact), grid C = 1, 10, 100, scoring roc_auc',
    cv: 'LeaveOneGroupOut',
    seconds: (modes['test-fold'] as { with_masking_seconds: number } | undefined)?.with_masking_seconds ?? null,
    parts: [...PARTS],
    selection: modes,
    nilearn_strings: strings,
    nilearn_strings_threads: STRING_THREADS ?? availableParallelism(),
    nilearn_strings_worst_ratio_vs_svc: worst,
    nilearn_strings_worst_cpu_ratio_vs_svc: worstCpu,
    nilearn_strings_meet_goal: worst <= 3,
    frem,
    frem_goal_seconds: FREM_GOAL_SECONDS,
    frem_threads: FREM_THREADS,
    read_seconds: readSeconds,
    mask_standardize_seconds: maskSeconds,
    simulate_seconds: simulateSeconds,
    goal_seconds: GOAL_SECONDS,
    nilearn_seconds: NILEARN_SECONDS,
    machine: machine(),
    notes: 'seconds = test-fold selection (the work nilearn does: C picked on the test fold) plus masking and standardizing, best of 2; '
      + 'reading the gzipped image (read_seconds) is left out of both. Per outer fold the Gram matrix of the screened training rows is computed '
      + 'once and every C (and every inner fold in nested mode) is solved exactly from its blocks. nilearn_seconds is the figure issue 3 gives '
      + 'for this machine, not re-measured here. The machine is shared (2 cores), so figures are noisy.',
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
