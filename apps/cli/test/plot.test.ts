import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NiftiImage, writeNifti } from '@neurodecode/nifti-io';
import { colourCentroid, chroma, viewAxes, readPngPixels, pngDpi, type Panel, type View } from '@neurodecode/plotting/node';
import { dataPath, skipWithoutShared, tempDir } from '@neurodecode/testkit';
import { expectOneLineError, parseJsonResult, runCliAsync, type CliResult } from './helpers.js';
import { readFileSync } from 'node:fs';

const BLOB: [number, number, number] = [-38, -64, 12];
const skip = skipWithoutShared();

/** The Gaussian blob (sigma 6 mm, peak 5) at BLOB on the 2 mm MNI grid, written to `path`. */
async function writeBlob(path: string, binary = false): Promise<void> {
  const [nx, ny, nz] = [91, 109, 91];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const r2 = (-2 * i + 90 - BLOB[0]) ** 2 + (2 * j - 126 - BLOB[1]) ** 2 + (2 * k - 72 - BLOB[2]) ** 2;
    data[i + nx * (j + ny * k)] = binary ? Number(r2 < 100) : 5 * Math.exp(-r2 / 72);
  }
  await writeNifti(new NiftiImage({ data, shape: [nx, ny, nz], affine: [[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]] }), path);
}

/** Every panel with coloured pixels has their centroid, mapped through the --json layout, within 6 mm of the blob. */
async function checkCentroids(out: { out: string; width: number; height: number; panels: Panel[] }, what: string): Promise<number> {
  const png = await readPngPixels(out.out);
  assert.equal(png.width, out.width);
  assert.equal(png.height, out.height);
  let coloured = 0;
  for (const p of out.panels) {
    const c = colourCentroid(png.data, png.width, p, chroma(80));
    if (c.n === 0) continue;
    coloured++;
    const a = viewAxes(p.view as View);
    const d = Math.hypot(c.h - BLOB[a.h], c.v - BLOB[a.v]);
    assert.ok(d < 6, `${what} ${p.view}${p.cut === undefined ? '' : '=' + p.cut}: colour centroid ${d.toFixed(1)} mm from the blob`);
  }
  return coloured;
}

test('plot stat-map and glass-brain: the blob lands where the --json layout says, every display mode', { skip }, async () => {
  const { dir, cleanup } = tempDir('plot-');
  try {
    const blob = join(dir, 'blob.nii.gz');
    await writeBlob(blob);
    const bg = dataPath('templates', 'MNI152_T1_1mm_brain.nii.gz')!;
    const runs: [string, string[], number][] = [
      ['stat-map', ['--display-mode', 'ortho'], 3],
      ['stat-map', ['--display-mode', 'mosaic'], 3],
      ['stat-map', ['--display-mode', 'x', '--cut-coords', '3'], 1],
      ['stat-map', ['--display-mode', 'y', '--cut-coords', '-64,-60'], 2],
      ['stat-map', ['--display-mode', 'z', '--dpi', '150'], 1],
      ['glass-brain', ['--display-mode', 'ortho'], 3],
      ['glass-brain', ['--display-mode', 'lyrz'], 3],
      // The blob is in the left hemisphere: a view from the right ('r') shows nothing of it.
      ...([['x', 1], ['y', 1], ['z', 1], ['l', 1], ['r', 0], ['xz', 2], ['yz', 2], ['yx', 2], ['lzry', 3], ['lyr', 2]] as const)
        .map(([mode, n]): [string, string[], number] => ['glass-brain', ['--display-mode', mode], n]),
    ];
    // Four at a time: each process holds the 1 mm template.
    const results: CliResult[] = [];
    for (let start = 0; start < runs.length; start += 4) {
      results.push(...await Promise.all(runs.slice(start, start + 4).map(([kind, extra], k) =>
        runCliAsync('plot', kind, blob, '--bg', bg, '--threshold', '1', '--out', join(dir, `f${start + k}.png`), '--json', ...extra))));
    }
    for (let i = 0; i < runs.length; i++) {
      const [kind, extra, minColoured] = runs[i]!;
      const out = parseJsonResult(results[i]!);
      assert.equal(out.out, join(dir, `f${i}.png`));
      const coloured = await checkCentroids(out, `${kind} ${extra.join(' ')}`);
      assert.ok(coloured >= minColoured, `${kind} ${extra.join(' ')}: ${coloured} panels coloured`);
      if (kind === 'glass-brain') {
        const mode = extra[1]!;
        assert.equal(out.panels.map((p: Panel) => p.view).join(''), mode === 'ortho' ? 'xyz' : mode);
        if (minColoured === 0) assert.equal(coloured, 0, 'nothing coloured in the right view');
      }
      if (kind === 'stat-map') assert.ok(out.notices.some((n: string) => n.startsWith('bg: on a different grid')));
    }
    assert.equal(pngDpi(readFileSync(join(dir, 'f4.png'))), 150);
    assert.deepEqual(parseJsonResult(results[6]!).panels.map((p: Panel) => p.view), ['l', 'y', 'r', 'z']);
  } finally { cleanup(); }
});

