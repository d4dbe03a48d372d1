// Test fixtures: a Gaussian blob on the 2 mm MNI grid, and colour-centroid measurement of figure panels.
import { NiftiImage } from '@neurodecode/nifti-io';
import { pixelToWorld, viewAxes, type Figure, type Panel, type View } from '../src/index.js';

export const BLOB_MM: [number, number, number] = [-38, -64, 12];
export const MNI2_AFFINE = [[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]];

/** amplitude * exp(-r^2 / 2 sigma^2) around `centre` on the 91x109x91 2 mm MNI grid. */
export function blobImage(centre = BLOB_MM, amplitude = 5, sigma = 6, sign = 1): NiftiImage {
  const [nx, ny, nz] = [91, 109, 91];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const x = -2 * i + 90, y = 2 * j - 126, z = 2 * k - 72;
    const r2 = (x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2;
    data[i + nx * (j + ny * k)] = sign * amplitude * Math.exp(-r2 / (2 * sigma * sigma));
  }
  return new NiftiImage({ data, shape: [nx, ny, nz], affine: MNI2_AFFINE });
}

export function pixels(fig: Figure): Uint8ClampedArray {
  const ctx = fig.canvas.getContext('2d') as unknown as CanvasRenderingContext2D;
  return ctx.getImageData(0, 0, fig.width, fig.height).data;
}

/** Centroid (mm, in the panel's plane) of the panel's pixels whose colour passes `isColoured`. */
export function colourCentroid(fig: Figure, panel: Panel, isColoured = chroma(80), rgba = pixels(fig)): { h: number; v: number; n: number } {
  const [l, t, w, h] = panel.box;
  let sh = 0, sv = 0, n = 0;
  for (let y = t; y < t + h; y++) for (let x = l; x < l + w; x++) {
    const p = (y * fig.width + x) * 4;
    if (!isColoured(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!)) continue;
    const mm = pixelToWorld(panel, x, y);
    sh += mm.h; sv += mm.v; n++;
  }
  return { h: sh / n, v: sv / n, n };
}

export function chroma(min: number): (r: number, g: number, b: number) => boolean {
  return (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) > min;
}

/** Distance (mm) between a panel's colour centroid and a point's in-plane coordinates. */
export function inPlaneDistance(view: View, c: { h: number; v: number }, point: [number, number, number]): number {
  const a = viewAxes(view);
  return Math.hypot(c.h - point[a.h], c.v - point[a.v]);
}
