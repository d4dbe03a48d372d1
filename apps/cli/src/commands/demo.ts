// neurodecode demo: the default run, end to end.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { runDemo } from '../demo-run.js';
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
    .option('--report <file>', 'HTML report to write (default: report.html in --out)')
    .option('--no-report', 'skip the HTML report')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', '\nWrites searchlight_scores.nii.gz, cv_scores.json and summary.txt to --out.\n\nExample:\n  neurodecode demo --out demo-out')
    .action(async (opts) => {
      const reportPath: string | undefined = opts.report === false ? undefined : typeof opts.report === 'string' ? opts.report : join(resolve(opts.out), 'report.html');
      if (typeof opts.report === 'string') checkReportPath(opts.report);
      const threads = opts.threads !== undefined ? parseIntArg('--threads', opts.threads, 1) : undefined;
      const bars = new Map<string, ReturnType<typeof progressBar>>();
      const result = await runDemo({
        out: opts.out, threads, simulate: Boolean(opts.simulate), log,
        onProgress: (stage, done, total) => {
          if (!bars.has(stage)) { for (const b of bars.values()) b.stop(); bars.set(stage, progressBar(stage)); }
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
          result, scoresImg, grid: scoresImg.shape, y: keep.map((i) => table.labels[i]!), groups: table.groups ? keep.map((i) => table.groups![i]!) : undefined,
        });
        log(`demo: report written in ${((performance.now() - started) / 1000).toFixed(1)} s; open ${reportPath}`);
      }
      if (opts.json) return printJson({ ...result, report: reportPath ?? null });
      process.stdout.write(readFileSync(result.summary_txt, 'utf8'));
      if (reportPath) process.stdout.write(`report: ${reportPath}\n`);
    });
}
