// neurodecode fetch haxby|mni152|harvard-oxford: download public data into the cache (or find it
// there) and print where the files are.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  HARVARD_OXFORD_ATLASES,
  fetchHarvardOxford,
  fetchHaxby,
  fetchMni152,
  resolveDataDir,
  type FetchProgress,
  type HarvardOxfordAtlasName,
} from '@neurodecode/datasets';
import { parseNumberArg, printJson, progressBar, type Progress } from '../util.js';

const DATASETS = ['haxby', 'mni152', 'harvard-oxford'] as const;

interface FetchCliOptions {
  subjects?: string;
  atlas: string;
  dataDir?: string;
  baseUrl?: string;
  offline?: boolean;
  from?: string;
  deadline?: string;
  json?: boolean;
}

export function parseSubjects(value: string): number[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new Error(`--subjects: expected a comma-separated list such as 1,2, got "${value}"`);
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 6) throw new Error(`--subjects: expected subject numbers from 1 to 6, got "${p}"`);
    return n;
  });
}

/** One bar per file on stderr when it is a terminal. */
function progressReporter(): { onProgress: (p: FetchProgress) => void; stop: () => void } {
  let bar: Progress | undefined;
  let current = '';
  return {
    onProgress(p) {
      if (p.file !== current) {
        bar?.stop();
        current = p.file;
        bar = progressBar(`${p.fileIndex + 1}/${p.fileCount} ${p.file.split(/[\\/]/).pop()}`);
      }
      // Sizes in kB keep the bar's counters readable.
      if (p.total) bar!.update(Math.round(p.received / 1024), Math.round(p.total / 1024));
    },
    stop() {
      bar?.stop();
    },
  };
}

function printHuman(result: Record<string, unknown>): void {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (key === 'description' || key === 'labels') continue;
    if (Array.isArray(value)) value.forEach((v, i) => lines.push(`${key}[${i}]`.padEnd(20) + String(v)));
    else lines.push(key.padEnd(20) + String(value));
  }
  if (Array.isArray(result.labels))
    lines.push('labels'.padEnd(20) + `${result.labels.length} (${result.labels.slice(0, 4).join(', ')}, ...)`);
  process.stdout.write(lines.join('\n') + '\n');
}

export function register(program: Command): void {
  program
    .command('fetch')
    .description('Download a public dataset into the cache (or find it there) and print its file paths')
    .argument('<dataset>', DATASETS.join(' | '))
    .option('--subjects <list>', 'haxby: comma-separated subject numbers 1-6', '1')
    .option('--atlas <name>', `harvard-oxford: one of ${HARVARD_OXFORD_ATLASES.join(', ')}`, 'cort-maxprob-thr25-2mm')
    .option('--data-dir <dir>', 'cache folder (default $NEURODECODE_DATA, else ~/neurodecode_data)')
    .option('--base-url <url>', 'mirror to download from instead of the published location')
    .option('--offline', 'use only the cache; fail listing the missing files (also $NEURODECODE_OFFLINE=1)')
    .option('--from <dir>', 'install from a local copy (files under their published names, MD5SUMS checked when present)')
    .option('--deadline <seconds>', 'give up on a file not downloaded within this time (default $NEURODECODE_FETCH_DEADLINE, else 7200)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  neurodecode fetch haxby --subjects 1,2',
        '  neurodecode fetch harvard-oxford --atlas cort-prob-2mm --json',
        '  neurodecode fetch mni152 --offline',
        '  neurodecode fetch haxby --from /media/usb/haxby   (a copy of the mirror: subj1-2010.01.14.tar.gz, mask.nii.gz, MD5SUMS)',
      ].join('\n'),
    )
    .action(async (dataset: string, opts: FetchCliOptions) => {
      if (!(DATASETS as readonly string[]).includes(dataset)) {
        throw new Error(`dataset: expected one of ${DATASETS.join(', ')}, got "${dataset}"`);
      }
      if (opts.from !== undefined) {
        if (opts.baseUrl) throw new Error('--from: give either --from or --base-url, not both');
        if (!existsSync(opts.from) || !statSync(opts.from).isDirectory()) throw new Error(`--from: ${opts.from} is not a folder`);
      }
      const baseUrl = opts.from !== undefined ? `${pathToFileURL(resolve(opts.from)).href}/` : opts.baseUrl;
      const deadline = opts.deadline === undefined ? undefined : parseNumberArg('--deadline', opts.deadline);
      if (deadline !== undefined && !(deadline > 0))
        throw new Error(`--deadline: expected a positive number of seconds, got "${opts.deadline}"`);
      const progress = progressReporter();
      const common = {
        dataDir: opts.dataDir,
        baseUrl,
        offline: opts.offline,
        onProgress: progress.onProgress,
        download: deadline === undefined ? undefined : { deadlineMs: deadline * 1000 },
      };
      let result: Record<string, unknown>;
      try {
        if (dataset === 'haxby') {
          result = { ...(await fetchHaxby({ ...common, subjects: parseSubjects(opts.subjects ?? '1') })) };
        } else if (dataset === 'mni152') {
          result = { ...(await fetchMni152(common)) };
        } else {
          if (!HARVARD_OXFORD_ATLASES.includes(opts.atlas)) {
            throw new Error(`--atlas: expected one of ${HARVARD_OXFORD_ATLASES.join(', ')}, got "${opts.atlas}"`);
          }
          result = { ...(await fetchHarvardOxford({ ...common, atlasName: opts.atlas as HarvardOxfordAtlasName })) };
        }
      } finally {
        progress.stop();
      }
      result = { dataset, dataDir: resolveDataDir(opts.dataDir), ...result };
      if (opts.json) return printJson(result);
      printHuman(result);
    });
}
