// Bundles viewer/main.ts with niivue into dist/viewer/viewer.js, the script `neurodecode view`
// and the reports inline into their self-contained HTML pages.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
mkdirSync(here('../dist/viewer/'), { recursive: true });
await build({
  entryPoints: [here('../viewer/main.ts')],
  outfile: here('../dist/viewer/viewer.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome111', 'firefox113', 'safari16.4'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
