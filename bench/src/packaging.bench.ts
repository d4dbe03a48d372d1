// Package sizes a consumer pays for: each public package's packed tarball (and unpacked files),
// and the minified browser bundle (and its gzip size) of each browser-safe package's main entry,
// as built by the consumer test from the packed tarballs. Prints one JSON object and writes
// bench/results/packaging.json.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, report } from './bench-util.js';

interface PackageFigures { packed_bytes: number; unpacked_bytes: number; files: number }
interface BundleFigures { bundled_bytes: number; bundled_gzip_bytes: number }
interface Summary { packages: Record<string, PackageFigures>; bundles: Record<string, BundleFigures>; seconds: number }

const root = fileURLToPath(new URL('../../..', import.meta.url));
const r = spawnSync(process.execPath, [join(root, 'scripts', 'consumer-test.mjs'), '--sizes-only'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (r.status !== 0) throw new Error(`consumer-test --sizes-only exited ${r.status}`);
const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Summary;
const pick = <T, K extends keyof T>(o: Record<string, T>, k: K) => Object.fromEntries(Object.entries(o).map(([n, v]) => [n, v[k]]));
report('packaging', {
  benchmark: 'packaging',
  machine: machine(),
  packed_bytes: pick(summary.packages, 'packed_bytes'),
  unpacked_bytes: pick(summary.packages, 'unpacked_bytes'),
  browser_bundle_bytes: pick(summary.bundles, 'bundled_bytes'),
  browser_bundle_gzip_bytes: pick(summary.bundles, 'bundled_gzip_bytes'),
  seconds: summary.seconds,
});
