// esbuild plugin: the page's bundle must hold no Node built-in (the packages' browser entries
// keep them out); the build fails naming the module that imports one.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The "browser" field of the package that holds `file` (nearest package.json upwards). */
function browserField(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return typeof pkg.browser === 'object' && pkg.browser ? pkg.browser : {};
    } catch {
      // no package.json here: keep walking up
    }
  }
  return {};
}

/**
 * Fail the build on any Node built-in, naming the module that imports it. The one exception is
 * a third-party package that maps the built-in to false in its own "browser" field (emscripten's
 * and seedrandom's Node-only branches): esbuild then bundles an empty module, so nothing of Node
 * reaches the page.
 */
export const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!builtins.has(args.path) && !args.path.startsWith('node:')) return undefined;
      if (args.importer && browserField(args.importer)[args.path] === false) return undefined;
      return { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}: the page must use the packages' browser entries` }] };
    });
  },
};
