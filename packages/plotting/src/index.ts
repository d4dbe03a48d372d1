// @neurodecode/plotting: brain figures and result charts on the Canvas 2D API. This entry has no
// Node imports: pass a canvas factory (or rely on OffscreenCanvas in browsers). Node users import
// '@neurodecode/plotting/node', which supplies @napi-rs/canvas, file paths and PNG/SVG output.
export type { CanvasFactory, CanvasLike, Context2D } from './canvas.js';
export { defaultCanvasFactory } from './canvas.js';
export { COLORMAP_NAMES, PALETTE, getColormap, parseColor, type Colormap } from './colormaps.js';
export { layoutOf, formatTick, type Figure, type CommonOptions } from './figure.js';
export { pixelToWorld, viewAxes, type FigureLayout, type Panel, type View } from './layout.js';
export { findXyzCutCoords, findCutSlices } from './cuts.js';
export { statMap, anat, epi, valueScale, type StatMapOptions, type ValueScale } from './stat-map.js';
export { DISPLAY_MODES, type DisplayMode, type SliceOptions } from './slices.js';
export { glassBrain, GLASS_DISPLAY_MODES, type GlassBrainOptions, type GlassDisplayMode } from './glass-brain.js';
export { roi, type RoiEntry, type RoiOptions } from './roi.js';
export {
  foldScores,
  nullHistogram,
  scoreHistogram,
  confusionMatrix,
  type ChartOptions,
  type FoldScoresOptions,
  type NullHistogramOptions,
  type ScoreHistogramOptions,
  type ConfusionMatrixOptions,
} from './charts.js';
export { setPngDpi, pngDpi } from './png.js';
export { toVolume, worldBounds, type Volume, type Extent, type Bounds } from './volume.js';
export { colourCentroid, chroma, type PixelTest } from './probe.js';
