// The example plugin, used the ways a lab would: through the conformance kit, from code by name,
// in the Decoder (with the grid the plugin declares), in the searchlight on several threads
// (through its fast path, and matching the generic path exactly), and from the CLI by path and
// by package name (the package is ESM-only: its exports have an `import` condition only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix } from '@neurodecode/matrix';
import { createEstimator, getEstimatorEntry, seededRandom, type Label } from '@neurodecode/estimators';
import { assertEstimatorConforms } from '@neurodecode/estimators/testing';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { searchlight } from '@neurodecode/searchlight';
import { simulateFmri } from '@neurodecode/datasets';
import { KNeighborsClassifier } from '../src/index.js';

const pluginDir = fileURLToPath(new URL('../..', import.meta.url));
const cliBin = join(dirname(fileURLToPath(import.meta.resolve('@neurodecode/cli/package.json'))), 'bin', 'neurodecode.js');

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Independent k-NN: a full stable sort of the distances, then a vote (ties to the lower class). */
function referencePredict(X: Matrix, y: Label[], Q: Matrix, k: number, weights: 'uniform' | 'distance'): Label[] {
  const classes = [...new Set(y)].sort();
  return Array.from({ length: Q.rows }, (_, q) => {
    const d = Array.from({ length: X.rows }, (_, i) => ({ i, d: Math.hypot(...Array.from(X.row(i), (v, j) => v - Q.get(q, j))) }));
    d.sort((a, b) => a.d - b.d);
    const near = d.slice(0, k);
    const votes = new Map(classes.map((c) => [c, 0]));
    const exact = weights === 'distance' && near[0]!.d === 0;
    for (const { i, d: dist } of near) {
      if (exact && dist !== 0) continue;
      votes.set(y[i]!, votes.get(y[i]!)! + (weights === 'distance' && !exact ? 1 / dist : 1));
    }
    let best = classes[0]!;
    for (const c of classes) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  });
}

function blobs(n: number, p: number, seed: number): { X: Matrix; y: string[] } {
  const r = seededRandom(seed);
  const X = new Matrix(n, p);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(['a', 'b', 'c'][c]!);
    for (let j = 0; j < p; j++) X.set(i, j, r() * 2 + (j === c ? 1.5 : 0));
  }
  return { X, y };
}

test('passes the conformance kit', () => {
  assertEstimatorConforms(() => new KNeighborsClassifier());
  assertEstimatorConforms(() => new KNeighborsClassifier({ nNeighbors: 3, weights: 'distance' }));
});

test('predictions equal an independent k-NN on three classes, uniform and distance weights', () => {
  const train = blobs(60, 4, 1);
  const query = blobs(30, 4, 2);
  for (const k of [1, 4, 7]) {
    for (const weights of ['uniform', 'distance'] as const) {
      const model = createEstimator('knn', { nNeighbors: k, weights }).fit(train.X, train.y);
      assert.deepEqual(model.predict(query.X), referencePredict(train.X, train.y, query.X, k, weights), `k=${k} ${weights}`);
    }
  }
  assert.throws(() => new KNeighborsClassifier({ nNeighbors: 0 }).fit(train.X, train.y), /nNeighbors must be an integer >= 1, got 0/);
});

test('the Decoder uses the grid the plugin declares', () => {
  const { X, y } = blobs(48, 5, 3);
  const groups = y.map((_, i) => Math.floor(i / 12));
  assert.deepEqual(getEstimatorEntry('knn')?.defaultGrid, { nNeighbors: [1, 3, 5, 9, 15] });
  const decoder = new Decoder({ estimator: 'knn', cv: new LeaveOneGroupOut(), screeningPercentile: null, scoring: 'accuracy' });
  decoder.fitMatrix(X, y, { groups });
  const chosen = Object.values(decoder.cvParams).flat().map((p) => p.nNeighbors);
  assert.equal(chosen.length, 4 * 3, 'one choice per fold and one-vs-rest problem');
  for (const k of chosen) assert.ok([1, 3, 5, 9, 15].includes(k as number), `nNeighbors ${String(k)} is from the declared grid`);
  assert.ok(Object.values(decoder.cvScores).flat().every((s) => s >= 0 && s <= 1));
});

