// Fault suite, earlier outputs kept: group, predict, mask, image and decode --save-model are run
// once to leave outputs in place, then again onto the same outputs with a bad input (a real input
// file truncated at a random byte) or killed at a random point. A failed run must leave the output
// file or folder exactly as it was; a killed run may leave, per file, only the earlier bytes or a
// complete new file (never a partial one), and SIGINT no temporary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { folderDigest, rng, tempDir, writeTinySet } from '@neurodecode/testkit';
import { assertCleanFailure, assertInterruptedCleanly, assertUnchanged, CaseCounter, cli, killAfter, leftovers, pool } from './fault-kit.js';

const random = rng(4242);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A copy of `file` cut at a random byte past its first 20 (a download or copy that stopped early). */
function truncatedCopy(file: string, to: string): string {
  const bytes = readFileSync(file);
  writeFileSync(to, bytes.subarray(0, 20 + Math.floor(random() * (bytes.length - 21))));
  return to;
}

interface Command {
  name: string;
  /** The outputs this command writes (files or a folder), relative to the test folder. */
  outputs: string[];
  /** Leaves the earlier outputs. */
  first: string[];
  /** Onto the same outputs with different settings (different bytes), for the killed runs. */
  second: string[];
  /** Onto the same outputs with a bad input; `expect` matches the error line. */
  bad: () => { args: string[]; expect: RegExp; what: string }[];
}

