// Figure geometry: panels laid out in rows at one common scale (pixels per mm), each with the
// mm extent its pixel box shows, so callers (and tests) can map pixels back to the brain.
import type { Bounds, Extent } from './volume.js';

/** x: sagittal, y: coronal, z: axial; l / r: sagittal views from the left / right (glass brain). */
export type View = 'x' | 'y' | 'z' | 'l' | 'r';

/** One panel of a figure: its view, its pixel `box` `[left, top, width, height]`, its mm `extent` and (slices) its cut in mm. */
export interface Panel {
  view: View | 'chart' | 'legend';
  /** [left, top, width, height] in pixels. */
  box: [number, number, number, number];
  /**
   * [[left, right], [bottom, top]]: the coordinate at the box's left, right, bottom and top edges
   * (mm for brain views, data units for charts).
   */
  extent: Extent;
  /** Cut position in mm along the view's normal (slices), absent for projections. */
  cut?: number;
}

/** A figure's size in pixels and where each panel is, in pixels and in mm. */
export interface FigureLayout {
  width: number;
  height: number;
  panels: Panel[];
}

export interface PanelSpec {
  view: View;
  cut?: number;
}

/** The world axes a view's horizontal and vertical pixel axes run along, and its normal. */
export function viewAxes(view: View): { h: 0 | 1 | 2; v: 0 | 1 | 2; normal: 0 | 1 | 2; flipH: boolean } {
  switch (view) {
    case 'x':
    case 'r':
      return { h: 1, v: 2, normal: 0, flipH: false };
    case 'l':
      return { h: 1, v: 2, normal: 0, flipH: true };
    case 'y':
      return { h: 0, v: 2, normal: 1, flipH: false };
    case 'z':
      return { h: 0, v: 1, normal: 2, flipH: false };
  }
}

export interface FrameOptions {
  dpi: number;
  /** Height of the tallest panel, inches. */
  panelHeight: number;
  title?: string;
  /** Width reserved at the right for a colour bar or legend, inches (0 for none). */
  sideWidth: number;
}

export interface BrainFrame extends FigureLayout {
  dpi: number;
  pxPerMm: number;
  /** Box of the area right of the panels (colour bar / legend), pixels. */
  side: [number, number, number, number];
  /** Title baseline area. */
  titleBox: [number, number, number, number];
  fontPx: number;
}

/** Lay out rows of brain panels showing `bounds`, at one scale, left to right, top to bottom. */
export function layoutBrainRows(rows: PanelSpec[][], bounds: Bounds, opts: FrameOptions): BrainFrame {
  const dpi = opts.dpi;
  const fontPx = Math.max(8, Math.round((9 * dpi) / 72));
  const pad = Math.round(0.06 * dpi);
  const gap = Math.round(0.04 * dpi);
  const spans = (s: PanelSpec) => {
    const a = viewAxes(s.view);
    return { hs: bounds[a.h][1] - bounds[a.h][0], vs: bounds[a.v][1] - bounds[a.v][0], a };
  };
  const maxVert = Math.max(...rows.flat().map((s) => spans(s).vs));
  const pxPerMm = (opts.panelHeight * dpi) / maxVert;
  const titleH = opts.title ? Math.round(fontPx * 2) : 0;
  const panels: Panel[] = [];
  let top = pad + titleH;
  let maxRowWidth = 0;
  for (const row of rows) {
    const sized = row.map((s) => {
      const { hs, vs, a } = spans(s);
      return { s, a, w: Math.max(1, Math.round(hs * pxPerMm)), h: Math.max(1, Math.round(vs * pxPerMm)) };
    });
    const rowH = Math.max(...sized.map((p) => p.h));
    let left = pad;
    for (const p of sized) {
      const hc = (bounds[p.a.h][0] + bounds[p.a.h][1]) / 2;
      const vc = (bounds[p.a.v][0] + bounds[p.a.v][1]) / 2;
      const hw = p.w / pxPerMm / 2,
        vh = p.h / pxPerMm / 2;
      const horizontal: [number, number] = p.a.flipH ? [hc + hw, hc - hw] : [hc - hw, hc + hw];
      const panel: Panel = {
        view: p.s.view,
        box: [left, top + Math.round((rowH - p.h) / 2), p.w, p.h],
        extent: [horizontal, [vc - vh, vc + vh]],
      };
      if (p.s.cut !== undefined) panel.cut = p.s.cut;
      panels.push(panel);
      left += p.w + gap;
    }
    maxRowWidth = Math.max(maxRowWidth, left - gap);
    top += rowH + gap;
  }
  const contentBottom = top - gap;
  const sideW = Math.round(opts.sideWidth * dpi);
  const width = maxRowWidth + sideW + pad;
  const height = contentBottom + pad;
  return {
    width,
    height,
    panels,
    pxPerMm,
    fontPx,
    dpi,
    side: [maxRowWidth, pad + titleH, sideW, contentBottom - pad - titleH],
    titleBox: [pad, pad, width - 2 * pad, titleH],
  };
}

/** The mm point under the centre of pixel (px, py) of the figure, for a brain panel. */
export function pixelToWorld(panel: Panel, px: number, py: number): { h: number; v: number } {
  const [l, t, w, h] = panel.box;
  const [[left, right], [bottom, top]] = panel.extent;
  return { h: left + ((px + 0.5 - l) / w) * (right - left), v: top - ((py + 0.5 - t) / h) * (top - bottom) };
}

/** The 3-D world point of panel coordinates (h, v) at depth `cut`. */
export function panelPoint(view: View, h: number, v: number, cut: number): [number, number, number] {
  const a = viewAxes(view);
  const p: [number, number, number] = [0, 0, 0];
  p[a.h] = h;
  p[a.v] = v;
  p[a.normal] = cut;
  return p;
}
