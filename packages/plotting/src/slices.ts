// The slice figure every 2-D brain view shares (statMap, roi, anat, epi): a background, overlays
// painted per panel, cut coordinates (given or found), annotations, and a side column.
import type { NiftiImage } from '@neurodecode/nifti-io';
import type { Context2D } from './canvas.js';
import { findCutSlices, findXyzCutCoords } from './cuts.js';
import { blit, checkDpi, drawTitle, newCanvas, text, type CommonOptions, type Figure } from './figure.js';
import { layoutBrainRows, viewAxes, type BrainFrame, type Panel, type PanelSpec } from './layout.js';
import { fillTile, paintBackground } from './raster.js';
import { memoized, percentileOf, toVolume, unionBounds, worldBounds, type Bounds, type Volume } from './volume.js';

/** `ortho`: one cut per axis (x, y, z); `x`, `y`, `z`: several cuts along one axis; `mosaic`: several along each. */
export type DisplayMode = 'ortho' | 'x' | 'y' | 'z' | 'mosaic';
/** The display modes of slice figures (`statMap`, `roi`, `anat`, `epi`). */
export const DISPLAY_MODES: readonly DisplayMode[] = ['ortho', 'x', 'y', 'z', 'mosaic'];

/** Options of the slice figures: display mode, cuts (mm), background, annotations and sizes. */
export interface SliceOptions extends CommonOptions {
  /** Background image; null for none. Default: none here (the Node entry defaults to MNI152). */
  bg?: NiftiImage | null;
  /** Volume of a 4-D background to show. */
  bgVolume?: number;
  displayMode?: DisplayMode;
  /**
   * ortho: [x, y, z] mm. x/y/z: a list of mm positions or how many cuts (default 7).
   * mosaic: cuts per row (default 5). Default: found from the data (find_xyz_cut_coords).
   */
  cutCoords?: number | number[];
  /** Black figure background with white text (default true, as nilearn's slice figures). */
  blackBg?: boolean;
  /** Coordinates and L/R labels (default true). */
  annotate?: boolean;
  /** Cross lines at the cut coordinates in ortho mode (default true). */
  drawCross?: boolean;
  /** Background brightness, 0..1 (default 0.8: dimmed so colours stand out, as nilearn's dim). */
  bgBrightness?: number;
  /** Height of the tallest panel in inches (default 2.4). */
  panelHeight?: number;
}

export interface SliceFigureInput {
  bg?: Volume;
  /** Grey range for the background; default its 2nd-99.5th percentile of non-zero voxels. */
  bgRange?: [number, number];
  /** What automatic cuts follow, and above which |value|. */
  focus: Volume;
  focusThreshold?: number;
  /** Paint overlays on one panel's RGBA tile. */
  overlays: ((rgba: Uint8ClampedArray, panel: Panel) => void)[];
  /** Inches reserved right of the panels and what to draw there. */
  sideWidth: number;
  side?: (ctx: Context2D, frame: BrainFrame, textColor: string) => void;
  notices: string[];
}

/** The background as a volume, with a notice when it sits on another grid than `ref`. */
export function backgroundVolume(
  bg: NiftiImage | null | undefined,
  ref: Volume | undefined,
  index: number | undefined,
  notices: string[],
): Volume | undefined {
  if (!bg) return undefined;
  const vol = toVolume(bg, 'bg', index);
  if (
    ref &&
    (vol.shape.some((n, i) => n !== ref.shape[i]) ||
      vol.affine.some((row, r) => row.some((x, c) => Math.abs(x - ref.affine[r]![c]!) > 1e-4)))
  ) {
    notices.push(
      `bg: on a different grid (${vol.shape.join('x')}, ${vol.step.toFixed(2)} mm) from the image (${ref.shape.join('x')}, ${ref.step.toFixed(2)} mm); resampled (trilinear) at the drawn pixels`,
    );
  }
  return vol;
}

function checkCut(axis: number, value: number, limits: Bounds): void {
  const name = 'xyz'[axis]!;
  if (!Number.isFinite(value)) throw new Error(`cutCoords: ${name} must be a finite number of mm, got ${value}`);
  const [lo, hi] = limits[axis]!;
  if (value < lo || value > hi) {
    throw new Error(`cutCoords: ${name} = ${value} mm is outside the image (${lo.toFixed(1)}..${hi.toFixed(1)} mm)`);
  }
}

function rowsFor(
  mode: DisplayMode,
  cutCoords: number | number[] | undefined,
  input: SliceFigureInput,
  bounds: Bounds,
  limits: Bounds,
): PanelSpec[][] {
  const t = input.focusThreshold ?? 0;
  if (mode === 'ortho') {
    let cuts: number[];
    if (cutCoords === undefined) cuts = findXyzCutCoords(input.focus, input.focusThreshold);
    else if (Array.isArray(cutCoords) && cutCoords.length === 3) cuts = cutCoords;
    else throw new Error(`cutCoords: ortho needs three numbers x,y,z in mm, got ${JSON.stringify(cutCoords)}`);
    cuts.forEach((c, a) => checkCut(a, c, limits));
    return [
      [
        { view: 'x', cut: cuts[0]! },
        { view: 'y', cut: cuts[1]! },
        { view: 'z', cut: cuts[2]! },
      ],
    ];
  }
  const axes: ('x' | 'y' | 'z')[] = mode === 'mosaic' ? ['x', 'y', 'z'] : [mode];
  return axes.map((view) => {
    const axis = viewAxes(view).normal;
    let cuts: number[];
    if (Array.isArray(cutCoords)) {
      if (mode === 'mosaic') throw new Error('cutCoords: mosaic takes the number of cuts per row, not positions');
      if (cutCoords.length === 0) throw new Error('cutCoords: empty list');
      cuts = cutCoords;
    } else {
      const n = cutCoords ?? (mode === 'mosaic' ? 5 : 7);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`cutCoords: expected a number of cuts 1..50, got ${n}`);
      cuts = findCutSlices(input.focus, axis, n, t, bounds);
    }
    cuts.forEach((c) => checkCut(axis, c, limits));
    return cuts.map((cut) => ({ view, cut }));
  });
}

