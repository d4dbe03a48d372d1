// glassBrain (nilearn's plot_glass_brain): maximum-intensity projections of a map along x, y and
// z inside the silhouette of a brain mask. Projections are built on a world-space grid at the
// image's voxel size, so any axis-aligned grid (and a mask on another grid) projects correctly.
import type { NiftiImage } from '@neurodecode/nifti-io';
import { drawColorbar, blit, checkDpi, drawTitle, newCanvas, text, type CommonOptions, type Figure } from './figure.js';
import { layoutBrainRows, viewAxes, type Panel, type PanelSpec, type View } from './layout.js';
import { edgesOf, fillTile } from './raster.js';
import { checkAlpha, checkThresholds, valueScale } from './stat-map.js';
import {
  assertDrawable,
  memoized,
  percentileOf,
  toVolume,
  unionBounds,
  valueStats,
  worldBounds,
  type Bounds,
  type Volume,
} from './volume.js';

/** Projections drawn, left to right: `x` sagittal, `y` coronal, `z` axial, `l`/`r` sagittal seen from the left/right; `ortho` = x, y, z. */
export type GlassDisplayMode = 'ortho' | 'x' | 'y' | 'z' | 'l' | 'r' | 'lyrz' | 'xz' | 'yz' | 'yx' | 'lzry' | 'lyr';
const MODES: Record<GlassDisplayMode, View[]> = {
  ortho: ['x', 'y', 'z'],
  x: ['x'],
  y: ['y'],
  z: ['z'],
  l: ['l'],
  r: ['r'],
  lyrz: ['l', 'y', 'r', 'z'],
  xz: ['x', 'z'],
  yz: ['y', 'z'],
  yx: ['y', 'x'],
  lzry: ['l', 'z', 'r', 'y'],
  lyr: ['l', 'y', 'r'],
};
/** The display modes `glassBrain` accepts, as nilearn's plot_glass_brain. */
export const GLASS_DISPLAY_MODES = Object.keys(MODES) as GlassDisplayMode[];

/** Options of `glassBrain`. */
export interface GlassBrainOptions extends CommonOptions {
  volume?: number;
  /** |values| below this are not drawn; 'auto' (default) = the 80th percentile of the non-zero |values|, as nilearn. */
  threshold?: number | 'auto';
  vmax?: number;
  /** Default cold_white_hot (white background) or cold_hot (black). */
  cmap?: string;
  /** Project |values| (default true, as nilearn); false keeps signs (the value of largest magnitude wins). */
  plotAbs?: boolean;
  displayMode?: GlassDisplayMode;
  /** Image whose non-zero voxels give the brain outline (the MNI152 brain mask); null for none. */
  brainMask?: NiftiImage | null;
  colorbar?: boolean;
  blackBg?: boolean;
  alpha?: number;
  panelHeight?: number;
}

interface Projection {
  grid: Float64Array;
  gw: number;
  gh: number;
  h0: number;
  v1: number;
  step: number;
}

/** Which voxels a projection keeps: finite, non-zero, |value| >= threshold, and of the sign wanted. */
interface Keep {
  threshold: number;
  sign: 'any' | 'positive';
}

/**
 * Max-|value| projection of `vol` for a view over the box `bounds`; cells hold NaN where nothing
 * passes. Each voxel covers the cells its footprint (the voxel's extent along the panel axes)
 * overlaps, so coarse or anisotropic voxels leave no holes. The cells a voxel covers depend on
 * its indices only through the affine, so for an axis-aligned grid they are tabulated once per
 * index along each axis instead of per voxel.
 */
