// The drawing surface: the Canvas 2D API as both the browser (HTMLCanvasElement, OffscreenCanvas)
// and @napi-rs/canvas (Node entry) provide it. Figures only use this subset, so one code path
// draws everywhere.

/** The part of CanvasRenderingContext2D the figures use. */
export type Context2D = Pick<
  CanvasRenderingContext2D,
  | 'fillRect'
  | 'strokeRect'
  | 'clearRect'
  | 'fillText'
  | 'measureText'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'closePath'
  | 'stroke'
  | 'fill'
  | 'arc'
  | 'rect'
  | 'save'
  | 'restore'
  | 'translate'
  | 'rotate'
  | 'setLineDash'
  | 'createImageData'
  | 'putImageData'
  | 'drawImage'
> & {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  globalAlpha: number;
  imageSmoothingEnabled: boolean;
};

/** A canvas: HTMLCanvasElement, OffscreenCanvas, @napi-rs/canvas or the SVG canvas of the Node entry. */
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): Context2D | null;
}

/**
 * Makes canvases. `purpose` is 'figure' for the one the figure is drawn on and 'scratch' for the
 * raster tiles of image panels (drawn onto the figure with drawImage, so vector back ends such as
 * an SVG canvas embed them as images).
 */
export type CanvasFactory = (width: number, height: number, purpose: 'figure' | 'scratch') => CanvasLike;

/** The browser's OffscreenCanvas when there is one; Node users pass the factory from '@neurodecode/plotting/node'. */
export function defaultCanvasFactory(): CanvasFactory {
  const Offscreen = (globalThis as { OffscreenCanvas?: new (w: number, h: number) => unknown }).OffscreenCanvas;
  if (!Offscreen) {
    throw new Error(
      "canvas: no canvas factory given and no OffscreenCanvas here; in Node import the figure functions from '@neurodecode/plotting/node'",
    );
  }
  return (w, h) => new Offscreen(w, h) as unknown as CanvasLike;
}

export function context2d(canvas: CanvasLike): Context2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas: getContext("2d") returned null');
  return ctx;
}
