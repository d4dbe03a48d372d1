// statMap (nilearn's plot_stat_map), anat and epi (the background alone).
import type { NiftiImage } from '@neurodecode/nifti-io';
import { getColormap, type Colormap } from './colormaps.js';
import { drawColorbar, type Figure } from './figure.js';
import { paintOverlay } from './raster.js';
import { backgroundVolume, drawSliceFigure, type SliceOptions } from './slices.js';
import { assertDrawable, percentileOf, toVolume, valueStats } from './volume.js';

/** Options of `statMap`: slice options plus threshold, vmax, colour map and colour bar. */
export interface StatMapOptions extends SliceOptions {
  /** Volume of a 4-D map to show. */
  volume?: number;
  /** |values| below this are not coloured (default 1e-6, as nilearn: zeros hidden). */
  threshold?: number;
  /** Top of the colour scale (default the largest |value|). */
  vmax?: number;
  /** Colour map (default cold_hot; any name from COLORMAP_NAMES). */
  cmap?: string;
  colorbar?: boolean;
  /** Opacity of the map over the background, 0..1 (default 1). */
  alpha?: number;
}

/** How a map's values become colours, as {@link valueScale} builds it. */
export interface ValueScale {
  /** The colour map (256 entries). */
  cmap: Colormap;
  /** The colour map is centred on zero (negative values have colours). */
  symmetric: boolean;
  /** Value at the colour bar's low end: -vmax for a symmetric map of data with negative values, else 0. */
  lo: number;
  /** Value at the colour bar's high end (vmax). */
  hi: number;
  /** Values with |v| below it stay uncoloured. */
  threshold: number;
  /** Colour-map index 0..255 of a value, or -1 for NaN, 0, values under the threshold and (non-symmetric maps) negative values. */
  toIndex: (v: number) => number;
}

/**
 * How values become colours. Symmetric maps (cold_hot) span [-vmax, vmax] with zero in the
 * middle; the colour bar shows only [0, vmax] when the data has no negative value (nilearn's
 * symmetric_cbar='auto'). Other maps span [0, vmax] and leave negative values uncoloured.
 */
export function valueScale(cmapName: string, vmax: number, threshold: number, hasNegative: boolean, plotAbs = false): ValueScale {
  const cmap = getColormap(cmapName);
  const sym = cmap.symmetric;
  const toIndex = (v: number): number => {
    if (!(v === v)) return -1;
    const x = plotAbs ? Math.abs(v) : v;
    if (Math.abs(x) < threshold || x === 0) return -1;
    if (sym) return Math.max(0, Math.min(255, Math.round(((x + vmax) / (2 * vmax)) * 255)));
    if (x < 0) return -1;
    return Math.max(0, Math.min(255, Math.round((x / vmax) * 255)));
  };
  return { cmap, symmetric: sym, lo: sym && hasNegative && !plotAbs ? -vmax : 0, hi: vmax, threshold, toIndex };
}

export function checkThresholds(
  opts: { threshold?: number; vmax?: number },
  maxAbs: number,
  notices: string[],
  defaultThreshold = 1e-6,
): { threshold: number; vmax: number } {
  const threshold = opts.threshold ?? defaultThreshold;
  if (!Number.isFinite(threshold) || threshold < 0) throw new Error(`threshold: expected a number >= 0, got ${threshold}`);
  const vmax = opts.vmax ?? maxAbs;
  if (!Number.isFinite(vmax) || vmax <= 0) throw new Error(`vmax: expected a number > 0, got ${vmax}`);
  if (threshold >= maxAbs) notices.push(`threshold: ${threshold} is at or above the largest |value| (${maxAbs}); no voxel is coloured`);
  return { threshold, vmax };
}

export function checkAlpha(alpha: number | undefined, fallback: number): number {
  const a = alpha ?? fallback;
  if (!(a >= 0 && a <= 1)) throw new Error(`alpha: expected 0..1, got ${alpha}`);
  return a;
}

/** A statistical map over a background, with colour bar, cuts and annotations. */
export function statMap(img: NiftiImage, opts: StatMapOptions = {}): Figure {
  const map = toVolume(img, 'img', opts.volume);
  const stats = valueStats(map.data);
  assertDrawable(stats, 'img');
  const notices: string[] = [];
  const { threshold, vmax } = checkThresholds(opts, stats.maxAbs, notices);
  const scale = valueScale(opts.cmap ?? 'cold_hot', vmax, threshold, stats.min < 0);
  const alpha = checkAlpha(opts.alpha, 1);
  const bg = backgroundVolume(opts.bg, map, opts.bgVolume, notices);
  const focusThreshold = threshold > 1e-6 ? threshold : undefined;
  return drawSliceFigure(
    {
      bg,
      focus: map,
      focusThreshold,
      notices,
      overlays: [(rgba, panel) => paintOverlay(rgba, map, panel, scale.cmap.lut, scale.toIndex, alpha)],
      sideWidth: opts.colorbar === false ? 0 : 0.75,
      side: opts.colorbar === false ? undefined : (ctx, frame, fg) => drawColorbar(ctx, scale, frame.side, frame.dpi, fg, frame.fontPx),
    },
    opts,
  );
}

/** An anatomical image alone (nilearn's plot_anat): grey, black background. */
export function anat(img: NiftiImage, opts: SliceOptions & { volume?: number } = {}): Figure {
  return backgroundOnly(img, opts, 'gray');
}

/** A functional (EPI) volume alone (nilearn's plot_epi): a spectral colour map shows its contrast. */
export function epi(img: NiftiImage, opts: SliceOptions & { volume?: number; cmap?: string } = {}): Figure {
  return backgroundOnly(img, opts, opts.cmap ?? 'nipy_spectral');
}

function backgroundOnly(img: NiftiImage, opts: SliceOptions & { volume?: number }, cmapName: string): Figure {
  const vol = toVolume(img, 'img', opts.volume);
  assertDrawable(valueStats(vol.data), 'img');
  const nz = (v: number) => v !== 0;
  const lo = percentileOf(vol.data, 2, nz),
    hi = percentileOf(vol.data, 99.5, nz);
  const cmap = getColormap(cmapName);
  const toIndex = (v: number) => (v !== 0 && v === v ? Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo || 1)) * 255))) : -1);
  const bright = opts.bgBrightness ?? 1;
  const lut = bright === 1 ? cmap.lut : cmap.lut.map((x) => Math.round(x * bright));
  return drawSliceFigure(
    {
      focus: vol,
      notices: [],
      sideWidth: 0,
      overlays: [(rgba, panel) => paintOverlay(rgba, vol, panel, lut, toIndex)],
    },
    { ...opts, bg: null },
  );
}