function project(vol: Volume, view: View, bounds: Bounds, keep: Keep): Projection {
  const { h, v, normal } = viewAxes(view);
  const step = vol.step;
  const h0 = bounds[h][0],
    v1 = bounds[v][1];
  const gw = Math.max(1, Math.ceil((bounds[h][1] - h0) / step));
  const gh = Math.max(1, Math.ceil((v1 - bounds[v][0]) / step));
  const grid = new Float64Array(gw * gh).fill(NaN);
  const a = vol.affine;
  const [nx, ny, nz] = vol.shape;
  const fh = 0.5 * (Math.abs(a[h]![0]!) + Math.abs(a[h]![1]!) + Math.abs(a[h]![2]!));
  const fv = 0.5 * (Math.abs(a[v]![0]!) + Math.abs(a[v]![1]!) + Math.abs(a[v]![2]!));
  const side = view === 'l' ? -1 : view === 'r' ? 1 : 0;
  const cellRange = (w: number, f: number, origin: number, dir: 1 | -1, n: number): [number, number] => {
    const x = dir === 1 ? w - origin : origin - w;
    let c0 = Math.ceil((x - f) / step - 0.5),
      c1 = Math.floor((x + f) / step - 0.5);
    if (c1 < c0) c0 = c1 = Math.floor(x / step);
    return [Math.max(0, c0), Math.min(n - 1, c1)];
  };
  const d = vol.data;
  const { threshold } = keep;
  const positiveOnly = keep.sign === 'positive';
  const put = (val: number, c0: number, c1: number, r0: number, r1: number) => {
    for (let r = r0; r <= r1; r++)
      for (let c = c0, q = r * gw + c0; c <= c1; c++, q++) {
        const cur = grid[q]!;
        if (!(Math.abs(cur) >= Math.abs(val))) grid[q] = val;
      }
  };
  // Which voxel axis each world axis follows, when the grid is axis-aligned.
  const axisOf = (row: number): number => {
    const nonzero = [0, 1, 2].filter((c) => Math.abs(a[row]![c]!) > 1e-9);
    return nonzero.length === 1 ? nonzero[0]! : -1;
  };
  const ah = axisOf(h),
    av = axisOf(v),
    an = axisOf(normal);
  if (ah >= 0 && av >= 0 && an >= 0 && new Set([ah, av, an]).size === 3) {
    const sizes = [nx, ny, nz];
    const table = (row: number, axis: number, f: number, origin: number, dir: 1 | -1, n: number) => {
      const lo = new Int32Array(sizes[axis]!),
        hi = new Int32Array(sizes[axis]!);
      for (let t = 0; t < sizes[axis]!; t++) [lo[t], hi[t]] = cellRange(a[row]![axis]! * t + a[row]![3]!, f, origin, dir, n);
      return { lo, hi };
    };
    const th = table(h, ah, fh, h0, 1, gw),
      tv = table(v, av, fv, v1, -1, gh);
    const sideOk = new Uint8Array(sizes[an]!);
    for (let t = 0; t < sideOk.length; t++) sideOk[t] = side === 0 || (a[normal]![an]! * t + a[normal]![3]!) * side >= 0 ? 1 : 0;
    const idx = [0, 0, 0];
    for (let k = 0, p = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, p++) {
          const val = d[p]!;
          if (val === 0 || !(val === val) || (positiveOnly ? val < threshold : Math.abs(val) < threshold)) continue;
          idx[0] = i;
          idx[1] = j;
          idx[2] = k;
          if (!sideOk[idx[an]!]) continue;
          const ih = idx[ah]!,
            iv = idx[av]!;
          put(val, th.lo[ih]!, th.hi[ih]!, tv.lo[iv]!, tv.hi[iv]!);
        }
    return { grid, gw, gh, h0, v1, step };
  }
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        const val = d[p]!;
        if (val === 0 || !(val === val) || (positiveOnly ? val < threshold : Math.abs(val) < threshold)) continue;
        if (side !== 0) {
          const x = a[normal]![0]! * i + a[normal]![1]! * j + a[normal]![2]! * k + a[normal]![3]!;
          if (x * side < 0) continue;
        }
        const [c0, c1] = cellRange(a[h]![0]! * i + a[h]![1]! * j + a[h]![2]! * k + a[h]![3]!, fh, h0, 1, gw);
        const [r0, r1] = cellRange(a[v]![0]! * i + a[v]![1]! * j + a[v]![2]! * k + a[v]![3]!, fv, v1, -1, gh);
        put(val, c0, c1, r0, r1);
      }
  return { grid, gw, gh, h0, v1, step };
}

/** Call fn(pixelIndex, projectedValue) for each pixel of the panel whose grid cell holds a value. */
function sampleProjection(proj: Projection, panel: Panel, fn: (p: number, value: number) => void): void {
  const [, , w, hgt] = panel.box;
  const [[left, right], [bottom, top]] = panel.extent;
  for (let r = 0; r < hgt; r++) {
    const wv = top - ((r + 0.5) / hgt) * (top - bottom);
    const gr = Math.floor((proj.v1 - wv) / proj.step);
    if (gr < 0 || gr >= proj.gh) continue;
    for (let c = 0; c < w; c++) {
      const wh = left + ((c + 0.5) / w) * (right - left);
      const gc = Math.floor((wh - proj.h0) / proj.step);
      if (gc < 0 || gc >= proj.gw) continue;
      const value = proj.grid[gr * proj.gw + gc]!;
      if (value === value) fn(r * w + c, value);
    }
  }
}

