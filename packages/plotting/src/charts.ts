// Result charts: per-fold scores against chance, the permutation null, the confusion matrix and
// a histogram of searchlight scores. Each returns one 'chart' panel whose extent is in data units.
import type { Context2D } from './canvas.js';
import { getColormap } from './colormaps.js';
import { checkDpi, drawTitle, formatTick, newCanvas, text, type CommonOptions, type Figure } from './figure.js';
import type { Panel } from './layout.js';

/** Options every chart takes: size in inches (scaled by `dpi`), axis labels and a title. */
export interface ChartOptions extends CommonOptions {
  /** Figure size in inches (default 5 x 3.2). */
  width?: number;
  height?: number;
  xlabel?: string;
  ylabel?: string;
}

interface Axes {
  ctx: Context2D;
  panel: Panel;
  x: (v: number) => number;
  y: (v: number) => number;
  fontPx: number;
  dpi: number;
}

function finiteArray(values: unknown, arg: string, minLength = 1): number[] {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new Error(`${arg}: expected an array of numbers`);
  const arr = Array.from(values as ArrayLike<number>);
  if (arr.length < minLength) throw new Error(`${arg}: expected at least ${minLength} value(s), got ${arr.length}`);
  const bad = arr.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${arg}: value ${bad} is not a finite number (${String(arr[bad])})`);
  return arr;
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * span; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** A white chart frame with axes over [x0, x1] x [y0, y1]; returns the mapping from data to pixels. */
function chartFrame(
  opts: ChartOptions,
  xr: [number, number],
  yr: [number, number],
  xTicks: boolean,
): { fig: Omit<Figure, 'panels'>; axes: Axes } {
  const dpi = checkDpi(opts.dpi);
  const W = Math.round((opts.width ?? 5) * dpi),
    H = Math.round((opts.height ?? 3.2) * dpi);
  const fontPx = Math.max(8, Math.round((9 * dpi) / 72));
  const { canvas, ctx } = newCanvas(opts, W, H, '#ffffff');
  const left = Math.round(fontPx * 5),
    right = Math.round(fontPx * 1.5);
  const top = Math.round(opts.title ? fontPx * 2.6 : fontPx),
    bottom = Math.round(fontPx * 3.6);
  const panel: Panel = { view: 'chart', box: [left, top, W - left - right, H - top - bottom], extent: [xr, yr] };
  const [l, t, w, h] = panel.box;
  const x = (v: number) => l + ((v - xr[0]) / (xr[1] - xr[0])) * w;
  const y = (v: number) => t + h - ((v - yr[0]) / (yr[1] - yr[0])) * h;
  ctx.strokeStyle = '#000000';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(l + 0.5, t);
  ctx.lineTo(l + 0.5, t + h + 0.5);
  ctx.lineTo(l + w, t + h + 0.5);
  ctx.stroke();
  for (const tv of niceTicks(yr[0], yr[1])) {
    const py = Math.round(y(tv)) + 0.5;
    ctx.fillStyle = '#000000';
    ctx.fillRect(l - 4, py, 4, 1);
    ctx.fillStyle = '#e8e8e8';
    ctx.fillRect(l + 1, py, w, 1);
    text(ctx, formatTick(tv), l - 6, py, '#000000', fontPx, 'right', 'middle');
  }
  if (xTicks)
    for (const tv of niceTicks(xr[0], xr[1])) {
      const px = Math.round(x(tv)) + 0.5;
      ctx.fillStyle = '#000000';
      ctx.fillRect(px, t + h, 1, 4);
      text(ctx, formatTick(tv), px, t + h + 6, '#000000', fontPx, 'center', 'top');
    }
  if (opts.xlabel) text(ctx, opts.xlabel, l + w / 2, H - fontPx * 0.6, '#000000', fontPx, 'center', 'alphabetic');
  if (opts.ylabel) {
    ctx.save();
    ctx.translate(fontPx * 1.1, t + h / 2);
    ctx.rotate(-Math.PI / 2);
    text(ctx, opts.ylabel, 0, 0, '#000000', fontPx, 'center', 'middle');
    ctx.restore();
  }
  drawTitle(ctx, opts.title, [l, 0, w, fontPx * 2.2], '#000000', fontPx);
  return { fig: { canvas, width: W, height: H, dpi, notices: [] }, axes: { ctx, panel, x, y, fontPx, dpi } };
}

function hline(a: Axes, v: number, color: string, dashed: boolean, label?: string): void {
  const [l, , w] = a.panel.box;
  const py = Math.round(a.y(v)) + 0.5;
  a.ctx.strokeStyle = color;
  a.ctx.lineWidth = Math.max(1, a.dpi / 60);
  a.ctx.setLineDash(dashed ? [6, 4] : []);
  a.ctx.beginPath();
  a.ctx.moveTo(l, py);
  a.ctx.lineTo(l + w, py);
  a.ctx.stroke();
  a.ctx.setLineDash([]);
  if (label) text(a.ctx, label, l + w - 4, py - 3, color, a.fontPx * 0.9, 'right', 'bottom');
}

/** Options of `foldScores`: the chance level (one number, or one per fold: the dummy estimator's scores). */
export interface FoldScoresOptions extends ChartOptions {
  /** Chance level: the dummy estimator's score, one number or one per fold. */
  chance?: number | number[];
  /** Fold labels (default 1..n). */
  labels?: string[];
}

/** Bars of the per-fold scores, their mean, and the chance level. */
export function foldScores(scores: ArrayLike<number>, opts: FoldScoresOptions = {}): Figure {
  const s = finiteArray(scores, 'scores');
  const chance =
    opts.chance === undefined
      ? undefined
      : typeof opts.chance === 'number'
        ? s.map(() => opts.chance as number)
        : finiteArray(opts.chance, 'chance');
  if (chance && chance.length !== s.length)
    throw new Error(`chance: expected one number or ${s.length} (one per fold), got ${chance.length}`);
  const all = [...s, ...(chance ?? [])];
  const yr: [number, number] = [Math.min(0, ...all), Math.max(1, ...all)];
  const { fig, axes } = chartFrame({ ylabel: 'score', xlabel: 'fold', ...opts }, [0, s.length], yr, false);
  const { ctx } = axes;
  const bw = (axes.x(1) - axes.x(0)) * 0.7;
  s.forEach((v, i) => {
    const x0 = axes.x(i + 0.5) - bw / 2;
    ctx.fillStyle = '#1f77b4';
    ctx.fillRect(x0, axes.y(Math.max(0, v)), bw, Math.abs(axes.y(v) - axes.y(0)));
    if (chance) {
      ctx.fillStyle = '#7f7f7f';
      ctx.fillRect(x0, Math.round(axes.y(chance[i]!)) - 1, bw, 2);
    }
    text(
      ctx,
      opts.labels?.[i] ?? String(i + 1),
      axes.x(i + 0.5),
      axes.panel.box[1] + axes.panel.box[3] + 6,
      '#000000',
      axes.fontPx,
      'center',
      'top',
    );
  });
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  hline(axes, mean, '#d62728', false, `mean ${mean.toFixed(3)}`);
  if (chance) {
    const cm = chance.reduce((a, b) => a + b, 0) / chance.length;
    hline(axes, cm, '#555555', true, `chance ${cm.toFixed(3)}`);
  }
  return { ...fig, panels: [axes.panel] };
}

function histogram(values: number[], bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const span = hi - lo || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / span) * bins)))]!++;
  return counts;
}

function drawBars(a: Axes, counts: number[], lo: number, hi: number, color: string): void {
  const bw = (hi - lo) / counts.length;
  a.ctx.fillStyle = color;
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = a.x(lo + i * bw),
      x1 = a.x(lo + (i + 1) * bw);
    a.ctx.fillRect(x0, a.y(c), Math.max(1, x1 - x0 - 1), a.y(0) - a.y(c));
  });
}

/** Options of `nullHistogram`: the p-value to print (computed from the null when absent) and the bin count. */
export interface NullHistogramOptions extends ChartOptions {
  /** p-value to print (default: (1 + #null >= observed) / (1 + n), as scikit-learn). */
  pValue?: number;
  bins?: number;
}

/** The permutation null distribution with the observed score marked, and its p-value. */
export function nullHistogram(nullScores: ArrayLike<number>, observed: number, opts: NullHistogramOptions = {}): Figure {
  const n = finiteArray(nullScores, 'nullScores');
  if (!Number.isFinite(observed)) throw new Error(`observed: expected a finite number, got ${observed}`);
  const bins = opts.bins ?? Math.min(50, Math.max(10, Math.round(Math.sqrt(n.length) * 2)));
  const lo = Math.min(observed, ...n),
    hi = Math.max(observed, ...n);
  const pad = (hi - lo || 1) * 0.05;
  const counts = histogram(n, bins, lo, hi);
  const p = opts.pValue ?? (1 + n.filter((v) => v >= observed).length) / (1 + n.length);
  const { fig, axes } = chartFrame(
    { xlabel: 'score', ylabel: 'permutations', ...opts },
    [lo - pad, hi + pad],
    [0, Math.max(...counts) * 1.15],
    true,
  );
  drawBars(axes, counts, lo, hi, '#9ecae1');
  const px = Math.round(axes.x(observed)) + 0.5;
  const [, t, , h] = axes.panel.box;
  axes.ctx.strokeStyle = '#d62728';
  axes.ctx.lineWidth = Math.max(1.5, axes.dpi / 50);
  axes.ctx.beginPath();
  axes.ctx.moveTo(px, t);
  axes.ctx.lineTo(px, t + h);
  axes.ctx.stroke();
  const label = `observed ${observed.toFixed(3)}, p = ${p < 1e-4 ? p.toExponential(1) : p.toFixed(4)}`;
  const rightSide = px > axes.panel.box[0] + axes.panel.box[2] / 2;
  text(axes.ctx, label, px + (rightSide ? -6 : 6), t + axes.fontPx, '#d62728', axes.fontPx, rightSide ? 'right' : 'left', 'middle');
  return { ...fig, panels: [axes.panel] };
}

/** Options of `scoreHistogram`: the chance level to mark and the bin count. */
export interface ScoreHistogramOptions extends ChartOptions {
  bins?: number;
  /** Mark this score (e.g. chance) with a dashed line. */
  chance?: number;
}

/** Distribution of map values (e.g. searchlight accuracies), NaNs and zeros outside the mask skipped by the caller. */
export function scoreHistogram(values: ArrayLike<number>, opts: ScoreHistogramOptions = {}): Figure {
  const v = Array.from(values).filter((x) => Number.isFinite(x));
  if (v.length === 0) throw new Error('values: no finite value to histogram');
  let lo = Infinity,
    hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (opts.chance !== undefined) {
    lo = Math.min(lo, opts.chance);
    hi = Math.max(hi, opts.chance);
  }
  const bins = opts.bins ?? 40;
  const counts = histogram(v, bins, lo, hi);
  const pad = (hi - lo || 1) * 0.03;
  const { fig, axes } = chartFrame(
    { xlabel: 'score', ylabel: 'voxels', ...opts },
    [lo - pad, hi + pad],
    [0, Math.max(...counts) * 1.1],
    true,
  );
  drawBars(axes, counts, lo, hi, '#1f77b4');
  if (opts.chance !== undefined) {
    const px = Math.round(axes.x(opts.chance)) + 0.5;
    const [, t, , h] = axes.panel.box;
    axes.ctx.strokeStyle = '#555555';
    axes.ctx.setLineDash([6, 4]);
    axes.ctx.beginPath();
    axes.ctx.moveTo(px, t);
    axes.ctx.lineTo(px, t + h);
    axes.ctx.stroke();
    axes.ctx.setLineDash([]);
    text(axes.ctx, `chance ${formatTick(opts.chance)}`, px + 4, t + axes.fontPx, '#555555', axes.fontPx * 0.9);
  }
  return { ...fig, panels: [axes.panel] };
}

/** Options of `confusionMatrix`: class labels in row/column order, counts or row fractions, size. */
export interface ConfusionMatrixOptions extends CommonOptions {
  labels?: string[];
  /** Show row-normalised fractions (default false: counts). */
  normalize?: boolean;
  /** Size in inches (default 4 + 0.25 per class). */
  size?: number;
}

/** Confusion matrix: rows are true classes, columns predicted, shaded by row fraction. */
export function confusionMatrix(matrix: number[][], opts: ConfusionMatrixOptions = {}): Figure {
  if (!Array.isArray(matrix) || matrix.length === 0) throw new Error('matrix: expected a non-empty square array of counts');
  const k = matrix.length;
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== k)
      throw new Error(`matrix: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries; expected ${k} (square)`);
    finiteArray(row, `matrix[${i}]`);
  });
  const labels = opts.labels ?? matrix.map((_, i) => String(i));
  if (labels.length !== k) throw new Error(`labels: expected ${k} labels, got ${labels.length}`);
  const dpi = checkDpi(opts.dpi);
  const size = Math.round((opts.size ?? 4 + 0.25 * k) * dpi);
  const fontPx = Math.max(8, Math.round((9 * dpi) / 72));
  const { canvas, ctx } = newCanvas(opts, size, size, '#ffffff');
  const longest = Math.max(...labels.map((l) => l.length));
  const margin = Math.round(Math.min(size * 0.35, fontPx * (2.5 + longest * 0.6)));
  const top = opts.title ? Math.round(fontPx * 2.6) : Math.round(fontPx);
  const cell = Math.floor(Math.min(size - margin - fontPx, size - top - margin) / k);
  const left = margin,
    gridTop = top;
  const blues = getColormap('blues');
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      const frac = v / total;
      const q = Math.round(frac * 255) * 3;
      ctx.fillStyle = `rgb(${blues.lut[q]},${blues.lut[q + 1]},${blues.lut[q + 2]})`;
      ctx.fillRect(left + j * cell, gridTop + i * cell, cell, cell);
      const s = opts.normalize ? frac.toFixed(2) : String(v);
      text(
        ctx,
        s,
        left + (j + 0.5) * cell,
        gridTop + (i + 0.5) * cell,
        frac > 0.5 ? '#ffffff' : '#000000',
        Math.min(fontPx, cell * 0.4),
        'center',
        'middle',
      );
    });
    text(ctx, labels[i]!, left - 4, gridTop + (i + 0.5) * cell, '#000000', fontPx, 'right', 'middle');
  });
  labels.forEach((l, j) => {
    ctx.save();
    ctx.translate(left + (j + 0.5) * cell, gridTop + k * cell + 4);
    ctx.rotate(-Math.PI / 4);
    text(ctx, l, 0, 0, '#000000', fontPx, 'right', 'middle');
    ctx.restore();
  });
  text(ctx, 'predicted', left + (k * cell) / 2, size - fontPx * 0.4, '#000000', fontPx, 'center', 'alphabetic');
  ctx.save();
  ctx.translate(fontPx, gridTop + (k * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  text(ctx, 'true', 0, 0, '#000000', fontPx, 'center', 'middle');
  ctx.restore();
  drawTitle(ctx, opts.title, [left, 0, k * cell, fontPx * 2.2], '#000000', fontPx);
  const panel: Panel = {
    view: 'chart',
    box: [left, gridTop, k * cell, k * cell],
    extent: [
      [-0.5, k - 0.5],
      [k - 0.5, -0.5],
    ],
  };
  return { canvas, width: size, height: size, dpi, notices: [], panels: [panel] };
}
