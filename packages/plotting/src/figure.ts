// What every figure function returns, and the drawing helpers they share: the canvas, raster
// tiles, text, titles and the colour bar.
import { context2d, defaultCanvasFactory, type CanvasFactory, type CanvasLike, type Context2D } from './canvas.js';
import type { Colormap } from './colormaps.js';
import type { FigureLayout, Panel } from './layout.js';

/** What every figure function returns: the canvas it drew on, its size, dpi, panels (layout) and the fallbacks it took. */
export interface Figure extends FigureLayout {
  canvas: CanvasLike;
  dpi: number;
  /** Fallbacks taken while drawing (e.g. a background on another grid), to show the user. */
  notices: string[];
}

/** Options every figure takes. */
export interface CommonOptions {
  /** Canvas maker; default OffscreenCanvas (browser). Node: use '@neurodecode/plotting/node'. */
  canvas?: CanvasFactory;
  /** Pixels per inch (default 100): sizes are set in inches, so dpi scales the whole figure. */
  dpi?: number;
  title?: string;
}

export function checkDpi(dpi: number | undefined): number {
  const d = dpi ?? 100;
  if (!Number.isFinite(d) || d < 10 || d > 1200) throw new Error(`dpi: expected a number between 10 and 1200, got ${dpi}`);
  return d;
}

export function newCanvas(
  opts: CommonOptions,
  width: number,
  height: number,
  bg: string,
): { canvas: CanvasLike; ctx: Context2D; factory: CanvasFactory } {
  const factory = opts.canvas ?? defaultCanvasFactory();
  const canvas = factory(width, height, 'figure');
  const ctx = context2d(canvas);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx, factory };
}

/** Copy an RGBA buffer onto the figure at (left, top) through a scratch canvas (vector back ends embed it). */
export function blit(
  ctx: Context2D,
  factory: CanvasFactory,
  rgba: Uint8ClampedArray,
  left: number,
  top: number,
  w: number,
  h: number,
): void {
  const tile = factory(w, h, 'scratch');
  const tctx = context2d(tile);
  const img = tctx.createImageData(w, h);
  img.data.set(rgba);
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile as unknown as CanvasImageSource, left, top);
}

export function font(ctx: Context2D, px: number, bold = false): void {
  ctx.font = `${bold ? 'bold ' : ''}${Math.round(px)}px sans-serif`;
}

export function text(
  ctx: Context2D,
  s: string,
  x: number,
  y: number,
  color: string,
  px: number,
  align: CanvasTextAlign = 'left',
  baseline: CanvasTextBaseline = 'alphabetic',
  bold = false,
): void {
  font(ctx, px, bold);
  ctx.fillStyle = color;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(s, x, y);
}

export function drawTitle(
  ctx: Context2D,
  title: string | undefined,
  box: [number, number, number, number],
  color: string,
  fontPx: number,
): void {
  if (!title) return;
  text(ctx, title, box[0], box[1] + box[3] * 0.7, color, fontPx * 1.25, 'left', 'alphabetic', true);
}

/** Short tick label: 3 significant digits, no trailing zeros. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

export interface ColorbarSpec {
  cmap: Colormap;
  /** Value range shown by the bar, bottom to top. */
  lo: number;
  hi: number;
  /** Value -> LUT position 0..255 (the figure's own mapping, so bar and map agree). */
  toIndex: (v: number) => number;
  /** Values with |v| below this are not drawn; shown grey on the bar. */
  threshold: number;
}

/** A vertical colour bar with tick labels inside `area` (the figure's side column). */
export function drawColorbar(
  ctx: Context2D,
  spec: ColorbarSpec,
  area: [number, number, number, number],
  dpi: number,
  textColor: string,
  fontPx: number,
): void {
  const barW = Math.max(4, Math.round(0.12 * dpi));
  const barH = Math.round(area[3] * 0.8);
  const left = area[0] + Math.round(0.1 * dpi);
  const top = area[1] + Math.round((area[3] - barH) / 2);
  const { lo, hi } = spec;
  for (let r = 0; r < barH; r++) {
    const v = hi - ((r + 0.5) / barH) * (hi - lo);
    if (Math.abs(v) < spec.threshold) ctx.fillStyle = 'rgb(128,128,128)';
    else {
      const i = Math.max(0, Math.min(255, Math.round(spec.toIndex(v)))) * 3;
      ctx.fillStyle = `rgb(${spec.cmap.lut[i]},${spec.cmap.lut[i + 1]},${spec.cmap.lut[i + 2]})`;
    }
    ctx.fillRect(left, top + r, barW, 1);
  }
  ctx.strokeStyle = textColor;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, barW - 1, barH - 1);
  const ticks = new Set<number>([lo, hi]);
  if (lo < 0 && hi > 0) ticks.add(0);
  if (spec.threshold > 0) for (const t of [spec.threshold, -spec.threshold]) if (t > lo && t < hi) ticks.add(t);
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * barH;
  let lastY = -Infinity;
  for (const t of [...ticks].sort((a, b) => b - a)) {
    const ty = y(t);
    ctx.fillStyle = textColor;
    ctx.fillRect(left + barW, Math.round(ty), Math.round(0.04 * dpi), 1);
    if (ty - lastY < fontPx * 0.9) continue; // no overlapping labels
    text(ctx, formatTick(t), left + barW + Math.round(0.06 * dpi), ty, textColor, fontPx * 0.9, 'left', 'middle');
    lastY = ty;
  }
}

/** The JSON-able part of a figure. */
export function layoutOf(fig: FigureLayout): FigureLayout {
  return { width: fig.width, height: fig.height, panels: fig.panels.map((p: Panel) => ({ ...p })) };
}
