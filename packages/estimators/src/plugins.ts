// @neurodecode/estimators/plugins (Node only): find and import plugin modules the way Node's ESM
// loader would from a given folder, so an ESM-only package (`exports` with `import` only), a
// relative path, and a package installed by pnpm without hoisting all load. require.resolve is
// not used: it applies CommonJS conditions and cannot see `import`-only exports.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CONDITIONS = ['node', 'import', 'default'];

/** A folder given as a path or a file: URL (of a folder or of a file inside it). */
function folderOf(from: string): string {
  const path = from.startsWith('file:') ? fileURLToPath(from) : resolve(from);
  return existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
}

function isPathLike(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier);
}

/** The target of an `exports` value under Node's ESM conditions, or undefined. */
function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = conditionalTarget(v);
      if (t) return t;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (!CONDITIONS.includes(key)) continue;
      const t = conditionalTarget(v);
      if (t) return t;
    }
  }
  return undefined;
}

/** Resolve `subpath` ('.' or './x') through a package's `exports`, including `*` patterns. */
function exportsTarget(exportsField: unknown, subpath: string): string | undefined {
  const map =
    typeof exportsField === 'string' ||
    Array.isArray(exportsField) ||
    (exportsField && typeof exportsField === 'object' && !Object.keys(exportsField).some((k) => k.startsWith('.')))
      ? { '.': exportsField }
      : (exportsField as Record<string, unknown>);
  if (subpath in map) return conditionalTarget(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const head = key.slice(0, star),
      tail = key.slice(star + 1);
    if (subpath.startsWith(head) && subpath.endsWith(tail) && subpath.length >= key.length - 1) {
      const target = conditionalTarget(value);
      return target?.replaceAll('*', subpath.slice(head.length, subpath.length - tail.length));
    }
  }
  return undefined;
}

/** The entry file of the package in `dir` for `subpath`, following exports, then main. */
function packageEntry(dir: string, subpath: string, specifier: string): string {
  const manifest = join(dir, 'package.json');
  const pkg = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string }) : {};
  if (pkg.exports !== undefined) {
    const target = exportsTarget(pkg.exports, subpath);
    if (!target) throw new Error(`"${specifier}": the package at ${dir} exports no "${subpath}" for import`);
    return join(dir, target);
  }
  if (subpath !== '.') return join(dir, subpath);
  return join(dir, pkg.main ?? 'index.js');
}

/**
 * The file URL Node's ESM loader would import for `specifier` from the folder `from` (a path or a
 * file: URL; a file's URL stands for its folder). Paths are taken relative to that folder; a
 * folder path loads its package entry (exports, else main); bare names are looked up in the
 * node_modules folders above it. The URL is the real path, as the loader uses.
 */
export function resolvePlugin(specifier: string, from: string = process.cwd()): string {
  if (typeof specifier !== 'string' || specifier === '') throw new TypeError('plugin: expected a module name or path');
  let file: string;
  if (specifier.startsWith('file:')) {
    file = fileURLToPath(specifier);
  } else if (isPathLike(specifier)) {
    file = resolve(folderOf(from), specifier);
    if (existsSync(file) && statSync(file).isDirectory()) file = packageEntry(file, '.', specifier);
  } else {
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
    let dir: string | undefined;
    for (let d = folderOf(from); ; d = dirname(d)) {
      const candidate = join(d, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        dir = candidate;
        break;
      }
      if (dirname(d) === d) break;
    }
    if (!dir) throw new Error(`"${specifier}": no package of that name in the node_modules folders above ${folderOf(from)}`);
    file = packageEntry(dir, subpath, specifier);
  }
  if (!existsSync(file)) throw new Error(`"${specifier}": ${file} does not exist`);
  return pathToFileURL(realpathSync(file)).href;
}

/**
 * Import plugin modules (each registers its estimators as it loads), resolved from `from` with
 * resolvePlugin. Returns their URLs. Errors name the plugin and say whether it was not found or
 * failed while loading.
 */
export async function loadPlugins(specifiers: readonly string[], from: string = process.cwd(), what = 'plugin'): Promise<string[]> {
  const urls: string[] = [];
  for (const specifier of specifiers) {
    let url: string;
    try {
      url = resolvePlugin(specifier, from);
    } catch (err) {
      throw new Error(
        `${what}: cannot find ${(err as Error).message.startsWith('"') ? (err as Error).message : `"${specifier}" (${(err as Error).message})`}`,
      );
    }
    try {
      await import(url);
    } catch (err) {
      throw new Error(`${what}: loading "${specifier}" failed (${(err as Error).message})`);
    }
    urls.push(url);
  }
  return urls;
}
