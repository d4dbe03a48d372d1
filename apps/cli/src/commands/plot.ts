// neurodecode plot stat-map|glass-brain|roi|anat|epi IMG... --out FIG.png: static figures, with
// the layout (where each view is drawn, in pixels and mm) on --json.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import {
  anat,
  canvasFor,
  epi,
  glassBrain,
  layoutOf,
  roi,
  saveFigure,
  statMap,
  type Figure,
  type DisplayMode,
  type GlassDisplayMode,
} from '@neurodecode/plotting/node';
import { resolveBackground } from '../report/background.js';
import { guardPaths, pathArgs } from '../guard.js';
import { log, parseIntArg, parseNumberArg, printJson } from '../util.js';

const KINDS = ['stat-map', 'glass-brain', 'roi', 'anat', 'epi'] as const;
type Kind = (typeof KINDS)[number];

interface PlotOptions {
  out: string;
  bg?: string;
  threshold?: string;
  vmax?: string;
  cutCoords?: string;
  displayMode?: string;
  cmap?: string;
  title?: string;
  dpi: string;
  volume?: string;
  style?: string;
  labels?: string;
  colors?: string;
  colorbar: boolean;
  signed?: boolean;
  json?: boolean;
}

/** A comma list gives mm positions; one integer (x/y/z/mosaic) gives how many cuts, as nilearn. */
export function parseCutCoords(value: string): number | number[] {
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const parts = s.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new Error(`--cut-coords: expected x,y,z in mm or a number of cuts, got "${value}"`);
  return parts.map((p) => parseNumberArg('--cut-coords', p.trim()));
}

