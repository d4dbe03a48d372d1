// neurodecode view IMG --out view.html: one self-contained page to explore a map in a browser
// (niivue), opened from file:// with no network.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { writeFileAtomic } from '@neurodecode/plotting/node';
import { resolveBackground } from '../report/background.js';
import { guardPaths, pathArgs } from '../guard.js';
import { viewerData, viewerPage } from '../report/viewer-html.js';
import { log, parseIntArg, parseNumberArg, printJson } from '../util.js';

export function register(program: Command): void {
  program
    .command('view')
    .description('Write one self-contained HTML page to explore a map (niivue): threshold slider, colour maps, crosshair readout')
    .argument('<img>', 'NIfTI map (3-D, or pick a volume with --volume)')
    .requiredOption('--out <file>', 'HTML page to write')
    .option('--bg <img>', 'background image, or "none" (default: the cached MNI152 template)')
    .option('--threshold <t>', 'initial threshold (the slider moves it)', '0')
    .option('--vmax <v>', 'top of the colour scale (default: the largest |value|)')
    .option('--cmap <name>', 'warm, hot, red, plasma, viridis or gray', 'warm')
    .option('--volume <n>', 'volume of a 4-D image')
    .option('--title <text>', 'page title (default: the file name)')
    .option('--json', 'print {out, bytes, notices} on stdout')
    .addHelpText(
      'after',
      '\nThe page embeds niivue and the images (gzipped, base64): it opens from file:// offline.\n\nExample:\n  neurodecode view scores.nii.gz --threshold 0.6 --out view.html',
    )
    .action(
      async (
        img: string,
        opts: { out: string; bg?: string; threshold: string; vmax?: string; cmap: string; volume?: string; title?: string; json?: boolean },
      ) => {
        if (!/\.html?$/i.test(opts.out)) throw new Error(`--out: must end in .html, got "${opts.out}"`);
        const dir = dirname(resolve(opts.out));
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--out: folder does not exist: ${dir}`);
        if (!existsSync(img)) throw new Error(`img: file not found: ${img}`);
        guardPaths([...pathArgs('img', img), ...pathArgs('--bg', opts.bg === 'none' ? undefined : opts.bg)], pathArgs('--out', opts.out));
        const threshold = parseNumberArg('--threshold', opts.threshold);
        const vmax = opts.vmax === undefined ? undefined : parseNumberArg('--vmax', opts.vmax);
        let map = await readNifti(img);
        if (opts.volume !== undefined) {
          const v = parseIntArg('--volume', opts.volume, 0);
          if (v >= map.nVolumes) throw new Error(`--volume: ${v} is outside 0..${map.nVolumes - 1}`);
          map = map.withData(map.volume(v), map.shape.slice(0, 3));
        }
        const { bg, notices } = await resolveBackground(opts.bg);
        const data = await viewerData({ map, bg, threshold, vmax, cmap: opts.cmap });
        const html = viewerPage(opts.title ?? basename(img), data);
        await writeFileAtomic(opts.out, html);
        const bytes = Buffer.byteLength(html);
        for (const n of notices) log(`notice: ${n}`);
        if (opts.json) return printJson({ out: opts.out, bytes, notices: [...notices, ...data.notes] });
        log(`view: wrote ${opts.out} (${(bytes / 1e6).toFixed(2)} MB); open it in a browser`);
      },
    );
}
