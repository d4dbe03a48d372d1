// neurodecode info FILE: what a NIfTI file holds (header facts and value range).
import type { Command } from 'commander';
import { readNifti, summarizeImage } from '@neurodecode/nifti-io';
import { printJson } from '../util.js';

export function register(program: Command): void {
  program
    .command('info')
    .description("Show a NIfTI file's shape, datatype, voxel size, affine, TR, units and value range")
    .argument('[file]', '.nii or .nii.gz file')
    .option('--backends', 'list the TensorFlow.js backends available here and the one chosen')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nExamples:\n  neurodecode info bold.nii.gz --json\n  neurodecode info --backends')
    .action(async (file: string | undefined, opts: { json?: boolean; backends?: boolean }) => {
      if (opts.backends) {
        // Loaded only here: TensorFlow.js takes a while to import and plain `info` doesn't need it.
        const { describeBackends, initBackend } = await import('@neurodecode/spacenet');
        await initBackend();
        const d = await describeBackends();
        if (opts.json) return printJson({ chosen: d.chosen, backends: d.backends });
        process.stdout.write(d.text.endsWith('\n') ? d.text : d.text + '\n');
        return;
      }
      if (!file) throw new Error('file: a NIfTI file is required (or pass --backends)');
      const img = await readNifti(file);
      const s = summarizeImage(img);
      if (opts.json) return printJson(s);
      const fmt = (row: number[]) => row.map((v) => v.toFixed(4).padStart(11)).join(' ');
      const lines = [
        `file        ${file}`,
        `shape       ${img.shape.join(' x ')}`,
        `datatype    ${s.datatype}`,
        `voxel size  ${s.zooms.slice(0, 3).join(' x ')} mm`,
        `TR          ${s.tr ?? '-'}${s.tr ? ' s' : ''}`,
        `units       ${s.units.space}, ${s.units.time}`,
        `qform/sform ${s.qform_code} / ${s.sform_code}`,
        `affine      ${fmt(img.affine[0]!)}`,
        ...img.affine.slice(1).map((r) => `            ${fmt(r)}`),
        `min/max     ${s.min} / ${s.max}`,
        `mean        ${s.mean}`,
        ...(s.non_finite.nan + s.non_finite.posinf + s.non_finite.neginf
          ? [`non-finite  ${s.non_finite.nan} NaN, ${s.non_finite.posinf} +Inf, ${s.non_finite.neginf} -Inf (left out of min/max/mean)`]
          : []),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
