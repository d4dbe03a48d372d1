#!/usr/bin/env node
// The consumer test: what a new user gets from the published packages, tried outside the
// workspace. Packs every public package (pnpm pack rewrites workspace ranges as a publish
// would), checks each tarball (LICENSE, README, engines, ranges, exports present, source maps
// carrying their sources, README links inside the package), installs the tarballs with npm into
// a temporary project (third-party dependencies come from the registry), then runs an ESM script,
// a CommonJS script, `tsc --strict` with skipLibCheck false under node16, nodenext and bundler
// resolution, the CLI from its bin, and an esbuild browser bundle of each browser-safe package
// that fails on any Node built-in, and last the README's lab-monorepo recipe (a pnpm workspace
// without hoisting, with a plugin scaffolded by `neurodecode plugin new`). The JSON summary has the packed and bundled sizes
// (bench/src/packaging.bench.ts records them in bench/results/packaging.json).
//
//   node scripts/consumer-test.mjs [--keep] [--sizes-only]
//
// Run after `pnpm build`. Prints one JSON summary on stdout; exits non-zero on the first failure.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { run, packageDirs, readJson, unpackTarball } from './consumer/lib.mjs';
import { checkTarball } from './consumer/check-tarball.mjs';
import { labMonorepo } from './consumer/lab-monorepo.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'scripts', 'consumer');
const keep = process.argv.includes('--keep');
const sizesOnly = process.argv.includes('--sizes-only');
/** Packages whose main entry must bundle for a browser with no Node built-in. */
export const BROWSER_SAFE = [
  'matrix',
  'nifti-io',
  'image-ops',
  'maskers',
  'estimators',
  'cv',
  'decoding',
  'searchlight',
  'plotting',
  'stats',
];

const t0 = performance.now();
const step = (what) => console.error(`consumer-test: ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
const work = mkdtempSync(join(tmpdir(), 'neurodecode-consumer-'));
const summary = { packages: {}, bundles: {} };
try {
  // 1. Pack every public package and check what a consumer would receive.
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const publics = packageDirs(root).filter((d) => !readJson(join(d, 'package.json')).private);
  const byName = new Map();
  for (const dir of publics) {
    const pkg = readJson(join(dir, 'package.json'));
    const out = run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir }).stdout.trim().split('\n').pop();
    const tgz = resolve(dir, out);
    const unpacked = unpackTarball(tgz, join(work, 'unpacked', pkg.name.replace('/', '+')));
    byName.set(pkg.name, { dir, tgz, unpacked, pkg });
    summary.packages[pkg.name] = { packed_bytes: statSync(tgz).size };
  }
  for (const [name, info] of byName) {
    Object.assign(summary.packages[name], checkTarball(info, byName, { browserSafe: BROWSER_SAFE.map((p) => `@neurodecode/${p}`) }));
  }
  step(`packed and checked ${byName.size} tarballs`);

  // 2. A fresh npm project outside the workspace. Every @neurodecode package resolves to its
  // tarball (the registry does not have them); a second copy of cv under another name stands in
  // for two versions installed side by side.
  const app = join(work, 'app');
  mkdirSync(app);
  const fileSpec = (name) => `file:${relative(app, byName.get(name).tgz)}`;
  const deps = Object.fromEntries([...byName.keys()].map((n) => [n, fileSpec(n)]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'neurodecode-consumer',
        private: true,
        type: 'module',
        dependencies: { ...deps, 'cv-second-copy': fileSpec('@neurodecode/cv') },
        devDependencies: { '@types/node': readJson(join(root, 'package.json')).devDependencies['@types/node'] },
        overrides: deps,
      },
      null,
      2,
    ),
  );
  if (!sizesOnly) {
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app });
    step('npm install');
    for (const f of ['esm.mjs', 'cjs.cjs', 'types.ts']) copyFileSync(join(fixtures, f), join(app, f));
    summary.esm = JSON.parse(run(process.execPath, ['esm.mjs'], { cwd: app }).stdout.trim().split('\n').pop());
    step('ESM script');
    summary.cjs = JSON.parse(run(process.execPath, ['cjs.cjs'], { cwd: app }).stdout.trim().split('\n').pop());
    step('CommonJS script');
    typeCheck(app);
    step('tsc under node16, nodenext, bundler (skipLibCheck false)');
    cliFromBin(app);
    step('CLI from its bin');
  } else {
    // Sizes only: bundle straight from the unpacked tarballs (no install needed for our code).
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', '--ignore-scripts'], { cwd: app });
  }

  // 3. Browser bundles from the installed packages (the `browser` condition).
  await browserBundles(app, summary);
  step('browser bundles');

  if (!sizesOnly) {
    summary.lab_monorepo = labMonorepo({ work, byName, appDir: app });
    step('lab monorepo recipe (pnpm, hoist=false, scaffolded plugin)');
  }
  summary.seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  process.stdout.write(JSON.stringify(summary) + '\n');
} finally {
  if (keep) console.error(`consumer-test: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

function typeCheck(app) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const base = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    noUnusedLocals: false,
  };
  const configs = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'esnext', moduleResolution: 'bundler' },
  };
  for (const [name, opts] of Object.entries(configs)) {
    const file = join(app, `tsconfig.${name}.json`);
    writeFileSync(file, JSON.stringify({ compilerOptions: { ...base, ...opts }, files: ['types.ts'] }, null, 2));
    run(process.execPath, [tsc, '-p', file], { cwd: app });
  }
}

function cliFromBin(app) {
  const bin = join(app, 'node_modules', '.bin', 'neurodecode');
  const help = run(bin, ['--help'], { cwd: app }).stdout;
  if (!/decode/.test(help) || !/searchlight/.test(help)) throw new Error(`neurodecode --help lists no commands:\n${help}`);
}

async function browserBundles(app, out) {
  const esbuild = createRequire(join(root, 'apps', 'demo', 'package.json'))('esbuild');
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const entries = join(app, 'browser-entries');
  mkdirSync(entries, { recursive: true });
  for (const short of BROWSER_SAFE) {
    const name = `@neurodecode/${short}`;
    const entry = join(entries, `${short}.mjs`);
    writeFileSync(entry, `export * from '${name}';\n`);
    const offenders = [];
    const result = await esbuild
      .build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        minify: true,
        format: 'esm',
        platform: 'browser',
        absWorkingDir: app,
        metafile: true,
        logLevel: 'silent',
        plugins: [
          {
            name: 'no-node-builtins',
            setup(build) {
              build.onResolve({ filter: /.*/ }, (args) => {
                if (builtins.has(args.path) || args.path.startsWith('node:')) {
                  offenders.push(`${args.path} (imported by ${relative(app, args.importer)})`);
                  return { path: args.path, external: true };
                }
                return undefined;
              });
            },
          },
        ],
      })
      .catch((err) => {
        throw new Error(`browser bundle of ${name} failed: ${err.message}`);
      });
    if (offenders.length) throw new Error(`browser bundle of ${name} pulls Node built-ins: ${offenders.join(', ')}`);
    const code = result.outputFiles[0].contents;
    out.bundles[name] = { bundled_bytes: code.length, bundled_gzip_bytes: gzipSync(code).length };
  }
}
