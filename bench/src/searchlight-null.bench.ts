// Searchlight null-map benchmark (per-subject permutation maps for group inference): the default
// simulated set (as bench/searchlight), radius 5.6 mm, KFold(4), 2 threads, 100 label permutations
// within runs. GaussianNB: goal < 60 s. Standardized LinearSVC (goal < 10 min; nilearn would need
// ~32 h) only with SEARCHLIGHT_NULL_SVC=1, since it is too long for the default bench run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateFmri } from '@neurodecode/datasets';
import { KFold } from '@neurodecode/cv';
import { readNifti } from '@neurodecode/nifti-io';
import { searchlightNullMaps } from '@neurodecode/searchlight';
import { machine, report } from './bench-util.js';

const THREADS = Number(process.env.SEARCHLIGHT_BENCH_THREADS ?? 2);
const K = Number(process.env.SEARCHLIGHT_NULL_PERMUTATIONS ?? 100);

const dir = mkdtempSync(join(tmpdir(), 'neurodecode-bench-slnull-'));
try {
  const set = await simulateFmri({ outDir: dir, seed: 0 });
  const rows = readFileSync(set.labels, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const func = await readNifti(set.bold);
  const mask = await readNifti(set.mask);
  const base = {
    func, mask, y: rows.map((r) => r[0]!), groups: rows.map((r) => r[1]!), targets: ['face', 'house'],
    cv: new KFold({ nSplits: 4 }), radius: 5.6, threads: THREADS, nPermutations: K, seed: 0,
  };
  const time = async (extra: Record<string, unknown>, goal: number) => {
    const cpu = process.cpuUsage();
    const res = await searchlightNullMaps({ ...base, ...extra });
    const c = process.cpuUsage(cpu);
    const nullMean = res.nullScores.reduce((a, b) => a + b, 0) / res.nullScores.length;
    return {
      seconds: Number(res.seconds.toFixed(2)), cpu_seconds: Number(((c.user + c.system) / 1e6).toFixed(2)),
      kernel: res.kernel, n_spheres: res.nSpheres, label_sets: K + 1, null_mean_score: Number(nullMean.toFixed(4)), goal_seconds: goal,
    };
  };
  const gnb = await time({ estimator: 'gnb' }, 60);
  const svc = process.env.SEARCHLIGHT_NULL_SVC === '1' ? await time({ estimator: 'svc', standardize: true }, 600) : 'set SEARCHLIGHT_NULL_SVC=1 (minutes)';
  report('searchlight-null', {
    benchmark: 'searchlight-null', data: { shape: set.shape, mask_voxels: set.n_mask_voxels, volumes: set.n_volumes, runs: set.n_runs },
    radius_mm: 5.6, cv: 'KFold(4)', threads: THREADS, permutations: K, gaussian_nb: gnb, linear_svc_standardized: svc, ...machine(),
    note: 'wall seconds on a possibly shared machine; cpu_seconds / threads estimates the quiet-machine time',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
