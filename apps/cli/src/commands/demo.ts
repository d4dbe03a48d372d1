// neurodecode demo: the default run, end to end.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { lookAtOutputs, runDemo } from '../demo-run.js';
import { runGroupDemo } from '../group-demo.js';
import { guardPaths, pathArgs } from '../guard.js';
import { readLabels, selectTargets } from '../labels.js';
import { checkReportPath, demoReport } from '../report/commands.js';
import { log, parseIntArg, printJson, progressBar } from '../util.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('The default run: simulated data (or cached Haxby subject 1) -> Decoder + whole-brain searchlight')
    .option('--out <dir>', 'output folder', 'neurodecode-demo')
    .option('--threads <n>', 'searchlight worker threads (default: core count)')
    .option('--simulate', 'use the simulated set even when Haxby is cached')
    .option('--group', 'the group path instead: 12 simulated MNI subjects -> searchlights -> group test -> clusters')
    .option('--n-perm <n>', 'with --group: sign-flip permutations', '5000')
    .option('--subjects <n>', 'with --group: simulated subjects', '12')
    .option('--report <file>', 'HTML report to write (default: report.html in --out; not with --group)')
    .option('--no-report', 'skip the HTML report')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nWrites searchlight_scores.nii.gz, decoder_coef.nii.gz, cv_scores.json, summary.txt and report.html\nto --out, then prints the commands that show them.\nWith --group: data/, maps/ (one searchlight map per subject), group/ (nilearn-named maps, clusters.tsv)\nand group_summary.txt.\n\nExamples:\n  neurodecode demo --out demo-out\n  neurodecode demo --group --out demo-group',
    )
    .action(async (opts) => {
      const reportPath: string | undefined =
        opts.report === false ? undefined : typeof opts.report === 'string' ? opts.report : join(resolve(opts.out), 'report.html');
      if (typeof opts.report === 'string') checkReportPath(opts.report);
      if (opts.group && typeof opts.report === 'string')
        throw new Error('--report: not with --group (look at the group maps with neurodecode view or plot)');
      // Before any work: --out can be created and written, the report's folder is writable.
      guardPaths(
        [],
        [
          { flag: '--out', path: opts.out, kind: 'dir' },
          ...pathArgs('--report', typeof opts.report === 'string' ? opts.report : undefined),
        ],
      );
      const threads = opts.threads !== undefined ? parseIntArg('--threads', opts.threads, 1) : undefined;
      const bars = new Map<string, ReturnType<typeof progressBar>>();
      if (opts.group) {
        const group = await runGroupDemo({
          out: opts.out,
          threads,
          nPerm: parseIntArg('--n-perm', opts.nPerm, 1),
          subjects: parseIntArg('--subjects', opts.subjects, 2),
          log,
          onProgress: (stage, done, total) => {
            if (!bars.has(stage)) {
              for (const b of bars.values()) b.stop();
              bars.set(stage, progressBar(stage));
            }
            bars.get(stage)!.update(done, total);
          },
        });
        for (const b of bars.values()) b.stop();
        if (opts.json) return printJson(group);
        return void process.stdout.write(readFileSync(group.summary_txt, 'utf8'));
      }
      const result = await runDemo({
        out: opts.out,
        threads,
        simulate: Boolean(opts.simulate),
        log,
        onProgress: (stage, done, total) => {
          if (!bars.has(stage)) {
            for (const b of bars.values()) b.stop();
            bars.set(stage, progressBar(stage));
          }
          bars.get(stage)!.update(done, total);
        },
      });
      for (const b of bars.values()) b.stop();
      if (reportPath) {
        const started = performance.now();
        const table = readLabels(result.labels_file);
        const keep = selectTargets(table.labels, ['face', 'house']);
        const scoresImg = await readNifti(result.scores_img);
        await demoReport(reportPath, {
          result,
          scoresImg,
          grid: scoresImg.shape,
          y: keep.map((i) => table.labels[i]!),
          groups: table.groups ? keep.map((i) => table.groups![i]!) : undefined,
        });
        log(`demo: report written in ${((performance.now() - started) / 1000).toFixed(1)} s; open ${reportPath}`);
      }
      if (opts.json) return printJson({ ...result, report: reportPath ?? null });
      process.stdout.write(readFileSync(result.summary_txt, 'utf8'));
      process.stdout.write('\n' + lookAtOutputs(result, reportPath));
    });
}
