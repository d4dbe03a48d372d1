// Progress that tells the truth: the ETA comes from the measured cost of the units done, a
// non-terminal stderr gets at most one line per interval (10 s by default) and a closing line,
// and --quiet silences both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dataPath, repoRoot, skipWithoutShared } from '@neurodecode/testkit';
import { estimateRemaining, etaTracker, formatDuration } from '../src/util.js';

test('the ETA extrapolates the measured time per unit and is unknown before the first unit', () => {
  assert.equal(estimateRemaining(15, 1, 96), 15 * 95);
  assert.equal(estimateRemaining(15, 0, 96), Infinity);
  assert.equal(estimateRemaining(40, 96, 96), 0);
  assert.equal(formatDuration(Infinity), '--');
  assert.equal(formatDuration(1425), '23m45s');
  assert.equal(formatDuration(3700), '1h01m');
});

test('the ETA measures the rate from the first finished unit, leaving out the setup before it', () => {
  const eta = etaTracker();
  assert.equal(eta(1, 0, 96), Infinity);
  assert.equal(eta(3, 2, 96), (3 / 2) * 94); // one update: the whole stage so far
  assert.equal(eta(5, 12, 96), (2 / 10) * 84); // 10 units in the 2 s since the first
  assert.equal(eta(5, 2, 96), (5 / 2) * 94); // no unit since the first: back to the whole stage
});

const slice = (n: string) => dataPath('haxby-slice', n)!;
function permutation(env: Record<string, string>, ...extra: string[]) {
  const args = ['permutation', '--func', slice('bold.nii.gz'), '--mask', slice('mask.nii.gz'), '--labels', slice('labels.txt'),
    '--targets', 'face,house', '--cv', 'kfold:3', '--n-permutations', '4', '--json', ...extra];
  return spawnSync(process.execPath, [join(repoRoot(), 'apps', 'cli', 'bin', 'neurodecode.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('non-terminal stderr: progress lines no more often than the interval, a closing line, nothing with --quiet', { skip: skipWithoutShared() }, () => {
  const every = permutation({ NEURODECODE_PROGRESS_INTERVAL_MS: '0' });
  assert.equal(every.status, 0, every.stderr);
  const lines = every.stderr.trim().split('\n');
  const updates = lines.filter((l) => /^permutation: \d+\/15 \(\d+%\), elapsed \S+, ETA \S+$/.test(l));
  assert.equal(updates.length, 14, every.stderr);
  assert.match(lines[lines.length - 1]!, /^permutation: 15\/15 done in \S+$/);

  const throttled = permutation({});
  assert.equal(throttled.status, 0);
  assert.ok(throttled.stderr.split('\n').filter((l) => /ETA/.test(l)).length <= 1, 'a run this short gets at most one line in 10 s');
  assert.match(throttled.stderr, /permutation: 15\/15 done in/);

  const quiet = permutation({}, '--quiet');
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stderr, '');
  assert.equal(JSON.parse(quiet.stdout).n_permutations, 4);
});
