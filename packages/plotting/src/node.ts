// Node entry: the same figures drawn with @napi-rs/canvas (prebuilt binaries from the npm
// registry), file output (PNG with dpi, SVG), and image arguments given as paths.
import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage, SvgExportFlag, type Canvas } from '@napi-rs/canvas';
import { loadImg, type ImgLike } from '@neurodecode/image-ops';
import { writeFileAtomicSync, type NiftiImage } from '@neurodecode/nifti-io';
import type { CanvasFactory, CanvasLike } from './canvas.js';
import type { Figure } from './figure.js';
import { setPngDpi } from './png.js';
import * as figures from './index.js';

export * from './index.js';

/** Raster canvases from @napi-rs/canvas. */
export const nodeCanvas: CanvasFactory = (w, h) => createCanvas(w, h) as unknown as CanvasLike;

/** Draw the figure as SVG (text as paths; image panels embedded as PNG tiles). */
export const svgCanvas: CanvasFactory = (w, h, purpose) =>
  (purpose === 'figure' ? createCanvas(w, h, SvgExportFlag.ConvertTextToPaths) : createCanvas(w, h)) as unknown as CanvasLike;

/** The factory for an output path: SVG for .svg, raster otherwise. */
export function canvasFor(path: string): CanvasFactory {
  return /\.svg$/i.test(path) ? svgCanvas : nodeCanvas;
}

/** PNG bytes of a raster figure, with its dpi recorded. */
export function encodePng(fig: Figure): Uint8Array {
  const c = fig.canvas as unknown as Canvas & { getContent?: () => Buffer };
  if (typeof c.encodeSync !== 'function') throw new Error('figure: not drawn on a @napi-rs/canvas raster canvas (use nodeCanvas)');
  return setPngDpi(c.encodeSync('png'), fig.dpi);
}

/** Write `bytes` to `path` through a temporary file and a rename: never a half-written file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  // Synchronous, so an interrupted CLI (SIGINT/SIGTERM) leaves either no file or the whole one,
  // and never a temporary.
  writeFileAtomicSync(path, bytes);
}

/** Save a figure as .png (raster canvas) or .svg (drawn with svgCanvas / canvasFor(path)). */
export async function saveFigure(fig: Figure, path: string): Promise<void> {
  if (/\.svg$/i.test(path)) {
    const c = fig.canvas as unknown as { getContent?: () => Buffer };
    if (typeof c.getContent !== 'function')
      throw new Error(`${path}: the figure was drawn on a raster canvas; draw it with canvas: svgCanvas (canvasFor(path)) to save SVG`);
    await writeFileAtomic(path, c.getContent());
    return;
  }
  if (!/\.png$/i.test(path)) throw new Error(`${path}: output must end in .png or .svg`);
  await writeFileAtomic(path, encodePng(fig));
}

/** Decode a PNG (bytes or file path) to RGBA pixels. */
export async function readPngPixels(png: Uint8Array | string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const image = await loadImage(typeof png === 'string' ? await readFile(png) : Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
}

/** Load images given as paths (NiftiImage values pass through). */
export async function loadImages(imgs: ImgLike[]): Promise<NiftiImage[]> {
  return Promise.all(imgs.map((img, i) => loadImg(img, {}, imgs.length > 1 ? `img[${i}]` : 'img')));
}

// The figure functions with @napi-rs/canvas as the default canvas (explicit exports win over `export *`).
type WithCanvas<F> = F extends (a: infer A, o?: infer O) => Figure ? (a: A, o?: O) => Figure : never;
function withNodeCanvas<F extends (a: never, o?: { canvas?: CanvasFactory }) => Figure>(f: F): WithCanvas<F> {
  return ((a: never, o: { canvas?: CanvasFactory } = {}) => f(a, { canvas: nodeCanvas, ...o })) as WithCanvas<F>;
}
/** `statMap` drawing on @napi-rs/canvas unless `canvas` is given: a map over a background. */
export const statMap = withNodeCanvas(figures.statMap);
/** `glassBrain` drawing on @napi-rs/canvas unless `canvas` is given: projections in a brain outline. */
export const glassBrain = withNodeCanvas(figures.glassBrain);
/** `roi` drawing on @napi-rs/canvas unless `canvas` is given: masks, filled or as contours. */
export const roi = withNodeCanvas(figures.roi);
/** `anat` drawing on @napi-rs/canvas unless `canvas` is given: an anatomical image alone. */
export const anat = withNodeCanvas(figures.anat);
/** `epi` drawing on @napi-rs/canvas unless `canvas` is given: a functional volume alone. */
export const epi = withNodeCanvas(figures.epi);
/** `foldScores` drawing on @napi-rs/canvas unless `canvas` is given: per-fold scores against chance. */
export const foldScores = withNodeCanvas(figures.foldScores);
/** `scoreHistogram` drawing on @napi-rs/canvas unless `canvas` is given: the distribution of map values. */
export const scoreHistogram = withNodeCanvas(figures.scoreHistogram);
/** `confusionMatrix` drawing on @napi-rs/canvas unless `canvas` is given. */
export const confusionMatrix = withNodeCanvas(figures.confusionMatrix);
/** `nullHistogram` drawing on @napi-rs/canvas unless `canvas` is given: the permutation null with the observed score. */
export function nullHistogram(nullScores: ArrayLike<number>, observed: number, o: figures.NullHistogramOptions = {}): Figure {
  return figures.nullHistogram(nullScores, observed, { canvas: nodeCanvas, ...o });
}
