// neurodecode demo --group: simulated MNI study -> per-subject searchlights -> group test -> clusters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { tempDir } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCliAsync } from './helpers.js';

test('neurodecode demo --group: the largest cluster is significant and sits on the planted left occipital effect', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'demo');
    const res = parseJsonResult(await runCliAsync('demo', '--group', '--subjects', '6', '--n-perm', '300', '--threads', '2', '--out', out, '--json'));
    assert.equal(res.subjects, 6);
    assert.equal(res.maps.length, 6);
    for (const m of res.maps) assert.ok(existsSync(m), m);
    for (const name of ['t', 'logp_max_t', 'size', 'logp_max_size', 'mass', 'logp_max_mass', 'tfce', 'logp_max_tfce']) {
      assert.ok(existsSync(join(res.group_dir, `${name}.nii.gz`)), name);
    }
    assert.ok(readFileSync(join(res.group_dir, 'clusters.tsv'), 'utf8').startsWith('cluster\tsize'));
    // The largest cluster is significant by its size and peaks within 12 mm of the strong effect
    // at (-40, -70, 0) mm (subjects are displaced by a few mm each); with 6 subjects single voxels
    // can reach a higher t by chance, so the t maximum itself is not the test.
    const t = await readNifti(join(res.group_dir, 't.nii.gz'));
    assert.deepEqual(t.shape, [46, 55, 46]);
    const largest = res.clusters.reduce((a: { size: number }, c: { size: number }) => (c.size > a.size ? c : a));
    assert.ok(largest.p_fwe_size < 0.05, `largest cluster p ${largest.p_fwe_size}`);
    assert.ok(Math.hypot(largest.peak_mm[0] + 40, largest.peak_mm[1] + 70, largest.peak_mm[2]) <= 12, `largest cluster at ${largest.peak_mm}`);
    assert.ok(readFileSync(res.summary_txt, 'utf8').includes('neurodecode demo --group'));

    const bad = await runCliAsync('demo', '--group', '--report', join(dir, 'r.html'), '--out', join(dir, 'other'));
    assert.match(expectOneLineError(bad), /--report: not with --group/);
  } finally {
    cleanup();
  }
});
