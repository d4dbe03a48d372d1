// Colour maps as 256-entry RGB lookup tables built from control points (linear between them).
// Names follow matplotlib/nilearn; `NAME_r` reverses any of them.

type Stop = [position: number, r: number, g: number, b: number];

const STOPS: Record<string, Stop[]> = {
  gray: [
    [0, 0, 0, 0],
    [1, 1, 1, 1],
  ],
  // nilearn's cold_hot: cyan -> blue -> black at zero -> red -> yellow.
  cold_hot: [
    [0, 0, 1, 1],
    [0.25, 0, 0, 1],
    [0.5, 0, 0, 0],
    [0.75, 1, 0, 0],
    [1, 1, 1, 0],
  ],
  // The same with white at zero, for white backgrounds (nilearn's glass-brain default).
  cold_white_hot: [
    [0, 0, 1, 1],
    [0.25, 0, 0, 1],
    [0.5, 1, 1, 1],
    [0.75, 1, 0, 0],
    [1, 1, 1, 0],
  ],
  hot: [
    [0, 0.0416, 0, 0],
    [0.365, 1, 0, 0],
    [0.746, 1, 1, 0],
    [1, 1, 1, 1],
  ],
  // hot without its black end, readable on a black background.
  black_red: [
    [0, 0.5, 0, 0],
    [0.5, 1, 0.2, 0],
    [1, 1, 1, 0.3],
  ],
  viridis: [
    [0, 0.267, 0.005, 0.329],
    [0.25, 0.229, 0.322, 0.546],
    [0.5, 0.128, 0.567, 0.551],
    [0.75, 0.369, 0.789, 0.383],
    [1, 0.993, 0.906, 0.144],
  ],
  nipy_spectral: [
    [0, 0, 0, 0],
    [0.1, 0.5, 0, 0.6],
    [0.2, 0, 0, 0.87],
    [0.35, 0, 0.6, 0.87],
    [0.45, 0, 0.67, 0.53],
    [0.55, 0, 0.73, 0],
    [0.65, 0.6, 1, 0],
    [0.75, 1, 0.8, 0],
    [0.85, 1, 0.2, 0],
    [0.95, 0.8, 0, 0],
    [1, 0.8, 0.8, 0.8],
  ],
  blues: [
    [0, 0.97, 0.98, 1],
    [1, 0.03, 0.19, 0.42],
  ],
  reds: [
    [0, 1, 0.96, 0.94],
    [1, 0.4, 0, 0.05],
  ],
};

/** Colour maps whose middle is zero: values are mapped from [-vmax, vmax]. */
const SYMMETRIC = new Set(['cold_hot', 'cold_white_hot']);

/** Every colour map name `getColormap` accepts (each also reversed with `_r`). */
export const COLORMAP_NAMES: readonly string[] = Object.keys(STOPS).flatMap((n) => [n, `${n}_r`]);

/** A colour map: its name, a 256-entry RGB lookup table and whether its middle stands for zero. */
export interface Colormap {
  name: string;
  /** 256 * 3 bytes, RGB. */
  lut: Uint8Array;
  /** True when the map's middle stands for zero (signed data). */
  symmetric: boolean;
}

const cache = new Map<string, Colormap>();

/** The colour map called `name` (see COLORMAP_NAMES); an unknown name is an error naming `arg`. */
export function getColormap(name: string, arg = 'cmap'): Colormap {
  const hit = cache.get(name);
  if (hit) return hit;
  const reversed = name.endsWith('_r');
  const base = reversed ? name.slice(0, -2) : name;
  const stops = STOPS[base];
  if (!stops)
    throw new Error(
      `${arg}: unknown colour map "${name}"; choose one of ${COLORMAP_NAMES.filter((n) => !n.endsWith('_r')).join(', ')} (add _r to reverse)`,
    );
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t0 = i / 255;
    const t = reversed ? 1 - t0 : t0;
    let s = 0;
    while (s < stops.length - 2 && t > stops[s + 1]![0]) s++;
    const a = stops[s]!,
      b = stops[s + 1]!;
    const f = b[0] === a[0] ? 0 : Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0])));
    for (let c = 1; c <= 3; c++) lut[i * 3 + c - 1] = Math.round(255 * (a[c]! + f * (b[c]! - a[c]!)));
  }
  const map = { name, lut, symmetric: SYMMETRIC.has(base) };
  cache.set(name, map);
  return map;
}

/** CSS colour of a LUT entry. */
export function lutColor(map: Colormap, index: number): string {
  const i = Math.max(0, Math.min(255, Math.round(index))) * 3;
  return `rgb(${map.lut[i]},${map.lut[i + 1]},${map.lut[i + 2]})`;
}

/** Distinct colours for ROIs and chart series (tab10). */
export const PALETTE: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Parse '#rgb', '#rrggbb' or 'rgb(r,g,b)' into bytes; throws naming `arg` otherwise. */
export function parseColor(color: string, arg: string): [number, number, number] {
  const s = color.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) {
    const v = parseInt(m[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1]![i]! + m![1]![i]!, 16)) as [number, number, number];
  m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.min(255, v)) as [number, number, number];
  const named = NAMED[s.toLowerCase()];
  if (named) return parseColor(named, arg);
  throw new Error(`${arg}: cannot read colour "${color}"; use #rrggbb, rgb(r,g,b) or a name (${Object.keys(NAMED).join(', ')})`);
}

const NAMED: Record<string, string> = {
  red: '#d62728',
  green: '#2ca02c',
  blue: '#1f77b4',
  orange: '#ff7f0e',
  purple: '#9467bd',
  yellow: '#ffd700',
  cyan: '#17becf',
  magenta: '#e377c2',
  white: '#ffffff',
  black: '#000000',
  gray: '#7f7f7f',
  grey: '#7f7f7f',
};
