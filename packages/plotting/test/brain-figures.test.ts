import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNifti, NiftiImage } from '@neurodecode/nifti-io';
import { dataPath, SHARED_MISSING } from '@neurodecode/testkit';
import { statMap, glassBrain, roi, anat, epi, DISPLAY_MODES, GLASS_DISPLAY_MODES, type View } from '../src/node.js';
import { BLOB_MM, blobImage, colourCentroid, inPlaneDistance, pixels, chroma } from './helpers.js';

const templatePath = dataPath('templates', 'MNI152_T1_1mm_brain.nii.gz');
let templateCache: NiftiImage | undefined;
async function template(t: { skip: (m: string) => void }): Promise<NiftiImage | undefined> {
  if (!templatePath) { t.skip(SHARED_MISSING); return undefined; }
  return (templateCache ??= await readNifti(templatePath));
}

const blob = blobImage();

for (const mode of DISPLAY_MODES) {
  test(`statMap ${mode}: the blob is coloured where the layout says (within 6 mm), on MNI152`, async (t) => {
    const bg = await template(t);
    if (!bg) return;
    const fig = statMap(blob, { bg, threshold: 1, displayMode: mode, title: `blob ${mode}` });
    assert.ok(fig.notices.some((n) => n.startsWith('bg: on a different grid')), 'the 1 mm template is resampled and says so');
    const rgba = pixels(fig);
    let coloured = 0;
    for (const p of fig.panels) {
      const c = colourCentroid(fig, p, chroma(80), rgba);
      if (c.n === 0) continue;
      coloured++;
      const d = inPlaneDistance(p.view as View, c, BLOB_MM);
      assert.ok(d < 6, `${mode} ${p.view}=${p.cut}: centroid (${c.h.toFixed(1)}, ${c.v.toFixed(1)}) is ${d.toFixed(1)} mm from the blob`);
    }
    assert.ok(coloured >= (mode === 'mosaic' ? 3 : 1), `${mode}: coloured panels ${coloured}`);
    if (mode === 'ortho') {
      assert.equal(coloured, 3);
      // Automatic cuts land on the blob.
      fig.panels.forEach((p, a) => assert.ok(Math.abs(p.cut! - BLOB_MM[a]!) < 3, `cut ${p.view}=${p.cut}`));
    }
  });
}

test('statMap without background (bg none): cuts given in mm, panels cover the map grid', () => {
  const fig = statMap(blob, { bg: null, cutCoords: [-38, -64, 12], threshold: 1 });
  assert.deepEqual(fig.notices, []);
  const rgba = pixels(fig);
  for (const p of fig.panels) {
    const c = colourCentroid(fig, p, chroma(80), rgba);
    assert.ok(c.n > 20 && inPlaneDistance(p.view as View, c, BLOB_MM) < 6, `${p.view}: ${JSON.stringify(c)}`);
  }
  // Extents run left to right, bottom to top, in mm and match the pixel box at one scale.
  const [x, y, z] = fig.panels;
  assert.ok(y!.extent[0][0] < y!.extent[0][1] && z!.extent[1][0] < z!.extent[1][1]);
  const scale = (p: typeof x) => p!.box[2] / Math.abs(p!.extent[0][1] - p!.extent[0][0]);
  assert.ok(Math.abs(scale(x) - scale(z)) < 1e-9);
});

test('statMap: automatic cuts go through the largest supra-threshold cluster, not the highest peak', () => {
  // A small sharp peak (10) at (30, 20, 40) and the broad blob (5) at BLOB_MM: above 2 the blob is the larger cluster.
  const sharp = blobImage([30, 20, 40], 10, 2.5);
  const both = blob.withData(Float32Array.from(blob.data as Float32Array, (v, p) => v + (sharp.data[p] as number)));
  const fig = statMap(both, { bg: null, threshold: 2 });
  fig.panels.forEach((p, a) => assert.ok(Math.abs(p.cut! - BLOB_MM[a]!) < 3, `${p.view} cut at ${p.cut}, blob at ${BLOB_MM[a]}`));
  // Without the broad blob the cuts move to the sharp peak.
  const alone = statMap(sharp, { bg: null, threshold: 2 });
  alone.panels.forEach((p, a) => assert.ok(Math.abs(p.cut! - [30, 20, 40][a]!) < 3, `${p.view} cut at ${p.cut}`));
});

test('statMap: signed maps use both ends of cold_hot, hot hides negatives', () => {
  const neg = blobImage(BLOB_MM, 5, 6, -1);
  const cold = statMap(neg, { bg: null, threshold: 1, cutCoords: BLOB_MM });
  const blue = (r: number, g: number, b: number) => b > r + 80;
  assert.ok(colourCentroid(cold, cold.panels[2]!, blue).n > 20, 'negative blob drawn in blue');
  const hot = statMap(neg, { bg: null, threshold: 1, cutCoords: BLOB_MM, cmap: 'hot' });
  assert.equal(colourCentroid(hot, hot.panels[2]!).n, 0);
});

