// Figures benchmark. (1) Each figure of a 1 mm MNI map (182x218x182: a blob plus noise filling a
// brain-sized ellipsoid, over the MNI152 1 mm template when ../shared has it), drawn and encoded
// to PNG: median of 3 (goal < 1 s each). (2) What `neurodecode demo` spends on its report (goal
// < 3 s), from the demo's own log line. (3) Bytes of a `neurodecode view` page for a 2 mm map of
// noisy scores (goal < 5 MB). Figures after the first reuse what they computed about the template
// (its bounding box, grey range, silhouettes: memoized per voxel array), as a report drawing several does. Prints JSON and writes bench/results/plotting.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NiftiImage, readNifti, writeNifti } from '@neurodecode/nifti-io';
import { anat, encodePng, glassBrain, roi, statMap, type Figure } from '@neurodecode/plotting/node';
import { machine, report } from './bench-util.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = join(root, 'apps', 'cli', 'bin', 'neurodecode.js');
const shared = process.env.NEURODECODE_SHARED ? resolve(process.env.NEURODECODE_SHARED) : resolve(root, '..', 'shared');
const templatePath = join(shared, 'data', 'templates', 'MNI152_T1_1mm_brain.nii.gz');

/** Deterministic noise in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** A score-like map on an MNI grid of `step` mm: chance-level noise in a brain-sized ellipsoid, a blob at (-38, -64, 12). */
function scoreMap(step: 1 | 2): NiftiImage {
  const shape = step === 1 ? [182, 218, 182] : [91, 109, 91];
  const [nx, ny, nz] = shape as [number, number, number];
  const data = new Float32Array(nx * ny * nz);
  const random = rng(step);
  for (let k = 0, p = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, p++) {
    const x = -step * i + 90, y = step * j - 126, z = step * k - 72;
    if ((x / 68) ** 2 + ((y + 18) / 100) ** 2 + ((z - 10) / 72) ** 2 > 1) continue;
    data[p] = 0.5 + 0.08 * (random() - 0.5) + 0.35 * Math.exp(-((x + 38) ** 2 + (y + 64) ** 2 + (z - 12) ** 2) / 72);
  }
  return new NiftiImage({ data, shape, affine: [[-step, 0, 0, 90], [0, step, 0, -126], [0, 0, step, -72], [0, 0, 0, 1]] });
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall and CPU seconds of drawing + PNG encoding (CPU seconds tell a busy shared machine from slow code). */
function timeFigure(draw: () => Figure): { seconds: number; cpu_seconds: number; width: number; height: number; png_bytes: number } {
  const times: number[] = [];
  const cpus: number[] = [];
  let last: { w: number; h: number; bytes: number } = { w: 0, h: 0, bytes: 0 };
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const fig = draw();
    const png = encodePng(fig);
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpus.push((c.user + c.system) / 1e6);
    last = { w: fig.width, h: fig.height, bytes: png.length };
  }
  return { seconds: Number(median(times).toFixed(3)), cpu_seconds: Number(median(cpus).toFixed(3)), width: last.w, height: last.h, png_bytes: last.bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'neurodecode-bench-plotting-'));
try {
  const bg = existsSync(templatePath) ? await readNifti(templatePath) : null;
  const map1 = scoreMap(1);
  const blobMask = map1.withData(Uint8Array.from(map1.data, (v) => (v > 0.7 ? 1 : 0)));
  const figures = {
    stat_map_ortho: timeFigure(() => statMap(map1, { bg, threshold: 0.6, cmap: 'black_red' })),
    stat_map_mosaic: timeFigure(() => statMap(map1, { bg, threshold: 0.6, displayMode: 'mosaic' })),
    glass_brain_ortho: timeFigure(() => glassBrain(map1, { brainMask: bg, threshold: 0.6 })),
    glass_brain_lyrz: timeFigure(() => glassBrain(map1, { brainMask: bg, threshold: 0.6, displayMode: 'lyrz' })),
    roi_contours: timeFigure(() => roi([{ img: blobMask, label: 'blob' }], { bg, style: 'contours' })),
    anat: timeFigure(() => anat(bg ?? map1)),
  };

  // The viewer page of a 2 mm map.
  const map2Path = join(dir, 'map2mm.nii.gz');
  await writeNifti(scoreMap(2), map2Path);
  const view = spawnSync(process.execPath, [cli, 'view', map2Path, '--threshold', '0.6', '--out', join(dir, 'view.html'), '--json', ...(bg ? ['--bg', templatePath] : ['--bg', 'none'])], { encoding: 'utf8' });
  const viewBytes = view.status === 0 ? (JSON.parse(view.stdout) as { bytes: number }).bytes : null;

  // The demo's report: the demo logs how long writing it took.
  const t0 = performance.now();
  const demo = spawnSync(process.execPath, [cli, 'demo', '--simulate', '--out', join(dir, 'demo')], { encoding: 'utf8', env: { ...process.env, NEURODECODE_DATA: join(dir, 'cache') } });
  const demoSeconds = (performance.now() - t0) / 1000;
  const m = /report written in ([\d.]+) s/.exec(demo.stderr);

  report('plotting', {
    benchmark: 'plotting',
    map_1mm: { shape: map1.shape, background: bg ? 'MNI152_T1_1mm_brain' : 'none (../shared absent)' },
    figures_1mm_seconds_median_of_3: figures,
    figure_goal_seconds: 1,
    viewer_page_2mm: { bytes: viewBytes, megabytes: viewBytes === null ? null : Number((viewBytes / 1e6).toFixed(2)), goal_megabytes: 5, error: view.status === 0 ? undefined : view.stderr.trim() },
    demo: { total_seconds: Number(demoSeconds.toFixed(1)), report_seconds: m ? Number(m[1]) : null, goal_report_seconds: 3, error: demo.status === 0 ? undefined : demo.stderr.trim().split('\n').at(-1) },
    machine: machine(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