export function drawSliceFigure(input: SliceFigureInput, opts: SliceOptions): Figure {
  const dpi = checkDpi(opts.dpi);
  const mode = opts.displayMode ?? 'ortho';
  if (!DISPLAY_MODES.includes(mode)) throw new Error(`displayMode: expected one of ${DISPLAY_MODES.join(', ')}, got "${String(mode)}"`);
  const black = opts.blackBg ?? true;
  const brightness = opts.bgBrightness ?? 0.8;
  if (!(brightness >= 0 && brightness <= 1)) throw new Error(`bgBrightness: expected 0..1, got ${brightness}`);
  const { bg, focus } = input;
  // Shown: the brain (background's non-zero voxels) and the data; cuts may go anywhere on either grid.
  const focusGrid = worldBounds(focus)!;
  let bounds = worldBounds(focus, true) ?? focusGrid;
  let limits = focusGrid;
  if (bg) {
    const bgBox = worldBounds(bg, true);
    bounds = bgBox ? unionBounds(bgBox, bounds) : unionBounds(worldBounds(bg)!, bounds);
    limits = unionBounds(limits, worldBounds(bg)!);
  } else {
    bounds = focusGrid;
  }
  const rows = rowsFor(mode, opts.cutCoords, input, bounds, limits);
  const frame = layoutBrainRows(rows, bounds, { dpi, panelHeight: opts.panelHeight ?? 2.4, title: opts.title, sideWidth: input.sideWidth });
  const bgColor = black ? '#000000' : '#ffffff';
  const fg = black ? '#ffffff' : '#000000';
  const { canvas, ctx, factory } = newCanvas(opts, frame.width, frame.height, bgColor);
  let range = input.bgRange;
  if (bg && !range) {
    const nz = (v: number) => v !== 0;
    range = memoized(bg.data, 'grey-range', () => [percentileOf(bg.data, 2, nz), percentileOf(bg.data, 99.5, nz)] as [number, number]);
    // A binary mask as background: one value, shown as a flat grey silhouette.
    if (!(range[1] > range[0])) range = [Math.min(0, range[0]), Math.max(range[1], 1) * 1.6];
  }
  const base: [number, number, number] = black ? [0, 0, 0] : [255, 255, 255];
  for (const panel of frame.panels) {
    const [l, t, w, h] = panel.box;
    const rgba = new Uint8ClampedArray(w * h * 4);
    fillTile(rgba, base);
    if (bg) paintBackground(rgba, bg, panel, range![0], range![1], brightness);
    for (const paint of input.overlays) paint(rgba, panel);
    blit(ctx, factory, rgba, l, t, w, h);
  }
  if (opts.drawCross ?? true) if (mode === 'ortho') drawCross(ctx, frame.panels, black);
  if (opts.annotate ?? true) annotate(ctx, frame, fg);
  drawTitle(ctx, opts.title, frame.titleBox, fg, frame.fontPx);
  input.side?.(ctx, frame, fg);
  return { canvas, width: frame.width, height: frame.height, dpi, panels: frame.panels, notices: input.notices };
}

/** In each ortho panel, lines through the other two cuts. */
function drawCross(ctx: Context2D, panels: Panel[], black: boolean): void {
  const cuts = [NaN, NaN, NaN];
  for (const p of panels) cuts[viewAxes(p.view as 'x').normal] = p.cut!;
  ctx.strokeStyle = black ? 'rgba(200,200,200,0.6)' : 'rgba(60,60,60,0.6)';
  ctx.lineWidth = 1;
  for (const p of panels) {
    const a = viewAxes(p.view as 'x');
    const [l, t, w, h] = p.box;
    const [[left, right], [bottom, top]] = p.extent;
    const px = l + ((cuts[a.h]! - left) / (right - left)) * w;
    const py = t + ((top - cuts[a.v]!) / (top - bottom)) * h;
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, t);
    ctx.lineTo(Math.round(px) + 0.5, t + h);
    ctx.moveTo(l, Math.round(py) + 0.5);
    ctx.lineTo(l + w, Math.round(py) + 0.5);
    ctx.stroke();
  }
}

function annotate(ctx: Context2D, frame: BrainFrame, fg: string): void {
  const f = frame.fontPx;
  for (const p of frame.panels) {
    const [l, t, w, h] = p.box;
    const axis = viewAxes(p.view as 'x');
    text(ctx, `${'xyz'[axis.normal]}=${Math.round(p.cut!)}`, l + 2, t + h - 2, fg, f);
    if (p.view === 'y' || p.view === 'z') {
      const leftIsLeft = p.extent[0][0] < p.extent[0][1];
      text(ctx, leftIsLeft ? 'L' : 'R', l + 2, t + h / 2, fg, f, 'left', 'middle', true);
      text(ctx, leftIsLeft ? 'R' : 'L', l + w - 2, t + h / 2, fg, f, 'right', 'middle', true);
    }
  }
}
