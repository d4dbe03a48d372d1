// Test fixtures: a Gaussian blob on the 2 mm MNI grid, and colour-centroid measurement of figure panels.
import { NiftiImage } from '@neurodecode/nifti-io';
import { chroma, colourCentroid as probeCentroid, viewAxes, type Figure, type Panel, type PixelTest, type View } from '../src/index.js';
export { chroma };

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

/** Centroid of a figure panel's pixels passing `test` (default: clearly coloured). */
export function colourCentroid(fig: Figure, panel: Panel, test: PixelTest = chroma(80), rgba = pixels(fig)): { h: number; v: number; n: number } {
  return probeCentroid(rgba, fig.width, panel, test);
}

/** Distance (mm) between a panel's colour centroid and a point's in-plane coordinates. */
export function inPlaneDistance(view: View, c: { h: number; v: number }, point: [number, number, number]): number {
  const a = viewAxes(view);
  return Math.hypot(c.h - point[a.h], c.v - point[a.v]);
}
