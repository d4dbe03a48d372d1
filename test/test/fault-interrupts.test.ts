// Fault suite, interruptions and concurrency: SIGINT and SIGKILL at random points of simulate,
// searchlight (with and without a checkpoint), searchlight merge and fetch; commands sharing an
// output, a checkpoint or a cache. Afterwards a file under its final name is complete and right
// (equal to an uninterrupted run), SIGINT leaves no temporary, and a rerun finishes the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readNifti } from '@neurodecode/nifti-io';
import { folderDigest, repoRoot, rng, tempDir, writeTinySet } from '@neurodecode/testkit';
import { assertInterruptedCleanly, assertUnchanged, CaseCounter, cli, killAfter, leftovers, pool } from './fault-kit.js';
import { md5, startFaultServer } from './fault-server.js';

const random = rng(2026);
const estimators = join(repoRoot(), 'packages', 'estimators', 'dist', 'src', 'index.js');

/** A GaussianNB that takes ~1 ms per fit, so a searchlight lasts long enough to interrupt. */
function slowPlugin(dir: string): string {
  const path = join(dir, 'slow-gnb.mjs');
  writeFileSync(path, [
    `import { GaussianNB, registerEstimator } from ${JSON.stringify(estimators)};`,
    'class SlowGaussianNB extends GaussianNB { fit(X, y) { const until = performance.now() + 1; while (performance.now() < until) {} return super.fit(X, y); } }',
    `registerEstimator({ name: 'slow-gnb', kind: 'classifier', description: 'fault suite', create: (p) => new SlowGaussianNB(p) });`,
  ].join('\n') + '\n');
  return path;
}

test('fault suite: interrupted and concurrent searchlights, merges and simulations', async (t) => {
  const counter = new CaseCounter('interrupts');
  const { dir, cleanup } = tempDir('nd-fault-int-');
  try {
    const set = writeTinySet(dir, { side: 8 });
    const plugin = slowPlugin(dir);
    const sl = (out: string, ...extra: string[]) => ['searchlight', '--func', set.bold, '--mask', set.mask, '--labels', set.labels,
      '--radius', '4', '--cv', 'kfold:2', '--threads', '1', '--plugin', plugin, '--estimator', 'slow-gnb', '--out', out, '--json', ...extra];
    const inputs = folderDigest(dir);
    const reference = join(dir, 'reference.nii.gz');
    const started = Date.now();
    const ref = await cli(sl(reference));
    const wallMs = Date.now() - started;
    assert.equal(ref.status, 0, ref.stderr);
    const refBytes = readFileSync(reference);

    // Searchlight with and without a checkpoint, killed at random points, then run again.
    const jobs: (() => Promise<void>)[] = [];
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      for (const checkpointed of [true, false]) {
        for (let rep = 0; rep < 2; rep++) {
          const delay = wallMs * (0.3 + 0.7 * random());
          jobs.push(async () => {
            const tag = `${signal}-${checkpointed ? 'ckpt' : 'plain'}-${rep}`;
            const out = join(dir, `sl-${tag}.nii.gz`);
            const extra = checkpointed ? ['--checkpoint', join(dir, `sl-${tag}.ckpt`), '--checkpoint-every', '0.05'] : [];
            const first = await cli(sl(out, ...extra), { onStart: killAfter(signal, delay) });
            assertInterruptedCleanly(first, signal, tag);
            if (existsSync(out)) assert.deepEqual(readFileSync(out), refBytes, `${tag}: a file under the final name is complete`);
            if (signal === 'SIGINT') assert.deepEqual(leftovers(dir).filter((f) => f.includes(tag)), [], `${tag}: temporaries removed`);
            const again = await cli(sl(out, ...extra));
            assert.equal(again.status, 0, `${tag} rerun: ${again.stderr}`);
            assert.deepEqual(readFileSync(out), refBytes, `${tag}: the resumed map equals the uninterrupted one`);
            counter.add();
          });
        }
      }
    }
    // Two searchlights writing one output, and two sharing one checkpoint, at the same time.
    jobs.push(async () => {
      const out = join(dir, 'shared-out.nii.gz');
      const runs = await Promise.all([cli(sl(out)), cli(sl(out))]);
      for (const r of runs) assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readFileSync(out), refBytes);
      counter.add();
    });
    jobs.push(async () => {
      const ck = join(dir, 'shared.ckpt');
      const outs = [join(dir, 'shared-ck-a.nii.gz'), join(dir, 'shared-ck-b.nii.gz')];
      const runs = await Promise.all(outs.map((o) => cli(sl(o, '--checkpoint', ck, '--checkpoint-every', '0.05'))));
      for (const r of runs) assert.equal(r.status, 0, r.stderr);
      for (const o of outs) assert.deepEqual(readFileSync(o), refBytes);
      counter.add();
    });
    // Shards, then merges killed at random points.
    jobs.push(async () => {
      const parts = [0, 1].map((i) => join(dir, `part${i}`));
      for (const [i, p] of parts.entries()) {
        const r = await cli(sl(p, '--shard', `${i}/2`));
        assert.equal(r.status, 0, r.stderr);
      }
      for (const signal of ['SIGINT', 'SIGKILL'] as const) {
        for (let rep = 0; rep < 2; rep++) {
          const out = join(dir, `merged-${signal}-${rep}.nii.gz`);
          const r = await cli(['searchlight', 'merge', ...parts, '--out', out, '--json'], { onStart: killAfter(signal, random() * 400) });
          assertInterruptedCleanly(r, signal, `merge ${signal}`);
          if (existsSync(out)) assert.deepEqual(readFileSync(out), refBytes, 'merged map complete');
          counter.add();
        }
      }
    });
    // simulate killed while writing: nothing incomplete under a final name.
    for (const signal of ['SIGINT', 'SIGKILL', 'SIGINT', 'SIGKILL'] as const) {
      jobs.push(async () => {
        const out = join(dir, `sim-${signal}-${randomBytes(3).toString('hex')}`);
        const r = await cli(['simulate', '--out', out, '--volumes', '120', '--json'], { onStart: killAfter(signal, 150 + random() * 900) });
        assertInterruptedCleanly(r, signal, `simulate ${signal}`);
        for (const f of existsSync(out) ? readdirSync(out) : []) {
          if (f.endsWith('.tmp')) {
            assert.equal(signal, 'SIGKILL', `simulate ${signal}: ${f} left behind`);
            continue;
          }
          if (f.endsWith('.nii.gz')) await readNifti(join(out, f)); // complete and valid
        }
        counter.add();
      });
    }
    await pool(jobs);
    assertUnchanged(dir, inputs, 'inputs of the interrupted runs', () => true);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});

