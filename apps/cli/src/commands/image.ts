// neurodecode image smooth|resample|math|mean|index|threshold|crop: nilearn.image's functions from
// the command line, each a thin wrapper over @neurodecode/image-ops.
import type { Command } from 'commander';
import { writeNifti, type Affine, type NiftiImage } from '@neurodecode/nifti-io';
import {
  cropImg,
  indexImg,
  loadImg,
  mathImg,
  meanImg,
  resampleImg,
  resampleToImg,
  smoothImg,
  thresholdImg,
  type Interpolation,
} from '@neurodecode/image-ops';
import { checkImageOut as checkOut, parseIntArg, parseNumberArg, printJson } from '../util.js';
import { guardPaths, pathArgs, type PathArg } from '../guard.js';

/** --out must be a NIfTI name, in a writable folder, and not one of the command's inputs. */
function checkImageOut(out: string | undefined, inputs: PathArg[]): asserts out is string {
  checkOut(out);
  guardPaths(inputs, pathArgs('--out', out));
}

interface Out {
  out?: string;
  json?: boolean;
}

async function write(img: NiftiImage, opts: Out, extra: Record<string, unknown> = {}): Promise<void> {
  await writeNifti(img, opts.out!);
  let nonzero = 0;
  for (let i = 0; i < img.data.length; i++) if (img.data[i] !== 0) nonzero++;
  const result = { out: opts.out, shape: img.shape, n_nonzero: nonzero, ...extra };
  if (opts.json) return printJson(result);
  process.stdout.write(`[${img.shape.join(', ')}] -> ${opts.out}\n`);
}

const INTERPOLATIONS = ['continuous', 'linear', 'nearest'];

/** "0,3,5-9" -> [0, 3, 5, 6, 7, 8, 9]; negative numbers count from the end as in Python. */
export function parseVolumeList(value: string): number[] {
  const out: number[] = [];
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (m) {
      const a = Number(m[1]),
        b = Number(m[2]);
      if (b < a) throw new Error(`--volumes: range "${part}" goes backwards`);
      for (let v = a; v <= b; v++) out.push(v);
    } else {
      out.push(parseIntArg('--volumes', part));
    }
  }
  if (!out.length) throw new Error(`--volumes: no volume in "${value}"`);
  return out;
}

/** The image's affine with each axis rescaled to the new voxel size (directions and origin kept). */
function affineWithVoxelSize(affine: Affine, sizes: number[]): Affine {
  const out = affine.map((r) => r.slice()) as Affine;
  for (let c = 0; c < 3; c++) {
    const len = Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!);
    for (let r = 0; r < 3; r++) out[r]![c] = (affine[r]![c]! / len) * sizes[c]!;
  }
  return out;
}

function outOption(cmd: Command): Command {
  return cmd.option('--out <file>', 'output image (.nii or .nii.gz)').option('--json', 'print one JSON object on stdout');
}

