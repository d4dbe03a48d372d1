// Fault suite, the figure and page outputs (plot, view, and --report on the analysis commands):
// an output spelled as any input is refused before any work, and an interrupted writer leaves
// either nothing or the complete file under the final name (never a stray temporary on SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { folderDigest, rng, tempDir, writeTinySet } from '@neurodecode/testkit';
import { assertCleanFailure, assertInterruptedCleanly, assertUnchanged, CaseCounter, cli, killAfter, leftovers, pool, type Run } from './fault-kit.js';

test('fault suite: plot, view and --report never write over an input, however it is spelled', async (t) => {
  const counter = new CaseCounter('figure/page output = input');
  const { dir, cleanup } = tempDir('nd-fault-figs-');
  try {
    const set = writeTinySet(dir);
    mkdirSync(join(dir, 'sub'));
    // A labels file whose name ends in .html, so "--report labels.html" reaches the path check
    // (the extension check would refuse any other spelling first).
    const labelsHtml = join(dir, 'labels.html');
    copyFileSync(set.labels, labelsHtml);
    let n = 0;
    /** The spellings of `input` under a name ending in `ext`: symlink, hard link (and `..` when the name already fits). */
    const spellings = (input: string, ext: string): [string, string][] => {
      const sym = join(dir, `sym-${n}${ext}`);
      const hard = join(dir, `hard-${n++}${ext}`);
      symlinkSync(input, sym);
      linkSync(input, hard);
      const out: [string, string][] = [['symlink', sym], ['hardlink', hard]];
      if (input.endsWith(ext)) out.push(['dotdot', join(dir, 'sub', '..', input.slice(dir.length + 1))]);
      return out;
    };
    const cases: { what: string; args: string[]; expect: RegExp }[] = [];
    const map = set.mask;
    const bg = join(dir, 'bg.nii.gz');
    copyFileSync(set.mask, bg);
    for (const [flag, input] of [['img', map], ['--bg', bg]] as const) {
      for (const ext of ['.png', '.svg']) {
        for (const [how, spelled] of spellings(input, ext)) {
          cases.push({ what: `plot stat-map --out${ext} = ${flag} (${how})`, args: ['plot', 'stat-map', map, '--bg', bg, '--out', spelled], expect: new RegExp(`--out: .*given to ${flag}`) });
        }
      }
      for (const [how, spelled] of spellings(input, '.html')) {
        cases.push({ what: `view --out = ${flag} (${how})`, args: ['view', map, '--bg', bg, '--out', spelled], expect: new RegExp(`--out: .*given to ${flag}`) });
      }
    }
    const inputs = { '--func': set.bold, '--mask': set.mask, '--labels': labelsHtml };
    const analysis = (cmd: string): string[] => {
      const base = [cmd, '--func', set.bold, '--mask', set.mask, '--labels', labelsHtml, '--cv', 'kfold:2', '--json'];
      if (cmd === 'searchlight') return [...base, '--radius', '4', '--threads', '1', '--out', join(dir, 'scores.nii.gz')];
      if (cmd === 'permutation') return [...base, '--n-permutations', '5'];
      return base;
    };
    for (const cmd of ['decode', 'permutation', 'searchlight', 'spacenet']) {
      for (const [flag, input] of Object.entries(inputs)) {
        for (const [how, spelled] of spellings(input, '.html')) {
          // One spelling per input for the slower commands, every spelling for decode.
          if (cmd !== 'decode' && how !== 'symlink') continue;
          cases.push({ what: `${cmd} --report = ${flag} (${how})`, args: [...analysis(cmd), '--report', spelled], expect: new RegExp(`--report: .*given to ${flag}`) });
        }
      }
    }
    const before = folderDigest(dir);
    const runs = await pool(cases.map((c) => () => cli(c.args)));
    runs.forEach((r, i) => {
      counter.add();
      assertCleanFailure(r, cases[i]!.expect, cases[i]!.what);
    });
    assertUnchanged(dir, before, 'figure/page output = input cases');
    assert.ok(counter.count >= 25, `${counter.count} cases`);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});

test('fault suite: plot, view and decode --report interrupted at random points leave nothing partial', async (t) => {
  const counter = new CaseCounter('figure/page interrupts');
  const random = rng(1414);
  const { dir, cleanup } = tempDir('nd-fault-figint-');
  try {
    const set = writeTinySet(dir, { side: 8 });
    const inputs = folderDigest(dir);
    const commands: Record<string, (out: string) => string[]> = {
      plot: (out) => ['plot', 'stat-map', set.mask, '--bg', 'none', '--out', out, '--json'],
      svg: (out) => ['plot', 'glass-brain', set.mask, '--bg', 'none', '--out', out, '--json'],
      view: (out) => ['view', set.mask, '--bg', 'none', '--out', out, '--json'],
      report: (out) => ['decode', '--func', set.bold, '--mask', set.mask, '--labels', set.labels, '--cv', 'kfold:2', '--report', out, '--json'],
    };
    const ext: Record<string, string> = { plot: '.png', svg: '.svg', view: '.html', report: '.html' };
    // Uninterrupted runs: the reference bytes and each command's wall time.
    const reference: Record<string, { bytes: Buffer; ms: number }> = {};
    await pool(Object.entries(commands).map(([name, args]) => async () => {
      const out = join(dir, `ref-${name}${ext[name]}`);
      const started = Date.now();
      const r: Run = await cli(args(out));
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      reference[name] = { bytes: readFileSync(out), ms: Date.now() - started };
    }));
    const jobs: (() => Promise<void>)[] = [];
    for (const name of Object.keys(commands)) {
      for (const signal of ['SIGINT', 'SIGKILL'] as const) {
        jobs.push(async () => {
          const tag = `${name}-${signal}`;
          const out = join(dir, `${tag}${ext[name]}`);
          const delay = reference[name]!.ms * (0.4 + 0.6 * random());
          const r = await cli(commands[name]!(out), { onStart: killAfter(signal, delay) });
          assertInterruptedCleanly(r, signal, tag);
          if (existsSync(out)) {
            const bytes = readFileSync(out);
            // A report records timings, so it differs run to run; it must still be whole.
            if (name === 'report') assert.match(bytes.toString('utf8'), /<\/html>\s*$/, `${tag}: a report under the final name is complete`);
            else assert.deepEqual(bytes, reference[name]!.bytes, `${tag}: a file under the final name is complete`);
          }
          if (signal === 'SIGINT') assert.deepEqual(leftovers(dir).filter((f) => f.includes(tag)), [], `${tag}: temporaries removed`);
          counter.add();
        });
      }
    }
    await pool(jobs);
    assertUnchanged(dir, inputs, 'inputs of the interrupted figure and page writers', () => true);
    t.diagnostic(counter.report());
  } finally {
    cleanup();
  }
});
