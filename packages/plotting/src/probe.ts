// Where colour landed: the mm centroid of the pixels of a panel that pass a colour test. Lets
// tests (and users checking a figure) map drawn pixels back to the brain through the layout.
import { pixelToWorld, type Panel } from './layout.js';

/** Whether a pixel (0-255 channels) counts, for `colourCentroid`. */
export type PixelTest = (r: number, g: number, b: number) => boolean;

/** Pixels whose strongest and weakest channels differ by more than `min` (not grey). */
export function chroma(min: number): PixelTest {
  return (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) > min;
}

/** Centroid, in the panel's extent units, of its pixels passing `test`; n = how many (NaN centroid when 0). */
export function colourCentroid(
  rgba: ArrayLike<number>,
  figureWidth: number,
  panel: Panel,
  test: PixelTest = chroma(80),
): { h: number; v: number; n: number } {
  const [l, t, w, h] = panel.box;
  let sh = 0,
    sv = 0,
    n = 0;
  for (let y = t; y < t + h; y++)
    for (let x = l; x < l + w; x++) {
      const p = (y * figureWidth + x) * 4;
      if (!test(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!)) continue;
      const mm = pixelToWorld(panel, x, y);
      sh += mm.h;
      sv += mm.v;
      n++;
    }
  return { h: sh / n, v: sv / n, n };
}