test('fault suite: fetches interrupted at random points and run concurrently', async (t) => {
  const counter = new CaseCounter('fetch interrupts');
  const template = randomBytes(600_000);
  const mask = randomBytes(100_000);
  const sums = Buffer.from(`${md5(template)}  MNI152_T1_1mm_brain.nii.gz\n${md5(mask)}  MNI152_T1_1mm_brain_mask.nii.gz\n`);
  const server = await startFaultServer({
    '/MNI152_T1_1mm_brain.nii.gz': { body: template, behaviour: { kind: 'dribble', bytes: 32 * 1024, everyMs: 20 } },
    '/MNI152_T1_1mm_brain_mask.nii.gz': { body: mask, behaviour: { kind: 'dribble', bytes: 32 * 1024, everyMs: 20 } },
    '/MD5SUMS': { body: sums },
  });
  const { dir, cleanup } = tempDir('nd-fault-fetch-');
  const fetch = (dataDir: string) => ['fetch', 'mni152', '--data-dir', dataDir, '--base-url', server.url, '--json'];
  const intact = (dataDir: string, what: string) => {
    const folder = join(dataDir, 'mni152');
    assert.equal(md5(readFileSync(join(folder, 'MNI152_T1_1mm_brain.nii.gz'))), md5(template), what);
    assert.equal(md5(readFileSync(join(folder, 'MNI152_T1_1mm_brain_mask.nii.gz'))), md5(mask), what);
    assert.deepEqual(leftovers(dataDir), [], `${what}: no lock or temporary left`);
    assert.deepEqual(readdirSync(folder).filter((f) => f.endsWith('.part')), [], `${what}: no partial download left`);
  };
  try {
    const jobs: (() => Promise<void>)[] = [];
    for (const signal of ['SIGINT', 'SIGKILL', 'SIGINT', 'SIGKILL'] as const) {
      jobs.push(async () => {
        const dataDir = join(dir, `cache-${signal}-${randomBytes(3).toString('hex')}`);
        const r = await cli(fetch(dataDir), { onStart: killAfter(signal, 200 + random() * 500) });
        assertInterruptedCleanly(r, signal, `fetch ${signal}`);
        // Whatever is under a final name is right; the rerun resumes and completes.
        for (const [name, body] of [['MNI152_T1_1mm_brain.nii.gz', template], ['MNI152_T1_1mm_brain_mask.nii.gz', mask]] as const) {
          const p = join(dataDir, 'mni152', name);
          if (existsSync(p)) assert.equal(md5(readFileSync(p)), md5(body), `fetch ${signal}: ${name}`);
        }
        const again = await cli(fetch(dataDir));
        assert.equal(again.status, 0, again.stderr);
        intact(dataDir, `fetch ${signal} then again`);
        counter.add();
      });
    }
    jobs.push(async () => {
      const dataDir = join(dir, 'shared-cache');
      const runs = await Promise.all([1, 2, 3].map(() => cli(fetch(dataDir))));
      for (const r of runs) assert.equal(r.status, 0, r.stderr);
      intact(dataDir, 'three concurrent fetches');
      counter.add();
    });
    await pool(jobs);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
    await server.close();
  }
});