/** Maximum-intensity projections of a map inside the outline of a brain mask (nilearn's plot_glass_brain). */
export function glassBrain(img: NiftiImage, opts: GlassBrainOptions = {}): Figure {
  const dpi = checkDpi(opts.dpi);
  const map = toVolume(img, 'img', opts.volume);
  const stats = valueStats(map.data);
  assertDrawable(stats, 'img');
  const mode = opts.displayMode ?? 'ortho';
  const views = MODES[mode];
  if (!views) throw new Error(`displayMode: expected one of ${GLASS_DISPLAY_MODES.join(', ')}, got "${String(mode)}"`);
  const notices: string[] = [];
  const plotAbs = opts.plotAbs ?? true;
  const autoT = percentileOf(map.data, 80, (v) => v !== 0);
  const rawT = opts.threshold ?? 'auto';
  const { threshold, vmax } = checkThresholds(
    { threshold: rawT === 'auto' ? Math.abs(autoT) - 1e-5 * Math.abs(autoT) : rawT, vmax: opts.vmax },
    stats.maxAbs,
    notices,
  );
  const black = opts.blackBg ?? false;
  const scale = valueScale(opts.cmap ?? (black ? 'cold_hot' : 'cold_white_hot'), vmax, threshold, stats.min < 0, plotAbs);
  const alpha = checkAlpha(opts.alpha, 1);
  const mask = opts.brainMask ? toVolume(opts.brainMask, 'brainMask') : undefined;
  const mapBox = worldBounds(map, true) ?? worldBounds(map)!;
  const maskBox = mask ? worldBounds(mask, true) : undefined;
  if (mask && !maskBox) throw new Error('brainMask: the mask is empty (no non-zero voxel)');
  const bounds = maskBox ? unionBounds(maskBox, mapBox) : worldBounds(map)!;
  const rows: PanelSpec[][] = [views.map((view) => ({ view }))];
  const showBar = opts.colorbar ?? true;
  const frame = layoutBrainRows(rows, bounds, {
    dpi,
    panelHeight: opts.panelHeight ?? 2.4,
    title: opts.title,
    sideWidth: showBar ? 0.75 : 0,
  });
  const bgc: [number, number, number] = black ? [0, 0, 0] : [255, 255, 255];
  const { canvas, ctx, factory } = newCanvas(opts, frame.width, frame.height, black ? '#000000' : '#ffffff');
  const fg = black ? '#ffffff' : '#000000';
  for (const panel of frame.panels) {
    const [l, t, w, h] = panel.box;
    const rgba = new Uint8ClampedArray(w * h * 4);
    fillTile(rgba, bgc);
    if (mask) {
      const view = panel.view as View;
      const silhouette = memoized(mask.data, `silhouette:${view}:${JSON.stringify(bounds)}`, () =>
        project(mask, view, bounds, { threshold: 0, sign: 'any' }),
      );
      drawOutline(rgba, silhouette, panel, black);
    }
    const proj = project(map, panel.view as View, bounds, { threshold, sign: plotAbs || scale.symmetric ? 'any' : 'positive' });
    const lut = scale.cmap.lut;
    sampleProjection(proj, panel, (p, value) => {
      const idx = scale.toIndex(value);
      if (idx < 0) return;
      const q = p * 4;
      for (let ch = 0; ch < 3; ch++) rgba[q + ch] = rgba[q + ch]! + alpha * (lut[idx * 3 + ch]! - rgba[q + ch]!);
    });
    blit(ctx, factory, rgba, l, t, w, h);
    const leftIsLeft = panel.extent[0][0] < panel.extent[0][1];
    if (panel.view === 'y' || panel.view === 'z') {
      text(ctx, leftIsLeft ? 'L' : 'R', l + 2, t + h / 2, fg, frame.fontPx, 'left', 'middle', true);
      text(ctx, leftIsLeft ? 'R' : 'L', l + w - 2, t + h / 2, fg, frame.fontPx, 'right', 'middle', true);
    }
    text(ctx, panel.view, l + 2, t + frame.fontPx, fg, frame.fontPx);
  }
  drawTitle(ctx, opts.title, frame.titleBox, fg, frame.fontPx);
  if (showBar) drawColorbar(ctx, scale, frame.side, dpi, fg, frame.fontPx);
  return { canvas, width: frame.width, height: frame.height, dpi, panels: frame.panels, notices };
}

/** The mask's silhouette, lightly filled, with a darker outline. */
function drawOutline(rgba: Uint8ClampedArray, proj: Projection, panel: Panel, black: boolean): void {
  const [, , w, h] = panel.box;
  const inside = new Uint8Array(w * h);
  sampleProjection(proj, panel, (p) => {
    inside[p] = 1;
  });
  const edge = edgesOf(inside, w, h);
  const fill = black ? 30 : 238,
    line = black ? 150 : 110;
  for (let p = 0; p < inside.length; p++) {
    if (!inside[p]) continue;
    const g = edge[p] ? line : fill;
    rgba[p * 4] = g;
    rgba[p * 4 + 1] = g;
    rgba[p * 4 + 2] = g;
  }
}
