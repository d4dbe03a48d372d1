// neurodecode mask atlas|epi|background|intersect|dilate: masks from the command line, with the
// maskers' functions and nilearn's meanings.
import type { Command } from 'commander';
import { readNifti, writeNifti, type NiftiImage } from '@neurodecode/nifti-io';
import {
  computeBackgroundMask,
  computeEpiMask,
  intersectMasks,
  maskFromLabelImage,
  maskFromProbabilisticAtlas,
} from '@neurodecode/maskers';
import { binaryDilation } from '@neurodecode/image-ops';
import { matchRegions, resolveAtlas } from '../atlas-regions.js';
import { parseList } from '../labels.js';
import { checkImageOut, log, parseIntArg, parseNumberArg, printJson } from '../util.js';
import { guardPaths, pathArgs } from '../guard.js';

interface CommonOpts {
  out?: string;
  json?: boolean;
}

async function finish(img: NiftiImage, opts: CommonOpts, extra: Record<string, unknown>): Promise<void> {
  await writeNifti(img, opts.out!);
  let n = 0;
  for (let i = 0; i < img.volumeSize; i++) if (img.data[i] !== 0) n++;
  const result = { out: opts.out, n_voxels: n, shape: img.shape.slice(0, 3), ...extra };
  if (opts.json) return printJson(result);
  process.stdout.write(`${n} voxels -> ${opts.out}\n`);
}

function regionsSummary(regions: { index: number; name: string }[]): string {
  return regions.map((r) => `${r.name} (${r.index})`).join(', ');
}

interface AtlasOpts extends CommonOpts {
  atlas: string;
  atlasLabels?: string;
  regions?: string;
  threshold: string;
  like?: string;
  dilation: string;
  list?: boolean;
  dataDir?: string;
  offline?: boolean;
}

async function atlasMask(opts: AtlasOpts): Promise<void> {
  const atlas = await resolveAtlas(opts);
  if (opts.list) {
    if (opts.json) return printJson({ atlas: atlas.path, probabilistic: atlas.probabilistic, regions: atlas.regions });
    process.stdout.write(atlas.regions.map((r) => `${String(r.index).padStart(4)}  ${r.name}`).join('\n') + '\n');
    return;
  }
  const names = parseList(opts.regions);
  if (!names?.length) throw new Error('--regions: give one or more region names (see --list)');
  if (!opts.like) throw new Error('--like: required (the functional image whose grid the mask is built on)');
  checkImageOut(opts.out);
  guardPaths(
    [...pathArgs('--like', opts.like), ...pathArgs('--atlas', atlas.path), ...pathArgs('--atlas-labels', opts.atlasLabels)],
    pathArgs('--out', opts.out),
  );
  const threshold = parseNumberArg('--threshold', opts.threshold);
  const dilation = parseIntArg('--dilation', opts.dilation, 0);
  const chosen = matchRegions(names, atlas.regions);
  const target = { funcImg: opts.like, dilation };
  let mask: NiftiImage;
  if (atlas.probabilistic) {
    // Only the chosen volumes are decoded; the sum of their probabilities (the probability of
    // being in any of them) is compared with --threshold, as the mean over k volumes against t/k.
    const img = await readNifti(atlas.path, { volumes: chosen.map((r) => r.index) });
    const k = chosen.length;
    mask = await maskFromProbabilisticAtlas(img, { volumes: chosen.map((_, i) => i), threshold: threshold / k }, target).catch(rename);
  } else {
    mask = await maskFromLabelImage(atlas.path, { labels: chosen.map((r) => r.index) }, target).catch(rename);
  }
  log(`mask atlas: ${regionsSummary(chosen)}`);
  await finish(mask, opts, { atlas: atlas.path, regions: chosen, threshold });
}

/** The maskers name their own arguments; on the command line they are --like and --regions. */
function rename(err: Error): never {
  throw new Error(err.message.replace(/^funcImg:/, '--like:').replace(/^volumes:/, '--regions:'));
}

