// Against nilearn 0.10.2's non_parametric_inference on ../shared/reference/group (see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { clustersTable } from '@neurodecode/image-ops';
import { dataPath, sharedDir, skipWithoutShared } from '@neurodecode/testkit';
import { loadStack, permutedOls, unmask } from '../src/index.js';

const dir = () => join(sharedDir()!, 'reference', 'group');
const subjects = () => Array.from({ length: 12 }, (_x, i) => join(dir(), `sub-${String(i + 1).padStart(2, '0')}_accuracy.nii.gz`));

test('group inference matches nilearn: t, size, mass (1e-4), TFCE (1e-3), logp > 1.3 sets within Monte Carlo error, left lateral occipital peak', { skip: skipWithoutShared() }, async () => {
  const settings = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir(), 'nilearn_group.json'), 'utf8'));
  const stack = await loadStack(subjects(), join(dir(), 'mask.nii.gz'), { chance: 0.5 });
  const nPerm = 4000;
  const res = await permutedOls(stack.Y, stack.n, stack.graph, {
    nPerm, seed: 1, threshold: settings.threshold, tfce: true, twoSided: settings.two_sided, nilearnFloat32: true,
  });
  const gi = stack.graph.gridIndex;
  const ref = async (name: string) => {
    const data = (await readNifti(join(dir(), `nilearn_${name}.nii.gz`))).data;
    return Float64Array.from(gi, (g) => data[g]!);
  };
  const maps = { t: res.t, size: res.size!, mass: res.mass!, tfce: res.tfce! };
  for (const [name, tol] of [['t', 1e-4], ['size', 1e-4], ['mass', 1e-4], ['tfce', 1e-3]] as const) {
    const expected = await ref(name);
    let worst = 0;
    expected.forEach((e, v) => { worst = Math.max(worst, Math.abs(maps[name][v]! - e) / Math.max(1, Math.abs(e))); });
    assert.ok(worst <= tol, `${name}: largest relative difference ${worst} > ${tol}`);
  }
  // Default float64 arithmetic: t agrees to float32 input precision.
  const f64 = await permutedOls(stack.Y, stack.n, stack.graph, { nPerm: 0 });
  const tRef = await ref('t');
  f64.t.forEach((x, v) => assert.ok(Math.abs(x - tRef[v]!) <= 1e-4 * Math.max(1, Math.abs(tRef[v]!))));

  // logp > 1.3 (p < 0.05): a voxel may differ only where its p is within Monte Carlo error of 0.05
  // (4 standard errors of the difference of two binomial estimates, 2,000 and 4,000 draws).
  const se = Math.sqrt(0.05 * 0.95 * (1 / settings.n_perm + 1 / nPerm));
  const logps = { logp_max_t: res.logpMaxT, logp_max_size: res.logpMaxSize!, logp_max_mass: res.logpMaxMass!, logp_max_tfce: res.logpMaxTfce! };
  for (const [name, mine] of Object.entries(logps)) {
    const expected = await ref(name);
    let nRef = 0, nMine = 0, unexplained = 0;
    expected.forEach((e, v) => {
      const a = e > 1.3, b = mine[v]! > 1.3;
      nRef += a ? 1 : 0; nMine += b ? 1 : 0;
      const pRef = 10 ** -e, pMine = 10 ** -mine[v]!;
      if (a !== b && Math.abs(pRef - 0.05) > 4 * se && Math.abs(pMine - 0.05) > 4 * se) unexplained++;
    });
    assert.equal(nRef, settings.maps[name]['n_logp_gt_1.3']);
    assert.equal(unexplained, 0, `${name}: ${unexplained} voxels disagree beyond Monte Carlo error (nilearn ${nRef}, here ${nMine})`);
  }

  // Clusters table of the t map at the cluster-forming threshold: the strongest is left lateral occipital.
  const rows = await clustersTable(unmask(res.t, stack), {
    threshold: res.thresholdT!,
    atlas: { img: dataPath('atlases', 'harvard_oxford.nii.gz')!, labels: dataPath('atlases', 'harvard_oxford_labels.csv')! },
  });
  assert.ok(rows.length >= 2);
  assert.equal(rows[0]!.size, Math.max(...res.size!));
  assert.match(rows[0]!.region ?? '', /^Left_Lateral_Occipital_Cortex/);
});