for (const mode of GLASS_DISPLAY_MODES) {
  test(`glassBrain ${mode}: projection centroid within 6 mm of the blob, inside the MNI152 outline`, async (t) => {
    const bg = await template(t);
    if (!bg) return;
    const fig = glassBrain(blob, { brainMask: bg, threshold: 1, displayMode: mode });
    assert.equal(fig.panels.map((p) => p.view).join(''), mode === 'ortho' ? 'xyz' : mode, 'one panel per view, in the mode\'s order');
    const rgba = pixels(fig);
    for (const p of fig.panels) {
      const c = colourCentroid(fig, p, chroma(80), rgba);
      if (p.view === 'r') { assert.equal(c.n, 0, 'the blob is in the left hemisphere: nothing in the right view'); continue; }
      assert.ok(c.n > 20, `${mode} ${p.view}: ${c.n} coloured pixels`);
      const d = inPlaneDistance(p.view as View, c, BLOB_MM);
      assert.ok(d < 6, `${mode} ${p.view}: centroid ${d.toFixed(1)} mm away`);
      // The outline: grey pixels ring the panel's brain.
      const grey = colourCentroid(fig, p, (r, g, b) => r === g && g === b && r < 150, rgba);
      assert.ok(grey.n > 100, `${p.view}: outline drawn (${grey.n} px)`);
    }
    if (mode.includes('l')) {
      const l = fig.panels.find((p) => p.view === 'l')!;
      assert.ok(l.extent[0][0] > l.extent[0][1], 'the left view looks from the left: anterior on the left');
    }
  });
}

test('glassBrain: signed projection keeps the sign of the strongest value', () => {
  const fig = glassBrain(blobImage(BLOB_MM, 5, 6, -1), { plotAbs: false, threshold: 1, displayMode: 'z', brainMask: null });
  assert.ok(colourCentroid(fig, fig.panels[0]!, (r, g, b) => b > r + 80).n > 20);
});

test('roi: two masks filled and as contours, each in its colour where it is', async () => {
  const a = blobImage([-38, -64, 12]), b = blobImage([30, 20, 40]);
  const bin = (img: NiftiImage) => img.withData(Float32Array.from(img.data as Float32Array, (v) => (v > 2 ? 1 : 0)));
  for (const style of ['filled', 'contours'] as const) {
    const fig = roi([{ img: bin(a), label: 'A', color: '#ff0000' }, { img: bin(b), label: 'B', color: '#00ff00' }], { bg: null, style, displayMode: 'z', cutCoords: [12, 40] });
    const rgba = pixels(fig);
    const red = (r: number, g: number, bl: number) => r > 150 && g < 100 && bl < 100;
    const green = (r: number, g: number, bl: number) => g > 150 && r < 100 && bl < 100;
    const [z12, z40] = fig.panels;
    const ca = colourCentroid(fig, z12!, red, rgba);
    assert.ok(ca.n > 10 && Math.hypot(ca.h + 38, ca.v + 64) < 6, `${style} A: ${JSON.stringify(ca)}`);
    const cb = colourCentroid(fig, z40!, green, rgba);
    assert.ok(cb.n > 10 && Math.hypot(cb.h - 30, cb.v - 20) < 6, `${style} B: ${JSON.stringify(cb)}`);
    assert.equal(colourCentroid(fig, z12!, green, rgba).n, 0);
    // Legend swatches sit right of the panels.
    const legend = colourCentroid(fig, { view: 'legend', box: [z40!.box[0] + z40!.box[2], 0, fig.width - z40!.box[0] - z40!.box[2], fig.height], extent: [[0, 1], [0, 1]] }, red, rgba);
    assert.ok(legend.n > 20);
  }
});

test('anat and epi draw the image alone', async (t) => {
  const bg = await template(t);
  if (!bg) return;
  const a = anat(bg, { displayMode: 'z', cutCoords: [0] });
  const grey = colourCentroid(a, a.panels[0]!, (r, g, b) => r === g && g === b && r > 60);
  assert.ok(grey.n > 5000 && Math.abs(grey.h) < 10, `anat: brain centred, ${JSON.stringify(grey)}`);
  const e = epi(bg, { displayMode: 'x', cutCoords: [0] });
  assert.ok(colourCentroid(e, e.panels[0]!, chroma(60)).n > 5000);
});

test('bad input: one-line errors naming the argument', () => {
  const four = new NiftiImage({ data: new Float32Array(8 * 2), shape: [2, 2, 2, 2], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
  assert.throws(() => statMap(four, { bg: null }), /^Error: img: a 4-D image with 2 volumes.*pick one/);
  assert.throws(() => statMap(blob.withData(new Float32Array(blob.data.length)), { bg: null }), /img: every voxel is zero/);
  assert.throws(() => glassBrain(blob.withData(new Float32Array(blob.data.length).fill(NaN))), /img: every voxel is NaN/);
  assert.throws(() => statMap(blob, { bg: null, cmap: 'jet2' }), /cmap: unknown colour map "jet2"/);
  assert.throws(() => statMap(blob, { bg: null, cutCoords: [200, 0, 0] }), /cutCoords: x = 200 mm is outside the image/);
  assert.throws(() => statMap(blob, { bg: null, displayMode: 'w' as 'x' }), /displayMode/);
  assert.throws(() => statMap(blob, { bg: null, dpi: 0 }), /dpi/);
  assert.throws(() => roi([]), /masks/);
  const hidden = statMap(blob, { bg: null, threshold: 10 });
  assert.ok(hidden.notices.some((n) => n.startsWith('threshold: 10 is at or above')), 'a threshold hiding everything is said');
  // A 4-D image with the volume picked works.
  assert.equal(statMap(four.withData(Float32Array.from({ length: 16 }, (_, i) => i)), { bg: null, volume: 1, cutCoords: [0.5, 0.5, 0.5] }).panels.length, 3);
});
