// The default run end to end: simulated set -> Decoder -> whole-brain searchlight. Its
// searchlight must recover the planted signal (issue: >= 90% of the top 1% inside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { repoRoot, tempDir } from '@neurodecode/testkit';

test('neurodecode demo writes the score map, cv scores and summary, and recovers the planted signal', { timeout: 300_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'demo');
    const r = spawnSync(process.execPath, [join(repoRoot(), 'apps/cli/bin/neurodecode.js'), 'demo', '--out', out, '--simulate', '--json'], {
      encoding: 'utf8', env: { ...process.env, NEURODECODE_DATA: join(dir, 'cache') },
    });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.dataset, 'simulated');
    for (const f of [res.scores_img, res.cv_scores_json, res.summary_txt]) assert.ok(existsSync(f), f);
    const img = await readNifti(res.scores_img);
    assert.deepEqual(img.shape, [40, 64, 64]);
    assert.equal(res.searchlight.n_spheres, 39984);
    const cv = JSON.parse(readFileSync(res.cv_scores_json, 'utf8'));
    assert.equal(cv.cv_scores.length, 12);
    assert.ok(res.decoder.mean_score > 0.9, `decoder mean AUC ${res.decoder.mean_score}`);
    assert.ok(res.top1pct_in_signal >= 0.9, `top 1% inside the signal: ${res.top1pct_in_signal}`);
    assert.match(readFileSync(res.summary_txt, 'utf8'), /top 1% of scores inside the planted signal/);
    // The report is written by default, next to the results.
    assert.equal(res.report, join(out, 'report.html'));
    const html = readFileSync(res.report, 'utf8');
    assert.match(html, new RegExp(`id="mean-score">decoder mean roc_auc<b>${res.decoder.mean_score.toFixed(3)}</b>`));
    assert.ok((html.match(/<img alt="[^"]*" src="data:image\/png;base64,/g) ?? []).length >= 3, 'fold scores, slices and histogram');
  } finally {
    cleanup();
  }
});
