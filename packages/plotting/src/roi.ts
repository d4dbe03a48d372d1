// roi (nilearn's plot_roi): several masks at once, filled or outlined, each with its colour, and a legend.
import type { NiftiImage } from '@neurodecode/nifti-io';
import { PALETTE, parseColor } from './colormaps.js';
import { text, type Figure } from './figure.js';
import { edgesOf, maskTile, paintWhere } from './raster.js';
import { backgroundVolume, drawSliceFigure, type SliceOptions } from './slices.js';
import { toVolume, valueStats, type Volume } from './volume.js';

/** One mask of `roi`: the image (non-zero voxels are inside), its legend label and colour (a palette colour when absent). */
export interface RoiEntry {
  img: NiftiImage;
  /** Legend text (default "ROI n"). */
  label?: string;
  /** CSS colour (#rrggbb, rgb(), or a name); default from the tab10 palette. */
  color?: string;
}

/** Options of `roi`: slice options plus `style` (`filled` or `contours`), `alpha` and the legend. */
export interface RoiOptions extends SliceOptions {
  /** 'filled' (default) or 'contours'. */
  style?: 'filled' | 'contours';
  /** Fill opacity (default 0.6; contours are opaque). */
  alpha?: number;
  legend?: boolean;
}

/** Several masks over a background, filled or as contours, each in its colour, with a legend (nilearn's plot_roi). */
export function roi(masks: RoiEntry[], opts: RoiOptions = {}): Figure {
  if (!Array.isArray(masks) || masks.length === 0) throw new Error('masks: give at least one ROI image');
  const style = opts.style ?? 'filled';
  if (style !== 'filled' && style !== 'contours') throw new Error(`style: expected "filled" or "contours", got "${String(style)}"`);
  const alpha = opts.alpha ?? 0.6;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha: expected 0..1, got ${opts.alpha}`);
  const entries = masks.map((m, i) => {
    const arg = `masks[${i}]`;
    const vol = toVolume(m.img, arg);
    if (valueStats(vol.data).nonzero === 0) throw new Error(`${arg}: the mask is empty (no non-zero voxel)`);
    return {
      vol,
      label: m.label ?? `ROI ${i + 1}`,
      color: m.color ?? PALETTE[i % PALETTE.length]!,
      rgb: parseColor(m.color ?? PALETTE[i % PALETTE.length]!, `${arg}.color`),
    };
  });
  const notices: string[] = [];
  const bg = backgroundVolume(opts.bg, entries[0]!.vol, opts.bgVolume, notices);
  const focus = unionMask(entries.map((e) => e.vol));
  const showLegend = opts.legend ?? true;
  const longest = Math.max(...entries.map((e) => e.label.length));
  return drawSliceFigure(
    {
      bg,
      focus,
      notices,
      focusThreshold: 0.5,
      overlays: entries.map((e) => (rgba: Uint8ClampedArray, panel) => {
        const inside = maskTile(e.vol, panel);
        const [, , w, h] = panel.box;
        if (style === 'filled') paintWhere(rgba, inside, e.rgb, alpha);
        else paintWhere(rgba, edgesOf(inside, w, h), e.rgb, 1);
      }),
      sideWidth: showLegend ? Math.max(0.8, 0.25 + longest * 0.075) : 0,
      side: showLegend
        ? (ctx, frame, fg) => {
            const [l, t] = frame.side;
            const f = frame.fontPx;
            entries.forEach((e, i) => {
              const y = t + f * (0.5 + 1.6 * i);
              ctx.fillStyle = e.color;
              ctx.fillRect(l + f * 0.6, y, f, f);
              text(ctx, e.label, l + f * 2, y + f / 2, fg, f, 'left', 'middle');
            });
          }
        : undefined,
    },
    opts,
  );
}

/** One binary volume on the first mask's grid marking every mask (others by nearest voxel). */
function unionMask(vols: Volume[]): Volume {
  const ref = vols[0]!;
  const out = new Uint8Array(ref.data.length);
  const [nx, ny] = ref.shape;
  for (const v of vols) {
    for (let p = 0; p < out.length; p++) {
      if (v === ref) {
        if (ref.data[p] !== 0 && Number.isFinite(ref.data[p]!)) out[p] = 1;
        continue;
      }
      const i = p % nx,
        j = Math.floor(p / nx) % ny,
        k = Math.floor(p / (nx * ny));
      const a = ref.affine;
      const x = a[0]![0]! * i + a[0]![1]! * j + a[0]![2]! * k + a[0]![3]!;
      const y = a[1]![0]! * i + a[1]![1]! * j + a[1]![2]! * k + a[1]![3]!;
      const z = a[2]![0]! * i + a[2]![1]! * j + a[2]![2]! * k + a[2]![3]!;
      const m = v.inverse;
      const vi = Math.round(m[0]![0]! * x + m[0]![1]! * y + m[0]![2]! * z + m[0]![3]!);
      const vj = Math.round(m[1]![0]! * x + m[1]![1]! * y + m[1]![2]! * z + m[1]![3]!);
      const vk = Math.round(m[2]![0]! * x + m[2]![1]! * y + m[2]![2]! * z + m[2]![3]!);
      if (vi < 0 || vj < 0 || vk < 0 || vi >= v.shape[0] || vj >= v.shape[1] || vk >= v.shape[2]) continue;
      const val = v.data[vi + v.shape[0] * (vj + v.shape[1] * vk)]!;
      if (val !== 0 && Number.isFinite(val)) out[p] = 1;
    }
  }
  return { ...ref, data: out };
}
