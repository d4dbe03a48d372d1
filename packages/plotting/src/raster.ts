// Pixel loops for slice panels: every pixel of a panel is a world point on the cut plane, mapped
// to each image's voxel grid by that image's own inverse affine (linear in the pixel position),
// so a map and a background on different grids line up without resampling whole volumes.
import type { Panel } from './layout.js';
import { panelPoint } from './layout.js';
import type { Volume } from './volume.js';

interface Plane {
  o: [number, number, number];
  dc: [number, number, number];
  dr: [number, number, number];
}

/** Voxel coordinates of pixel (c, r) of the panel's box: o + c*dc + r*dr. */
function plane(vol: Volume, panel: Panel): Plane {
  const [, , w, h] = panel.box;
  const [[left, right], [bottom, top]] = panel.extent;
  const view = panel.view as 'x' | 'y' | 'z';
  const cut = panel.cut ?? 0;
  const m = vol.inverse;
  const vox = (p: [number, number, number]): [number, number, number] =>
    [0, 1, 2].map((r) => m[r]![0]! * p[0] + m[r]![1]! * p[1] + m[r]![2]! * p[2] + m[r]![3]!) as [number, number, number];
  const at = (c: number, r: number) =>
    vox(panelPoint(view, left + ((c + 0.5) / w) * (right - left), top - ((r + 0.5) / h) * (top - bottom), cut));
  const o = at(0, 0),
    c1 = at(1, 0),
    r1 = at(0, 1);
  return { o, dc: [c1[0] - o[0], c1[1] - o[1], c1[2] - o[2]], dr: [r1[0] - o[0], r1[1] - o[1], r1[2] - o[2]] };
}

/** Fill an RGBA tile with a solid colour. */
export function fillTile(rgba: Uint8ClampedArray, rgb: [number, number, number]): void {
  for (let p = 0; p < rgba.length; p += 4) {
    rgba[p] = rgb[0];
    rgba[p + 1] = rgb[1];
    rgba[p + 2] = rgb[2];
    rgba[p + 3] = 255;
  }
}

/** Greyscale background, trilinear, values [lo, hi] -> [0, 255] * brightness; zero voxels stay untouched. */
export function paintBackground(rgba: Uint8ClampedArray, vol: Volume, panel: Panel, lo: number, hi: number, brightness = 1): void {
  const [, , w, h] = panel.box;
  const { o, dc, dr } = plane(vol, panel);
  const [nx, ny, nz] = vol.shape;
  const d = vol.data;
  const scale = (255 * brightness) / (hi - lo || 1);
  const a = (i: number, j: number, k: number) => {
    const v = d[i + nx * (j + ny * k)]!;
    return Number.isFinite(v) ? v : 0;
  };
  for (let r = 0; r < h; r++) {
    let fi = o[0] + r * dr[0],
      fj = o[1] + r * dr[1],
      fk = o[2] + r * dr[2];
    for (let c = 0; c < w; c++, fi += dc[0], fj += dc[1], fk += dc[2]) {
      if (fi < -0.5 || fj < -0.5 || fk < -0.5 || fi > nx - 0.5 || fj > ny - 0.5 || fk > nz - 0.5) continue;
      // Trilinear with edge clamping.
      const i0 = Math.max(0, Math.min(nx - 1, Math.floor(fi))),
        j0 = Math.max(0, Math.min(ny - 1, Math.floor(fj))),
        k0 = Math.max(0, Math.min(nz - 1, Math.floor(fk)));
      const i1 = Math.min(nx - 1, i0 + 1),
        j1 = Math.min(ny - 1, j0 + 1),
        k1 = Math.min(nz - 1, k0 + 1);
      const ti = Math.max(0, Math.min(1, fi - i0)),
        tj = Math.max(0, Math.min(1, fj - j0)),
        tk = Math.max(0, Math.min(1, fk - k0));
      const c00 = a(i0, j0, k0) * (1 - ti) + a(i1, j0, k0) * ti;
      const c10 = a(i0, j1, k0) * (1 - ti) + a(i1, j1, k0) * ti;
      const c01 = a(i0, j0, k1) * (1 - ti) + a(i1, j0, k1) * ti;
      const c11 = a(i0, j1, k1) * (1 - ti) + a(i1, j1, k1) * ti;
      const v = (c00 * (1 - tj) + c10 * tj) * (1 - tk) + (c01 * (1 - tj) + c11 * tj) * tk;
      if (v === 0) continue;
      const g = Math.max(0, Math.min(255, (v - lo) * scale));
      const p = (r * w + c) * 4;
      rgba[p] = g;
      rgba[p + 1] = g;
      rgba[p + 2] = g;
      rgba[p + 3] = 255;
    }
  }
}

