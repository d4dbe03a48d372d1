// Bundles the page (src/main.ts) and its Web Worker (src/worker.ts) into dist/web with the static
// files and TensorFlow.js's .wasm binaries, through the packages' browser entries. The build fails
// when a Node built-in (fs, path, worker_threads...) would reach the bundle, naming the importer,
// and it prints the size of what a browser downloads. Kept apart from dist/src and dist/test so
// the root test runner never sees browser code.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { noNodeBuiltins } from './no-node-builtins.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('../dist/web/');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { main: here('../src/main.ts'), worker: here('../src/worker.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox113', 'safari16.4'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  plugins: [noNodeBuiltins],
  // tfjs-core probes for Node's process object at run time; there is none in a browser.
  define: { 'process.env.NODE_ENV': '"production"' },
});
cpSync(here('../static/'), out, { recursive: true });

// SpaceNet's wasm backend fetches these next to the worker (setWasmPaths('tfjs/')).
const require = createRequire(import.meta.url);
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
mkdirSync(join(out, 'tfjs'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(out, 'tfjs', f));

const sizes = {};
let js = 0, jsGz = 0, wasm = 0, wasmGz = 0;
for (const f of ['main.js', 'worker.js']) {
  const bytes = readFileSync(join(out, f));
  const gz = gzipSync(bytes, { level: 9 }).length;
  sizes[f] = { bytes: bytes.length, gzip: gz };
  js += bytes.length; jsGz += gz;
}
for (const f of readdirSync(join(out, 'tfjs'))) {
  const bytes = readFileSync(join(out, 'tfjs', f));
  wasm += statSync(join(out, 'tfjs', f)).size;
  wasmGz += gzipSync(bytes, { level: 9 }).length;
}
const mb = (n) => (n / 1024 ** 2).toFixed(2);
console.log(`demo bundle: JavaScript ${mb(js)} MB (${mb(jsGz)} MB gzip: main.js ${mb(sizes['main.js'].gzip)}, worker.js ${mb(sizes['worker.js'].gzip)}); tfjs .wasm ${mb(wasm)} MB (${mb(wasmGz)} MB gzip, fetched only for SpaceNet)`);