export function register(program: Command): void {
  const mask = program.command('mask').description('Make masks: from atlas regions by name, from EPI or background, intersect, dilate');

  mask
    .command('atlas')
    .description('ROI mask from atlas regions named on the command line, on the grid of --like')
    .requiredOption('--atlas <name|file>', 'harvard-oxford[:variant] (data cache, fetched when missing) or an atlas .nii.gz')
    .option(
      '--atlas-labels <file>',
      'region names for an atlas file: CSV (index,name), FSL XML or one per line (default: <atlas>_labels.csv next to it)',
    )
    .option('--regions <names>', 'comma-separated region names (case and _ ignored; "Occipital Pole" takes both hemispheres)')
    .option('--threshold <percent>', 'keep voxels whose probability of being in any of the regions exceeds this', '0')
    .option('--like <file>', 'functional image whose grid the mask is made on (voxels with zero mean signal are dropped)')
    .option('--dilation <n>', 'dilate the resampled ROI this many times', '0')
    .option('--list', 'list the atlas regions and exit')
    .option('--data-dir <dir>', 'data cache for harvard-oxford')
    .option('--offline', 'use only the data cache')
    .option('--out <file>', 'mask image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  neurodecode mask atlas --atlas harvard-oxford --list',
        '  neurodecode mask atlas --atlas harvard-oxford --regions "Occipital Pole,Supracalcarine Cortex" --like bold.nii.gz --out v1.nii.gz',
      ].join('\n'),
    )
    .action(atlasMask);

  mask
    .command('epi')
    .description('Brain mask of an EPI image (nilearn compute_epi_mask)')
    .argument('<img>', 'EPI image (3-D or 4-D)')
    .option('--lower-cutoff <f>', 'lower fraction of the histogram ignored (default 0.2)')
    .option('--upper-cutoff <f>', 'upper fraction of the histogram ignored (default 0.85)')
    .option('--opening <n>', 'iterations of binary opening (default 2)')
    .option('--out <file>', 'mask image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  neurodecode mask epi bold.nii.gz --out brain.nii.gz')
    .action(async (img: string, opts: CommonOpts & { lowerCutoff?: string; upperCutoff?: string; opening?: string }) => {
      checkImageOut(opts.out);
      guardPaths(pathArgs('img', img), pathArgs('--out', opts.out));
      const m = await computeEpiMask(img, {
        lowerCutoff: opts.lowerCutoff === undefined ? undefined : parseNumberArg('--lower-cutoff', opts.lowerCutoff),
        upperCutoff: opts.upperCutoff === undefined ? undefined : parseNumberArg('--upper-cutoff', opts.upperCutoff),
        opening: opts.opening === undefined ? undefined : parseIntArg('--opening', opts.opening, 0),
      });
      await finish(m, opts, { strategy: 'epi' });
    });

  mask
    .command('background')
    .description('Mask of everything that differs from the border value (nilearn compute_background_mask)')
    .argument('<img>', 'image (3-D or 4-D)')
    .option('--border-size <n>', 'border thickness in voxels (default 2)')
    .option('--opening <n>', 'iterations of binary opening (default 0)')
    .option('--out <file>', 'mask image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  neurodecode mask background bold.nii.gz --out mask.nii.gz')
    .action(async (img: string, opts: CommonOpts & { borderSize?: string; opening?: string }) => {
      checkImageOut(opts.out);
      guardPaths(pathArgs('img', img), pathArgs('--out', opts.out));
      const m = await computeBackgroundMask(img, {
        borderSize: opts.borderSize === undefined ? undefined : parseIntArg('--border-size', opts.borderSize, 1),
        opening: opts.opening === undefined ? undefined : parseIntArg('--opening', opts.opening, 0),
      });
      await finish(m, opts, { strategy: 'background' });
    });

  mask
    .command('intersect')
    .description('Voxels present in more than --threshold of the masks (nilearn intersect_masks; 1 = intersection, 0 = union)')
    .argument('<masks...>', 'mask images on one grid')
    .option('--threshold <f>', 'fraction of masks a voxel must be in', '0.5')
    .option('--no-connected', 'keep every component, not only the largest')
    .option('--out <file>', 'mask image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  neurodecode mask intersect run1_mask.nii.gz run2_mask.nii.gz --threshold 1 --out common.nii.gz')
    .action(async (masks: string[], opts: CommonOpts & { threshold: string; connected: boolean }) => {
      checkImageOut(opts.out);
      guardPaths(pathArgs('masks', masks), pathArgs('--out', opts.out));
      const threshold = parseNumberArg('--threshold', opts.threshold);
      if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold: expected a fraction in [0, 1], got ${opts.threshold}`);
      const m = await intersectMasks(masks, { threshold, connected: opts.connected });
      await finish(m, opts, { inputs: masks.length, threshold });
    });

  mask
    .command('dilate')
    .description('Binary dilation of a mask (scipy binary_dilation)')
    .argument('<mask>', 'mask image')
    .option('--iterations <n>', 'dilation steps', '1')
    .option('--connectivity <n>', '6 (faces), 18 (+ edges) or 26 (+ corners)', '6')
    .option('--out <file>', 'mask image (.nii or .nii.gz)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  neurodecode mask dilate roi.nii.gz --iterations 2 --out roi_dilated.nii.gz')
    .action(async (m: string, opts: CommonOpts & { iterations: string; connectivity: string }) => {
      checkImageOut(opts.out);
      guardPaths(pathArgs('mask', m), pathArgs('--out', opts.out));
      const connectivity = parseIntArg('--connectivity', opts.connectivity);
      if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26)
        throw new Error(`--connectivity: expected 6, 18 or 26, got ${opts.connectivity}`);
      const img = await binaryDilation(m, { iterations: parseIntArg('--iterations', opts.iterations, 1), connectivity });
      await finish(img, opts, { iterations: Number(opts.iterations) });
    });
}