/**
 * Nearest-voxel overlay: `toIndex(value)` gives a LUT position 0..255, or -1 to leave the pixel.
 * Blended with `alpha` over what is there.
 */
export function paintOverlay(
  rgba: Uint8ClampedArray,
  vol: Volume,
  panel: Panel,
  lut: Uint8Array,
  toIndex: (v: number) => number,
  alpha = 1,
): void {
  const [, , w, h] = panel.box;
  const { o, dc, dr } = plane(vol, panel);
  const [nx, ny, nz] = vol.shape;
  const d = vol.data;
  for (let r = 0; r < h; r++) {
    let fi = o[0] + r * dr[0],
      fj = o[1] + r * dr[1],
      fk = o[2] + r * dr[2];
    for (let c = 0; c < w; c++, fi += dc[0], fj += dc[1], fk += dc[2]) {
      const i = Math.round(fi),
        j = Math.round(fj),
        k = Math.round(fk);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      const idx = toIndex(d[i + nx * (j + ny * k)]!);
      if (idx < 0) continue;
      const p = (r * w + c) * 4,
        q = idx * 3;
      rgba[p] = rgba[p]! + alpha * (lut[q]! - rgba[p]!);
      rgba[p + 1] = rgba[p + 1]! + alpha * (lut[q + 1]! - rgba[p + 1]!);
      rgba[p + 2] = rgba[p + 2]! + alpha * (lut[q + 2]! - rgba[p + 2]!);
      rgba[p + 3] = 255;
    }
  }
}

/** 1 where the mask's nearest voxel is non-zero, per pixel of the panel. */
export function maskTile(vol: Volume, panel: Panel): Uint8Array {
  const [, , w, h] = panel.box;
  const out = new Uint8Array(w * h);
  const { o, dc, dr } = plane(vol, panel);
  const [nx, ny, nz] = vol.shape;
  const d = vol.data;
  for (let r = 0; r < h; r++) {
    let fi = o[0] + r * dr[0],
      fj = o[1] + r * dr[1],
      fk = o[2] + r * dr[2];
    for (let c = 0; c < w; c++, fi += dc[0], fj += dc[1], fk += dc[2]) {
      const i = Math.round(fi),
        j = Math.round(fj),
        k = Math.round(fk);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      const v = d[i + nx * (j + ny * k)]!;
      if (v !== 0 && Number.isFinite(v)) out[r * w + c] = 1;
    }
  }
  return out;
}

/** Pixels of a binary tile on its border (inside, with a 4-neighbour outside or the tile edge). */
export function edgesOf(inside: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const p = r * w + c;
      if (!inside[p]) continue;
      if (c === 0 || r === 0 || c === w - 1 || r === h - 1 || !inside[p - 1] || !inside[p + 1] || !inside[p - w] || !inside[p + w])
        out[p] = 1;
    }
  return out;
}

/** Blend a colour into the pixels where `where` is set. */
export function paintWhere(rgba: Uint8ClampedArray, where: Uint8Array, rgb: [number, number, number], alpha: number): void {
  for (let p = 0; p < where.length; p++) {
    if (!where[p]) continue;
    const q = p * 4;
    rgba[q] = rgba[q]! + alpha * (rgb[0] - rgba[q]!);
    rgba[q + 1] = rgba[q + 1]! + alpha * (rgb[1] - rgba[q + 1]!);
    rgba[q + 2] = rgba[q + 2]! + alpha * (rgb[2] - rgba[q + 2]!);
    rgba[q + 3] = 255;
  }
}