export function register(program: Command): void {
  const image = program
    .command('image')
    .description("Image operations with nilearn.image's meanings: smooth, resample, math, mean, index, threshold, crop");

  outOption(
    image
      .command('smooth')
      .description('Gaussian smoothing (nilearn smooth_img)')
      .argument('<img>', 'image')
      .requiredOption('--fwhm <mm>', 'full width at half maximum in mm (one value or three, comma-separated)'),
  )
    .addHelpText('after', '\nExample:\n  neurodecode image smooth bold.nii.gz --fwhm 6 --out bold_s6.nii.gz')
    .action(async (img: string, opts: Out & { fwhm: string }) => {
      checkImageOut(opts.out, pathArgs('img', img));
      const f = opts.fwhm.split(',').map((v) => parseNumberArg('--fwhm', v));
      if (f.some((v) => v < 0) || (f.length !== 1 && f.length !== 3))
        throw new Error(`--fwhm: expected one or three non-negative numbers, got "${opts.fwhm}"`);
      await write(await smoothImg(img, f.length === 1 ? f[0]! : f), opts, { fwhm: f });
    });

  outOption(
    image
      .command('resample')
      .description('Resample onto the grid of another image or to a voxel size (nilearn resample_to_img / resample_img)')
      .argument('<img>', 'image')
      .option('--like <file>', "target grid: this image's affine and shape")
      .option('--voxel-size <mm>', 'target voxel size (one value or three), same orientation and origin')
      .option('--interpolation <how>', INTERPOLATIONS.join(' | '), 'continuous'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  neurodecode image resample atlas.nii.gz --like bold.nii.gz --interpolation nearest --out atlas_func.nii.gz\n  neurodecode image resample anat.nii.gz --voxel-size 3 --out anat_3mm.nii.gz',
    )
    .action(async (img: string, opts: Out & { like?: string; voxelSize?: string; interpolation: string }) => {
      checkImageOut(opts.out, [...pathArgs('img', img), ...pathArgs('--like', opts.like)]);
      if (!INTERPOLATIONS.includes(opts.interpolation))
        throw new Error(`--interpolation: expected one of ${INTERPOLATIONS.join(', ')}, got "${opts.interpolation}"`);
      const interpolation = opts.interpolation as Interpolation;
      if (!!opts.like === !!opts.voxelSize) throw new Error('--like: give either --like or --voxel-size');
      let res: NiftiImage;
      if (opts.like) {
        res = await resampleToImg(img, opts.like, { interpolation });
      } else {
        const s = opts.voxelSize!.split(',').map((v) => parseNumberArg('--voxel-size', v));
        if (s.some((v) => !(v > 0)) || (s.length !== 1 && s.length !== 3))
          throw new Error(`--voxel-size: expected one or three positive numbers, got "${opts.voxelSize}"`);
        const src = await loadImg(img);
        res = await resampleImg(src, {
          targetAffine: affineWithVoxelSize(src.affine, s.length === 1 ? [s[0]!, s[0]!, s[0]!] : s),
          interpolation,
        });
      }
      await write(res, opts, { interpolation });
    });

  outOption(
    image
      .command('math')
      .description('Voxel-wise arithmetic over named images (nilearn math_img), e.g. "(a + b) > 0"')
      .argument('<expression>', 'expression over the names; + - * / ** comparisons and/or/not abs sqrt exp log mean std max min')
      .argument('<images...>', 'the images as NAME=FILE pairs'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  neurodecode image math "(brain + eyes) > 0" brain=brain.nii.gz eyes=eyes.nii.gz --out global.nii.gz',
    )
    .action(async (expression: string, pairs: string[], opts: Out) => {
      checkImageOut(
        opts.out,
        pairs.map((p) => ({ flag: 'images', path: p.slice(p.indexOf('=') + 1) })),
      );
      const imgs: Record<string, string> = {};
      for (const p of pairs) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(p);
        if (!m) throw new Error(`<name=file>: expected NAME=FILE such as img=bold.nii.gz, got "${p}"`);
        imgs[m[1]!] = m[2]!;
      }
      await write(await mathImg(expression, imgs), opts, { expression });
    });

  outOption(
    image.command('mean').description('Mean over volumes (4-D) or over several images (nilearn mean_img)').argument('<imgs...>', 'images'),
  )
    .addHelpText('after', '\nExample:\n  neurodecode image mean bold.nii.gz --out mean.nii.gz')
    .action(async (imgs: string[], opts: Out) => {
      checkImageOut(opts.out, pathArgs('imgs', imgs));
      await write(await meanImg(imgs.length === 1 ? imgs[0]! : imgs), opts);
    });

  outOption(
    image
      .command('index')
      .description('Volumes of a 4-D image (nilearn index_img); a single volume gives a 3-D image')
      .argument('<img>', '4-D image')
      .requiredOption('--volumes <list>', 'volume indices and ranges, e.g. 0,3,5-9 (negative counts from the end)'),
  )
    .addHelpText('after', '\nExample:\n  neurodecode image index bold.nii.gz --volumes 0-9 --out first10.nii.gz')
    .action(async (img: string, opts: Out & { volumes: string }) => {
      checkImageOut(opts.out, pathArgs('img', img));
      const list = parseVolumeList(opts.volumes);
      await write(await indexImg(img, list.length === 1 && !opts.volumes.includes('-', 1) ? list[0]! : list), opts, {
        volumes: list.length,
      });
    });

  outOption(
    image
      .command('threshold')
      .description('Zero the voxels below a threshold (nilearn threshold_img): a value, or a percentile such as 95%')
      .argument('<img>', 'image')
      .requiredOption('--threshold <t>', 'value, or percentile of |values| with a % sign')
      .option('--no-two-sided', 'compare signed values instead of |values|'),
  )
    .addHelpText('after', '\nExample:\n  neurodecode image threshold zmap.nii.gz --threshold 3.1 --out zmap_thr.nii.gz')
    .action(async (img: string, opts: Out & { threshold: string; twoSided: boolean }) => {
      checkImageOut(opts.out, pathArgs('img', img));
      const t = opts.threshold.trim();
      const threshold: number | string = t.endsWith('%') ? t : parseNumberArg('--threshold', t);
      await write(await thresholdImg(img, threshold, { twoSided: opts.twoSided }), opts, { threshold });
    });

  outOption(
    image
      .command('crop')
      .description('Crop to the bounding box of the non-zero data (nilearn crop_img)')
      .argument('<img>', 'image')
      .option('--rtol <f>', 'voxels count as data when |value| > rtol * max|value|', '1e-8')
      .option('--no-pad', 'no one-voxel margin around the box'),
  )
    .addHelpText('after', '\nExample:\n  neurodecode image crop mask.nii.gz --out mask_cropped.nii.gz')
    .action(async (img: string, opts: Out & { rtol: string; pad: boolean }) => {
      checkImageOut(opts.out, pathArgs('img', img));
      await write(await cropImg(img, { rtol: parseNumberArg('--rtol', opts.rtol), pad: opts.pad }), opts);
    });
}