test('fault suite: group, predict, mask, image and decode --save-model keep earlier outputs when a run fails or is killed', async (t) => {
  const counter = new CaseCounter('earlier outputs kept');
  const { dir, cleanup } = tempDir('nd-fault-state-');
  try {
    const set = writeTinySet(dir, { side: 8 });
    const at = (name: string) => join(dir, name);
    // Six subject "accuracy maps" on a 4 mm grid for group, and a small ROI for mask dilate.
    const affine = [[4, 0, 0, 0], [0, 4, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]];
    const maps: string[] = [];
    for (let s = 0; s < 6; s++) {
      const data = Float32Array.from({ length: 512 }, (_x, v) => 0.5 + (random() - 0.5) * 0.2 + (v % 9 < 3 ? 0.08 : 0));
      maps.push(at(`map${s}.nii.gz`));
      await writeNifti(new NiftiImage({ data, shape: [8, 8, 8], affine }), maps[s]!);
    }
    const groupMask = at('group-mask.nii.gz');
    await writeNifti(new NiftiImage({ data: new Uint8Array(512).fill(1), shape: [8, 8, 8], affine }), groupMask);
    const roi = at('roi.nii.gz');
    await writeNifti(new NiftiImage({ data: Uint8Array.from({ length: 512 }, (_x, v) => (v === 219 || v === 300 ? 1 : 0)), shape: [8, 8, 8], affine }), roi);
    const decodeArgs = (func: string) => ['decode', '--func', func, '--mask', set.mask, '--labels', set.labels, '--json'];
    const model = at('model.ndm');
    const cut = (file: string) => truncatedCopy(file, at(`cut-${random().toString(36).slice(2, 8)}-${basename(file)}`));
    const badFile = (args: (bad: string) => string[], file: string, what: string) => () => {
      const bad = cut(file);
      return [{ args: args(bad), expect: new RegExp(escape(basename(bad))), what: `${what} (${statSync(bad).size} bytes)` }];
    };
    const groupArgs = (mapFiles: string[], seed: string) => ['group', '--maps', ...mapFiles, '--mask', groupMask, '--chance', '0.5', '--n-perm', '1000', '--tfce', '--threads', '1', '--seed', seed, '--out', at('group-out'), '--json'];
    const commands: Command[] = [
      {
        name: 'group',
        outputs: ['group-out'],
        first: groupArgs(maps, '0'),
        second: groupArgs(maps, '1'),
        bad: () => {
          const i = Math.floor(random() * maps.length);
          return badFile((b) => groupArgs(maps.map((m, j) => (j === i ? b : m)), '0'), maps[i]!, `group, map ${i} truncated`)();
        },
      },
      {
        name: 'decode --save-model',
        outputs: ['model.ndm'],
        first: [...decodeArgs(set.bold), '--cv', 'kfold:2', '--save-model', model],
        // The same fit as the first settings: predict's complete outputs are computed once, so the
        // model present when predict is killed must predict what it predicted then.
        second: [...decodeArgs(set.bold), '--cv', 'kfold:2', '--save-model', model],
        bad: badFile((b) => [...decodeArgs(b), '--cv', 'kfold:2', '--save-model', model], set.bold, 'decode --save-model, func truncated'),
      },
      {
        name: 'predict',
        outputs: ['predictions.tsv'],
        first: ['predict', '--model', model, '--func', set.bold, '--labels', set.labels, '--out', at('predictions.tsv'), '--json'],
        second: ['predict', '--model', model, '--func', set.bold, '--out', at('predictions.tsv'), '--json'],
        bad: () => [
          ...badFile((b) => ['predict', '--model', model, '--func', b, '--out', at('predictions.tsv'), '--json'], set.bold, 'predict, func truncated')(),
          ...badFile((b) => ['predict', '--model', b, '--func', set.bold, '--out', at('predictions.tsv'), '--json'], model, 'predict, model truncated')(),
        ],
      },
      {
        name: 'mask',
        outputs: ['dilated.nii.gz'],
        first: ['mask', 'dilate', roi, '--out', at('dilated.nii.gz'), '--json'],
        second: ['mask', 'dilate', roi, '--iterations', '2', '--out', at('dilated.nii.gz'), '--json'],
        bad: badFile((b) => ['mask', 'dilate', b, '--out', at('dilated.nii.gz'), '--json'], roi, 'mask dilate, mask truncated'),
      },
      {
        name: 'image',
        outputs: ['smooth.nii.gz'],
        first: ['image', 'smooth', set.bold, '--fwhm', '6', '--out', at('smooth.nii.gz'), '--json'],
        second: ['image', 'smooth', set.bold, '--fwhm', '4', '--out', at('smooth.nii.gz'), '--json'],
        bad: badFile((b) => ['image', 'smooth', b, '--fwhm', '6', '--out', at('smooth.nii.gz'), '--json'], set.bold, 'image smooth, image truncated'),
      },
    ];
    /** Digest of a command's outputs (file name -> sha256), folders walked. */
    const digestOf = (c: Command) => {
      const out = new Map<string, string>();
      const all = folderDigest(dir);
      for (const o of c.outputs) for (const [name, d] of all) if (name === o || name.startsWith(`${o}/`)) out.set(name, d);
      return out;
    };
    // The first runs in order (predict needs decode's model), each command's wall time measured.
    const wallMs: Record<string, number> = {};
    const before: Record<string, Map<string, string>> = {};
    const secondBytes: Record<string, Map<string, string>> = {};
    for (const c of commands) {
      const started = Date.now();
      const r = await cli(c.first);
      assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
      wallMs[c.name] = Date.now() - started;
      before[c.name] = digestOf(c);
      assert.ok(before[c.name]!.size > 0, `${c.name}: wrote its outputs`);
    }
    // What a complete run with the second settings writes.
    for (const c of commands) {
      const r = await cli(c.second);
      assert.equal(r.status, 0, `${c.name} second: ${r.stderr}`);
      secondBytes[c.name] = digestOf(c);
      if (c.name !== 'decode --save-model') assert.notDeepEqual(secondBytes[c.name], before[c.name], `${c.name}: the second settings write other bytes`);
    }
    // Put the first outputs back (the second runs replaced them): rerun the first settings.
    for (const c of commands) {
      const r = await cli(c.first);
      assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
      before[c.name] = digestOf(c);
    }
    const inputs = new Map([...folderDigest(dir)].filter(([name]) => !commands.some((c) => c.outputs.some((o) => name === o || name.startsWith(`${o}/`)))));

    const jobs: (() => Promise<void>)[] = [];
    // Bad inputs: one clean error line, the outputs exactly as before. A random cut each.
    for (const c of commands) {
      jobs.push(async () => {
        for (const b of c.bad()) {
          const r = await cli(b.args);
          assertCleanFailure(r, b.expect, b.what);
          assert.deepEqual(digestOf(c), before[c.name], `${b.what}: the earlier outputs are untouched`);
          counter.add();
        }
      });
    }
    // Killed runs with the second settings: per file, the earlier bytes or the complete new ones.
    // decode --save-model writes a model with its fit time in it, so a replaced model is checked by
    // using it instead (predict must accept it).
    // decode's last: a replaced model would change what a complete predict run writes.
    const killOrder = [...commands.filter((c) => c.name !== 'decode --save-model'), commands[1]!];
    for (const c of killOrder) {
      for (const signal of ['SIGINT', 'SIGKILL'] as const) {
        jobs.push(async () => {
          const strays = new Set(leftovers(dir));
          const what = `${c.name} killed by ${signal}`;
          const delay = wallMs[c.name]! * (0.2 + 0.8 * random());
          const r = await cli(c.second, { onStart: killAfter(signal, delay) });
          assertInterruptedCleanly(r, signal, what);
          const now = digestOf(c);
          for (const name of new Set([...before[c.name]!.keys(), ...now.keys()])) {
            const d = now.get(name);
            if (c.name === 'decode --save-model') {
              assert.ok(d, `${what}: ${name} vanished`);
              if (d !== before[c.name]!.get(name)) {
                const check = await cli(['predict', '--model', model, '--func', set.bold, '--out', at(`check-${signal}.tsv`), '--json']);
                assert.equal(check.status, 0, `${what}: the replaced model is complete: ${check.stderr}`);
              }
              continue;
            }
            assert.ok(d === before[c.name]!.get(name) || d === secondBytes[c.name]!.get(name), `${what}: ${name} is neither the earlier file nor a complete new one`);
          }
          if (signal === 'SIGINT') assert.deepEqual(leftovers(dir).filter((f) => !strays.has(f)), [], `${what}: temporaries removed`);
          counter.add();
        });
      }
    }
    // The model is shared by predict's cases and decode's: run them one at a time.
    await pool(jobs, 1);
    // The inputs never change (new files: the truncated copies, check predictions, SIGKILL's temporaries).
    assertUnchanged(dir, inputs, 'inputs', () => true);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});
