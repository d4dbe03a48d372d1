// What a consumer receives in one tarball, checked: the manifest (license, engines, repository,
// ranges of internal dependencies), the files (LICENSE, README, every exported path), source maps
// that carry or reach their sources, and README references that stay inside the package.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

function fail(name, message) {
  throw new Error(`${name}: ${message}`);
}

function walk(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Every file path named in an exports map (conditions nested at any depth). */
function exportTargets(exp, out = []) {
  if (typeof exp === 'string') out.push(exp);
  else if (exp && typeof exp === 'object') for (const v of Object.values(exp)) exportTargets(v, out);
  return out;
}

/**
 * Check one unpacked tarball. `byName` maps every packed package name to its info, so internal
 * dependencies can be checked against what is actually published.
 */
export function checkTarball({ unpacked, pkg: source }, byName, { browserSafe }) {
  const name = source.name;
  const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
  for (const file of ['LICENSE', 'README.md']) if (!existsSync(join(unpacked, file))) fail(name, `tarball has no ${file}`);
  if (!/MIT License/.test(readFileSync(join(unpacked, 'LICENSE'), 'utf8')) || pkg.license !== 'MIT')
    fail(name, 'license is not MIT in both LICENSE and package.json');
  if (!pkg.engines?.node) fail(name, 'package.json declares no engines.node');
  if (!pkg.repository?.url || !pkg.homepage) fail(name, 'package.json has no repository or homepage');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) fail(name, `${field}.${dep} is still "${range}"`);
      if (!dep.startsWith('@neurodecode/')) continue;
      const target = byName.get(dep);
      if (!target) fail(name, `${field}.${dep}: not a published package (private or missing)`);
      // A caret range, not an exact pin: two packages that need the same internal package at
      // compatible versions must be able to share one copy.
      if (range !== `^${target.pkg.version}`) fail(name, `${field}.${dep} is "${range}", expected "^${target.pkg.version}"`);
    }
  }
  const targets = [...exportTargets(pkg.exports), pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})].filter(Boolean);
  for (const t of targets) if (!existsSync(join(unpacked, t))) fail(name, `package.json names ${t}, which is not in the tarball`);
  if (browserSafe.includes(name) && !pkg.exports?.['.']?.browser) fail(name, 'main export has no "browser" condition');

  const files = walk(unpacked);
  let maps = 0;
  for (const file of files.filter((f) => f.endsWith('.js.map'))) {
    const map = JSON.parse(readFileSync(file, 'utf8'));
    map.sources.forEach((src, i) => {
      const content = map.sourcesContent?.[i];
      if (typeof content !== 'string' && !existsSync(resolve(dirname(file), map.sourceRoot ?? '', src))) {
        fail(name, `${relative(unpacked, file)}: source ${src} is neither inlined nor shipped`);
      }
    });
    maps++;
  }
  checkReadme(name, unpacked);
  const unpackedBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  return { files: files.length, source_maps: maps, unpacked_bytes: unpackedBytes };
}

/**
 * README references a consumer cannot follow: relative links, and paths in code spans that point
 * into the repository (../, ./, or a top-level folder of the repo) but are not in the tarball.
 */
function checkReadme(name, unpacked) {
  const text = readFileSync(join(unpacked, 'README.md'), 'utf8');
  const refs = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (target && !/^[a-z]+:/i.test(target)) refs.push(target);
  }
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const path = m[1];
    if (/^\.\.?\//.test(path) || /^(test|src|scripts|bench|examples|packages|apps|docs)\/[\w./-]+$/.test(path)) refs.push(path);
  }
  for (const ref of refs) {
    if (!existsSync(resolve(unpacked, ref))) fail(name, `README refers to ${ref}, which a consumer does not have`);
  }
}