test('plot roi, anat, epi, svg output, and --bg none without a cached template', { skip }, async () => {
  const { dir, cleanup } = tempDir('plot-');
  try {
    const blob = join(dir, 'blob.nii.gz');
    await writeBlob(blob);
    const sphere = join(dir, 'sphere.nii.gz');
    await writeBlob(sphere, true);
    const tpl = dataPath('templates', 'MNI152_T1_1mm_brain.nii.gz')!;
    const eye = dataPath('templates', 'MNI152_T1_1mm_eye.nii.gz')!;
    const [r1, r2, r3, r4] = await Promise.all([
      runCliAsync('plot', 'roi', eye, sphere, '--labels', 'eyes,blob', '--colors', 'red,#00ff00', '--bg', tpl, '--style', 'contours', '--cut-coords', '-38,-64,12', '--out', join(dir, 'roi.png'), '--json'),
      runCliAsync('plot', 'anat', tpl, '--display-mode', 'z', '--cut-coords', '5', '--out', join(dir, 'anat.png'), '--json'),
      runCliAsync('plot', 'epi', dataPath('haxby-slice', 'bold.nii.gz')!, '--volume', '3', '--out', join(dir, 'epi.svg'), '--json'),
      runCliAsync('plot', 'stat-map', blob, '--bg', 'none', '--out', join(dir, 'nobg.png'), '--json'),
    ]);
    const roi = parseJsonResult(r1!);
    const png = await readPngPixels(roi.out);
    const green = colourCentroid(png.data, png.width, roi.panels[2], (r, g, b) => g > 200 && r < 80 && b < 80);
    assert.ok(green.n > 10 && Math.hypot(green.h - BLOB[0], green.v - BLOB[1]) < 8, `blob contour near the blob: ${JSON.stringify(green)}`);
    assert.equal(parseJsonResult(r2!).panels.length, 5);
    assert.match(readFileSync(join(dir, 'epi.svg'), 'utf8'), /^<\?xml[^]*<svg/);
    assert.deepEqual(parseJsonResult(r4!).notices, []);
  } finally { cleanup(); }
});

test('plot bad input: one-line errors naming the flag, nothing written', { skip }, async () => {
  const { dir, cleanup } = tempDir('plot-');
  try {
    const blob = join(dir, 'blob.nii.gz');
    await writeBlob(blob);
    const out = join(dir, 'x.png');
    const cases: [string[], RegExp][] = [
      [['plot', 'stat-map', dataPath('haxby-slice', 'bold.nii.gz')!, '--bg', 'none', '--out', out], /img: a 4-D image with 1452 volumes.*--volume/],
      [['plot', 'stat-map', blob, '--bg', 'none', '--cmap', 'rainbowz', '--out', out], /--cmap: unknown colour map "rainbowz"/],
      [['plot', 'stat-map', blob, '--bg', 'none', '--cut-coords', '0,0,500', '--out', out], /--cut-coords: z = 500 mm is outside the image/],
      [['plot', 'stat-map', blob, '--out', join(dir, 'no', 'x.png')], /--out: folder does not exist/],
      [['plot', 'stat-map', blob, '--bg', join(dir, 'missing.nii.gz'), '--out', out], /--bg: file not found/],
      [['plot', 'glass-brain', blob, '--display-mode', 'w', '--out', out], /--display-mode: expected one of/],
      [['plot', 'roi', blob, '--labels', 'a,b', '--bg', 'none', '--out', out], /--labels: expected 1 labels/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliAsync(...args)));
    results.forEach((r, i) => assert.match(expectOneLineError(r), cases[i]![1]));
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir), ['blob.nii.gz']);
  } finally { cleanup(); }
});