/** Fail before any work when the output cannot be written. */
export function checkFigureOut(out: string | undefined, flag = '--out'): string {
  if (!out) throw new Error(`${flag}: required (a .png or .svg path)`);
  if (!/\.(png|svg)$/i.test(out)) throw new Error(`${flag}: must end in .png or .svg, got "${out}"`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${flag}: folder does not exist: ${dir}`);
  return out;
}

/** Library option names in errors -> the flags the user typed. */
const FLAG_OF: Record<string, string> = {
  cutCoords: '--cut-coords',
  displayMode: '--display-mode',
  cmap: '--cmap',
  threshold: '--threshold',
  vmax: '--vmax',
  dpi: '--dpi',
  bg: '--bg',
  style: '--style',
  'masks[0].color': '--colors',
  volume: '--volume',
};
export function asFlagError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const m = /^([\w.\[\]]+):/.exec(err.message);
  const flag = m ? (FLAG_OF[m[1]!] ?? (/^masks\[\d+\]\.color$/.test(m[1]!) ? '--colors' : undefined)) : undefined;
  return flag ? new Error(flag + err.message.slice(m![1]!.length)) : err;
}

export function register(program: Command): void {
  program
    .command('plot')
    .description('Draw a figure of NIfTI images: stat-map, glass-brain, roi, anat or epi')
    .argument('<kind>', KINDS.join('|'))
    .argument('<img...>', 'NIfTI file(s): one map (several masks for roi)')
    .requiredOption('--out <file>', 'figure to write (.png, or .svg)')
    .option('--bg <img>', 'background image, or "none" (default: the cached MNI152 template)')
    .option('--threshold <t>', '|values| below t are not coloured (glass-brain default: the 80th percentile of non-zero |values|)')
    .option('--vmax <v>', 'top of the colour scale (default: the largest |value|)')
    .option('--cut-coords <list>', 'x,y,z in mm (ortho), mm positions (x/y/z), or a number of cuts (x/y/z/mosaic)')
    .option('--display-mode <mode>', 'ortho|x|y|z|mosaic; glass-brain also l|r|lyrz|xz|yz|yx|lzry|lyr', 'ortho')
    .option(
      '--cmap <name>',
      'colour map (cold_hot, cold_white_hot, hot, black_red, gray, viridis, nipy_spectral, blues, reds; _r reverses)',
    )
    .option('--title <text>', 'figure title')
    .option('--dpi <n>', 'pixels per inch (sizes are in inches)', '100')
    .option('--volume <n>', 'volume of a 4-D image to show')
    .option('--style <s>', 'roi: filled or contours', 'filled')
    .option('--labels <list>', 'roi: legend labels, comma-separated (default: file names)')
    .option('--colors <list>', 'roi: colours, comma-separated (#rrggbb or names)')
    .option('--no-colorbar', 'no colour bar')
    .option('--signed', 'glass-brain: keep signs instead of projecting |values|')
    .option('--json', 'print {out, width, height, panels, notices} on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Every panel in --json: view (x sagittal, y coronal, z axial, l/r sagittal from the left/right),',
        'box [left, top, width, height] in pixels, extent [[left, right], [bottom, top]] in mm.',
        '',
        'Examples:',
        '  neurodecode plot stat-map scores.nii.gz --threshold 0.6 --out map.png',
        '  neurodecode plot glass-brain weights.nii.gz --display-mode lyrz --out glass.png --json',
        '  neurodecode plot roi v1.nii.gz a1.nii.gz --labels V1,A1 --style contours --out rois.png',
        '  neurodecode plot stat-map scores.nii.gz --display-mode z --cut-coords 7 --bg none --out z.svg',
      ].join('\n'),
    )
    .action(async (kind: string, imgs: string[], opts: PlotOptions) => {
      if (!KINDS.includes(kind as Kind)) throw new Error(`kind: expected one of ${KINDS.join(', ')}, got "${kind}"`);
      const out = checkFigureOut(opts.out);
      if (kind !== 'roi' && imgs.length !== 1) throw new Error(`img: ${kind} draws one image, got ${imgs.length}`);
      for (const f of imgs) if (!existsSync(f)) throw new Error(`img: file not found: ${f}`);
      guardPaths([...pathArgs('img', imgs), ...pathArgs('--bg', opts.bg === 'none' ? undefined : opts.bg)], pathArgs('--out', out));
      const { bg, brainMask, notices } =
        kind === 'anat' || kind === 'epi' ? { bg: null, brainMask: null, notices: [] } : await resolveBackground(opts.bg);
      const images = await Promise.all(imgs.map((f) => readNifti(f)));
      const common = {
        canvas: canvasFor(out),
        dpi: parseNumberArg('--dpi', opts.dpi),
        title: opts.title,
        cutCoords: opts.cutCoords === undefined ? undefined : parseCutCoords(opts.cutCoords),
        volume: opts.volume === undefined ? undefined : parseIntArg('--volume', opts.volume, 0),
      };
      const threshold = opts.threshold === undefined ? undefined : parseNumberArg('--threshold', opts.threshold);
      const vmax = opts.vmax === undefined ? undefined : parseNumberArg('--vmax', opts.vmax);
      let fig: Figure;
      const mode = opts.displayMode;
      try {
        if (kind === 'glass-brain') {
          if (opts.cutCoords !== undefined) throw new Error('--cut-coords: a glass brain is a projection and has no cuts');
          fig = glassBrain(images[0]!, {
            ...common,
            brainMask,
            threshold,
            vmax,
            cmap: opts.cmap,
            displayMode: mode as GlassDisplayMode,
            colorbar: opts.colorbar,
            plotAbs: !opts.signed,
          });
        } else if (kind === 'stat-map') {
          fig = statMap(images[0]!, {
            ...common,
            bg,
            threshold,
            vmax,
            cmap: opts.cmap,
            displayMode: mode as DisplayMode,
            colorbar: opts.colorbar,
          });
        } else if (kind === 'roi') {
          const labels = opts.labels?.split(',');
          const colors = opts.colors?.split(',');
          if (labels && labels.length !== imgs.length)
            throw new Error(`--labels: expected ${imgs.length} labels (one per mask), got ${labels.length}`);
          if (colors && colors.length !== imgs.length)
            throw new Error(`--colors: expected ${imgs.length} colours (one per mask), got ${colors.length}`);
          const names = imgs.map((f) => f.replace(/^.*[\\/]/, '').replace(/\.nii(\.gz)?$/, ''));
          fig = roi(
            images.map((img, i) => ({ img, label: labels?.[i] ?? names[i], color: colors?.[i] })),
            { ...common, bg, displayMode: mode as DisplayMode, style: opts.style as 'filled' },
          );
        } else {
          fig = (kind === 'anat' ? anat : epi)(images[0]!, { ...common, displayMode: mode as DisplayMode, cmap: opts.cmap });
        }
      } catch (err) {
        throw asFlagError(err);
      }
      await saveFigure(fig, out);
      const allNotices = [...notices, ...fig.notices];
      for (const n of allNotices) log(`notice: ${n}`);
      const layout = layoutOf(fig);
      if (opts.json) return printJson({ out, ...layout, notices: allNotices });
      log(`${kind}: wrote ${out} (${fig.width} x ${fig.height} px, ${fig.panels.length} panels)`);
    });
}
