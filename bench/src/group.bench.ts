// Group benchmark: nilearn's non_parametric_inference setting on ../shared/reference/group (12
// subjects, 28,531 voxels): one-sided sign flips, cluster-forming p 0.001 (size and mass) and TFCE,
// 10,000 permutations on 2 threads. Goal < 20 s (nilearn 0.10.2: 406 s for 2,000 here, so ~2,030 s
// for 10,000). GROUP_BENCH_ALL_DRAWS=1 also times computing every draw (repeated sign patterns
// recomputed instead of merged).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStack, permutedOls } from '@neurodecode/stats';
import { machine, report } from './bench-util.js';

const THREADS = Number(process.env.GROUP_BENCH_THREADS ?? 2);
const N_PERM = Number(process.env.GROUP_BENCH_PERMUTATIONS ?? 10000);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const shared = process.env.NEURODECODE_SHARED ? resolve(process.env.NEURODECODE_SHARED) : resolve(root, '..', 'shared');
const dir = join(shared, 'reference', 'group');

if (!existsSync(join(dir, 'mask.nii.gz'))) {
  process.stdout.write(JSON.stringify({ benchmark: 'group', skipped: `${dir} is absent` }) + '\n');
} else {
  const maps = Array.from({ length: 12 }, (_x, i) => join(dir, `sub-${String(i + 1).padStart(2, '0')}_accuracy.nii.gz`));
  const stack = await loadStack(maps, join(dir, 'mask.nii.gz'), { chance: 0.5 });
  const run = async (reuseRepeats: boolean) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const res = await permutedOls(stack.Y, stack.n, stack.graph, { nPerm: N_PERM, seed: 0, threshold: 0.001, tfce: true, threads: THREADS, reuseRepeats });
    const c = process.cpuUsage(cpu);
    return {
      seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
      cpu_seconds: Number(((c.user + c.system) / 1e6).toFixed(2)),
      permutations_computed: res.computed,
      significant_voxels: Object.fromEntries((['logpMaxT', 'logpMaxSize', 'logpMaxMass', 'logpMaxTfce'] as const).map((k) => [k, res[k]!.reduce((n, x) => n + (x > 1.3 ? 1 : 0), 0)])),
    };
  };
  const merged = await run(true);
  const allDraws = process.env.GROUP_BENCH_ALL_DRAWS === '1' ? await run(false) : undefined;
  const nilearnSeconds = 405.67 * (N_PERM / 2000);
  report('group', {
    benchmark: 'group',
    data: { subjects: stack.n, mask_voxels: stack.graph.nVoxels },
    permutations: N_PERM, threads: THREADS, tfce: true, cluster_threshold_p: 0.001,
    merged_repeats: merged,
    every_draw_computed: allDraws ?? 'set GROUP_BENCH_ALL_DRAWS=1',
    goal_seconds: 20,
    nilearn_seconds_extrapolated: Number(nilearnSeconds.toFixed(0)),
    speedup_vs_nilearn: Number((nilearnSeconds / merged.seconds).toFixed(1)),
    ...machine(),
    note: 'wall seconds on a possibly shared machine: compare cpu_seconds / threads with seconds to see contention',
  });
}