test('searchlight by name on two threads takes the plugin fast path and equals the generic path', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const set = await simulateFmri({ outDir: dir, volumes: 40, shape: [10, 12, 8], runs: 4, snr: 2, seed: 5 });
    const rows = readFileSync(set.labels, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/[\s,]+/));
    const common = { func: set.bold, mask: set.mask, y: rows.map((r) => r[0]!), groups: rows.map((r) => Number(r[1])), cv: 'logo', radius: 4 };
    const fast = await searchlight({ ...common, estimator: { name: 'knn', params: { nNeighbors: 3 } }, threads: 2 });
    assert.equal(fast.kernel, 'plugin');
    assert.equal(fast.threads, 2, 'workers rebuilt the plugin by name without being told its module');
    const generic = await searchlight({ ...common, estimator: { name: 'knn', params: { nNeighbors: 3 } }, threads: 1, fastPath: false });
    assert.equal(generic.kernel, 'generic');
    assert.deepEqual(Array.from(fast.scores), Array.from(generic.scores));
    assert.ok(fast.nSpheres > 50);
  } finally {
    cleanup();
  }
});

test('CLI: --plugin by relative path and by package name (ESM-only exports), decode and a 2-thread searchlight', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [cliBin, ...args], { cwd, encoding: 'utf8' });
    const sim = cli(['simulate', '--out', 'sim', '--volumes', '40', '--seed', '2', '--json'], dir);
    assert.equal(sim.status, 0, sim.stderr);
    // A project folder with the plugin installed under its package name.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(pluginDir, join(dir, 'node_modules', 'neurodecode-plugin-knn'), 'dir');
    const inputs = ['--func', 'sim/bold.nii.gz', '--mask', 'sim/mask.nii.gz', '--labels', 'sim/labels.txt', '--targets', 'face,house'];
    const relative = cli(['decode', ...inputs, '--cv', 'logo', '--plugin', `./node_modules/neurodecode-plugin-knn`, '--estimator', 'knn', '--coef-out', 'coef.nii.gz', '--json'], dir);
    assert.equal(relative.status, 0, relative.stderr);
    const decoded = JSON.parse(relative.stdout) as { cv_scores: number[]; cv_params: unknown; coef_out: string | null; warnings?: string[] };
    assert.ok(JSON.stringify(decoded.cv_params).includes('nNeighbors'), 'the declared grid was searched');
    // --coef-out with a non-linear estimator: a warning, the scores, and no half-made image.
    assert.equal(decoded.cv_scores.length, 12, 'one score per run left out');
    assert.equal(decoded.coef_out, null);
    assert.match(decoded.warnings?.[0] ?? '', /--coef-out: estimator "knn" has no linear coefficients/);
    assert.match(relative.stderr, /warning: --coef-out/);
    assert.ok(!existsSync(join(dir, 'coef.nii.gz')));
    const named = cli(['searchlight', ...inputs, '--cv', 'logo', '--radius', '4', '--threads', '2', '--plugin', 'neurodecode-plugin-knn', '--estimator', 'knn', '--out', 'knn.nii.gz', '--json'], dir);
    assert.equal(named.status, 0, named.stderr);
    const sl = JSON.parse(named.stdout) as { kernel: string; threads: number };
    assert.equal(sl.kernel, 'plugin');
    assert.equal(sl.threads, 2);
    const missing = cli(['decode', ...inputs, '--plugin', 'no-such-plugin', '--estimator', 'knn'], dir);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /--plugin: cannot find "no-such-plugin"/);
  } finally {
    cleanup();
  }
});
