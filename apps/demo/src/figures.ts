// Figures drawn by @neurodecode/plotting on the page's own canvases: per-fold scores against
// chance, the confusion matrix, the permutation null distribution, and the searchlight and
// coefficient maps over the mean image (the same figures the CLI's reports hold).
import {
  confusionMatrix,
  foldScores,
  layoutOf,
  nullHistogram,
  statMap,
  type CanvasFactory,
  type CanvasLike,
  type Figure,
} from '@neurodecode/plotting';
import type { NiftiImage } from '@neurodecode/nifti-io/browser';
import type { DecodeResult, PermutationResult } from './protocol.js';

/** Figures on DOM canvases (so they can be shown and saved); raster tiles on OffscreenCanvas. */
const factory: CanvasFactory = (width, height, purpose) => {
  if (purpose === 'scratch' && typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height) as unknown as CanvasLike;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas as unknown as CanvasLike;
};

/** Screen pixels per CSS pixel (1 or 2): figures are drawn at 100 dpi times this, shown at 100 dpi. */
const ratio = (): number => Math.min(2, Math.max(1, Math.round(globalThis.devicePixelRatio || 1)));
const dpi = () => 100 * ratio();

function element(fig: Figure, label: string): HTMLCanvasElement {
  const canvas = fig.canvas as unknown as HTMLCanvasElement;
  canvas.classList.add('figure');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.dataset.figure = label;
  // Where each panel sits (pixels to mm), so a reader (or the tests) can map pixels back to the brain.
  canvas.dataset.layout = JSON.stringify(layoutOf(fig));
  if (fig.notices.length) canvas.title = fig.notices.join('\n');
  canvas.style.width = `${Math.round(canvas.width / ratio())}px`;
  return canvas;
}

export function decodeFigures(r: DecodeResult): HTMLCanvasElement[] {
  return [
    element(
      foldScores(r.cvScores, {
        canvas: factory,
        dpi: dpi(),
        chance: r.chance,
        ylabel: r.scoring,
        title: `${r.estimator}: ${r.classes.join(' vs ')}`,
      }),
      'fold scores',
    ),
    element(
      confusionMatrix(r.confusion, { canvas: factory, dpi: dpi(), labels: r.classes, title: 'confusion (test folds)' }),
      'confusion matrix',
    ),
  ];
}

export function permutationFigures(r: PermutationResult): HTMLCanvasElement[] {
  return [
    element(
      nullHistogram(r.nullScores, r.score, {
        canvas: factory,
        dpi: dpi(),
        pValue: r.pvalue,
        xlabel: 'accuracy',
        title: `${r.nPermutations} permutations`,
      }),
      'null distribution',
    ),
  ];
}

/** A map over the mean image: one axial cut for single-slice data, three orthogonal cuts otherwise. */
export function mapFigure(
  map: NiftiImage,
  mean: NiftiImage,
  label: string,
  opts: { threshold?: number; vmax?: number; cmap?: string; title: string },
): HTMLCanvasElement {
  const flat = (map.shape[2] ?? 1) === 1;
  return element(
    statMap(map, {
      canvas: factory,
      dpi: dpi(),
      bg: mean,
      displayMode: flat ? 'z' : 'ortho',
      cutCoords: flat ? 1 : undefined,
      threshold: opts.threshold,
      vmax: opts.vmax,
      cmap: opts.cmap,
      title: opts.title,
      colorbar: true,
    }),
    label,
  );
}

/** PNG data URLs of the figures inside `root`, for the HTML report. */
export function figureImages(root: HTMLElement): string {
  return Array.from(root.querySelectorAll<HTMLCanvasElement>('canvas.figure'))
    .map((c) => `<img alt="${c.dataset.figure ?? 'figure'}" src="${c.toDataURL('image/png')}" width="${Math.round(c.width / ratio())}">`)
    .join('\n');
}
