// The README's lab-monorepo recipe, built for real: a pnpm workspace (hoist=false, so each
// package sees only its own dependencies) with the lab's analysis package and its own estimator
// plugin scaffolded by `neurodecode plugin new`, both depending on the published packages (here
// the packed tarballs, through pnpm overrides). The plugin builds and passes its own tests; the
// analysis script uses it by name in the Decoder and in a 2-thread searchlight; the CLI loads it
// with --plugin from the analysis folder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './lib.mjs';

const ANALYSIS = `// Lab analysis: the lab's own plugin, by name, in the Decoder and a 2-thread searchlight.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'lab-knn';
import { createEstimator } from '@neurodecode/estimators';
import { Decoder } from '@neurodecode/decoding';
import { searchlight } from '@neurodecode/searchlight';
import { simulateFmri } from '@neurodecode/datasets';
import { NiftiMasker } from '@neurodecode/maskers';
import { LeaveOneGroupOut } from '@neurodecode/cv';

const out = mkdtempSync(join(tmpdir(), 'lab-'));
try {
  const set = await simulateFmri({ outDir: out, volumes: 40, shape: [10, 12, 8], runs: 4, snr: 2, seed: 9 });
  const rows = readFileSync(set.labels, 'utf8').trim().split('\\n').slice(1).map((l) => l.trim().split(/[\\s,]+/));
  const y = rows.map((r) => r[0]);
  const groups = rows.map((r) => Number(r[1]));
  const X = await new NiftiMasker({ maskImg: set.mask }).fitTransform(set.bold);
  assert.equal(createEstimator('lab-knn', { nNeighbors: 3 }).fit(X, y).predict(X).length, 40);
  const decoder = new Decoder({ estimator: 'lab-knn', cv: new LeaveOneGroupOut(), screeningPercentile: null });
  decoder.fitMatrix(X, y, { groups });
  // Imported here only: the workers learn the plugin's module from the registry.
  const byName = await searchlight({ func: set.bold, mask: set.mask, y, groups, cv: 'logo', radius: 4, estimator: 'lab-knn', threads: 2 });
  assert.equal(byName.threads, 2);
  assert.equal(byName.kernel, 'plugin');
  // Named as a module to load, resolved from this file's folder (hoist=false: only we can see it).
  const byModule = await searchlight({ func: set.bold, mask: set.mask, y, groups, cv: 'logo', radius: 4, estimator: { name: 'lab-knn', modules: ['lab-knn'], from: import.meta.url }, threads: 2 });
  assert.deepEqual(Array.from(byModule.scores), Array.from(byName.scores));
  console.log(JSON.stringify({ lab: 'ok', spheres: byName.nSpheres, decoder_folds: Object.values(decoder.cvScores)[0].length }));
} finally {
  rmSync(out, { recursive: true, force: true });
}
`;

export function labMonorepo({ work, byName, appDir }) {
  const lab = join(work, 'lab');
  const analysis = join(lab, 'packages', 'analysis');
  mkdirSync(analysis, { recursive: true });
  const overrides = Object.fromEntries([...byName].map(([name, info]) => [name, `file:${info.tgz}`]));
  const version = byName.get('@neurodecode/estimators').pkg.version;
  writeFileSync(join(lab, 'package.json'), JSON.stringify({ name: 'lab', private: true, pnpm: { overrides } }, null, 2));
  writeFileSync(join(lab, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  writeFileSync(join(lab, '.npmrc'), 'hoist=false\n');
  const deps = ['cli', 'cv', 'datasets', 'decoding', 'estimators', 'maskers', 'searchlight'].map((p) => [
    `@neurodecode/${p}`,
    `^${version}`,
  ]);
  writeFileSync(
    join(analysis, 'package.json'),
    JSON.stringify(
      {
        name: 'analysis',
        private: true,
        type: 'module',
        dependencies: { ...Object.fromEntries(deps), 'lab-knn': 'workspace:^' },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(analysis, 'run.mjs'), ANALYSIS);
  // The lab's plugin, scaffolded by the published CLI.
  const neurodecode = join(appDir, 'node_modules', '.bin', 'neurodecode');
  run(neurodecode, ['plugin', 'new', 'lab-knn', '--dir', join(lab, 'packages', 'lab-knn'), '--json'], { cwd: lab });
  run('pnpm', ['install', '--prefer-offline', '--config.confirmModulesPurge=false'], { cwd: lab, env: { CI: 'true' } });
  run('pnpm', ['-r', 'run', 'build'], { cwd: lab });
  run('pnpm', ['--filter', 'lab-knn', 'test'], { cwd: lab });
  const result = JSON.parse(run(process.execPath, ['run.mjs'], { cwd: analysis }).stdout.trim().split('\n').pop());
  // The CLI from the analysis folder, loading the lab's plugin by name.
  run(
    process.execPath,
    [
      join(appDir, 'node_modules', '@neurodecode', 'cli', 'bin', 'neurodecode.js'),
      'simulate',
      '--out',
      'sim',
      '--volumes',
      '40',
      '--seed',
      '4',
      '--json',
    ],
    { cwd: analysis },
  );
  const sl = JSON.parse(
    run(
      'pnpm',
      [
        'exec',
        'neurodecode',
        'searchlight',
        '--func',
        'sim/bold.nii.gz',
        '--mask',
        'sim/mask.nii.gz',
        '--labels',
        'sim/labels.txt',
        '--targets',
        'face,house',
        '--radius',
        '4',
        '--threads',
        '2',
        '--plugin',
        'lab-knn',
        '--estimator',
        'lab-knn',
        '--out',
        'sl.nii.gz',
        '--json',
      ],
      { cwd: analysis },
    ).stdout,
  );
  if (sl.kernel !== 'plugin' || sl.threads !== 2) throw new Error(`lab CLI searchlight: kernel ${sl.kernel}, threads ${sl.threads}`);
  // The plugin by relative path (a package folder), and --coef-out with a non-linear estimator:
  // a warning, the scores still printed, exit 0, no coefficient image.
  const dec = JSON.parse(
    run(
      'pnpm',
      [
        'exec',
        'neurodecode',
        'decode',
        '--func',
        'sim/bold.nii.gz',
        '--mask',
        'sim/mask.nii.gz',
        '--labels',
        'sim/labels.txt',
        '--targets',
        'face,house',
        '--cv',
        'logo',
        '--plugin',
        '../lab-knn',
        '--estimator',
        'lab-knn',
        '--coef-out',
        'coef.nii.gz',
        '--json',
      ],
      { cwd: analysis },
    ).stdout,
  );
  if (
    !(dec.cv_scores?.length > 0) ||
    dec.coef_out !== null ||
    !/--coef-out: estimator "lab-knn" has no linear coefficients/.test(dec.warnings?.[0] ?? '') ||
    existsSync(join(analysis, 'coef.nii.gz'))
  ) {
    throw new Error(`lab CLI decode --coef-out with a non-linear plugin: ${JSON.stringify(dec)}`);
  }
  return { ...result, cli_searchlight: 'ok', cli_decode_coef_out_warning: 'ok' };
}
