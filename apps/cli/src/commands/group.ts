// neurodecode group: group inference on subject maps (nilearn's non_parametric_inference, Stelzer
// et al. 2013, Allefeld et al. 2016 prevalence), written into a directory under nilearn's names.
import type { Command } from 'commander';
import { existsSync, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { saveImg, type AtlasSpec } from '@neurodecode/image-ops';
import { clustersTsv, groupInference, runNullMethod, type GroupResult } from '@neurodecode/stats';
import { collect } from '../inputs.js';
import { log, parseIntArg, parseNumberArg, printJson, progressBar } from '../util.js';
import { guardPaths, pathArgs } from '../guard.js';
import { isMniSpace, resolveAtlas } from '../report/context.js';
import { checkReportPath, groupReport, REPORT_FLAG } from '../report/commands.js';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { readTextFile } from '../text-input.js';
import { publish, recoverInterruptedPublish, stagingDir } from '../publish-dir.js';
import { readNifti, trackTemporary, untrackTemporary } from '@neurodecode/nifti-io';

export interface GroupCliOptions {
  report?: string;
  maps?: string[];
  mapsList?: string;
  mask: string;
  chance?: string;
  covariates?: string;
  testCovariate?: string;
  method: string;
  nPerm: string;
  seed: string;
  threshold: string;
  tfce?: boolean;
  twoSided?: boolean;
  nullMaps?: string[];
  nullMapsList?: string;
  atlas?: string;
  atlasLabels?: string;
  threads?: string;
  out: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('group')
    .description('Group inference on subject maps: permutation t-test/GLM with FWE (max-t, cluster size/mass, TFCE), Stelzer or prevalence')
    .option('--maps <files...>', 'subject maps (3-D, one per subject, same grid)')
    .option('--maps-list <file>', 'text file with one map path per line (instead of --maps)')
    .requiredOption('--mask <file>', "mask on the maps' grid")
    .option('--chance <x>', 'chance level subtracted from every map (e.g. 0.5 for two-class accuracy); default 0')
    .option('--covariates <file.tsv>', "TSV with a header and one row per map: covariates regressed out (nilearn's confounds)")
    .option('--test-covariate <name>', 'test this covariate column instead of the group mean (row permutations)')
    .option('--method <m>', 'permutation | stelzer | prevalence', 'permutation')
    .option('--n-perm <n>', 'permutations (stelzer: bootstrap draws)', '10000')
    .option('--seed <s>', 'random seed', '0')
    .option('--threshold <p>', 'cluster-forming p threshold (stelzer: voxel-wise p)', '0.001')
    .option('--tfce', 'also threshold-free cluster enhancement (permutation method)')
    .option('--two-sided', 'test both signs (permutation method)')
    .option(
      '--null-maps <files...>',
      'stelzer/prevalence: one 4-D file per subject, one null map per volume (same order as --maps)',
      collect,
    )
    .option('--null-maps-list <file>', 'text file with one null-map path per line')
    .option('--atlas <file>', 'atlas naming cluster peaks (4-D probabilistic, e.g. Harvard-Oxford, or 3-D labels)')
    .option('--atlas-labels <file>', 'index,name CSV for --atlas')
    .option('--threads <n>', 'worker threads (default: all cores)')
    .requiredOption('--out <dir>', 'output directory (written atomically: all files or none)')
    .option(...REPORT_FLAG)
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Outputs (permutation): t, logp_max_t, size, logp_max_size, mass, logp_max_mass, tfce, logp_max_tfce',
        "(.nii.gz, nilearn's names; logp = -log10 FWE-corrected p) and clusters.tsv.",
        '',
        'Example:',
        '  neurodecode group --maps sub-*_accuracy.nii.gz --mask mask.nii.gz --chance 0.5 --tfce --n-perm 10000 --out group/ --json',
      ].join('\n'),
    )
    .action(async (opts: GroupCliOptions) => {
      const started = performance.now();
      const maps = await listInputs('--maps', opts.maps, '--maps-list', opts.mapsList);
      if (maps.length === 0) throw new Error('--maps: no subject maps given (use --maps or --maps-list)');
      const method = opts.method;
      if (!['permutation', 'stelzer', 'prevalence'].includes(method))
        throw new Error(`--method: expected permutation, stelzer or prevalence, got "${method}"`);
      const nPerm = parseIntArg('--n-perm', opts.nPerm, 1);
      const seed = parseIntArg('--seed', opts.seed, 0);
      const threshold = parseNumberArg('--threshold', opts.threshold);
      if (!(threshold > 0 && threshold < 1)) throw new Error(`--threshold: expected a p value in (0, 1), got ${opts.threshold}`);
      const chance = opts.chance === undefined ? undefined : parseNumberArg('--chance', opts.chance);
      const threads = opts.threads === undefined ? undefined : parseIntArg('--threads', opts.threads, 1);
      if (Boolean(opts.atlas) !== Boolean(opts.atlasLabels)) throw new Error('--atlas: give both --atlas and --atlas-labels');
      let atlas: AtlasSpec | undefined = opts.atlas ? { img: opts.atlas, labels: opts.atlasLabels! } : undefined;
      let atlasName = opts.atlas ? basename(opts.atlas) : undefined;
      for (const f of [opts.mask, ...maps, ...(opts.atlas ? [opts.atlas, opts.atlasLabels!] : [])]) {
        if (!existsSync(f)) throw new Error(`${f}: no such file`);
      }
      checkReportPath(opts.report);
      const out = resolve(opts.out);
      const nullMapsGiven = await listInputs('--null-maps', opts.nullMaps, '--null-maps-list', opts.nullMapsList);
      guardPaths(
        [
          ...pathArgs('--maps', maps),
          ...pathArgs('--mask', opts.mask),
          ...pathArgs('--covariates', opts.covariates),
          ...pathArgs('--null-maps', nullMapsGiven),
          ...pathArgs('--atlas', opts.atlas),
        ],
        [{ flag: '--out', path: opts.out, kind: 'dir' }, ...pathArgs('--report', opts.report)],
      );
      // Maps in MNI space get their cluster peaks named by default (as reports do): $NEURODECODE_ATLAS
      // or the cached Harvard-Oxford atlas, never a download.
      let atlasNote: string | undefined;
      if (!atlas && opts.atlas === undefined) {
        if (isMniSpace(await readNifti(opts.mask))) {
          const found = await resolveAtlas();
          atlas = found.atlas;
          atlasName = found.name;
          atlasNote = found.note;
        } else {
          atlasNote = 'the mask is not in MNI space; give --atlas/--atlas-labels to name regions';
        }
      }
      const bar = progressBar('group');
      const onProgress = (d: number, t: number) => bar.update(d, t);
      let files: Record<string, string>;
      let summary: Record<string, unknown>;
      let images: Record<string, NiftiImage> = {};
      let maskVoxels: number | undefined;
      for (const note of recoverInterruptedPublish(out)) process.stderr.write(`${note}\n`);
      const tmp = stagingDir(out);
      trackTemporary(tmp);
      try {
        if (method === 'permutation') {
          const covariates = opts.covariates ? await readCovariates(opts.covariates, maps.length) : undefined;
          let confounds = covariates ? Object.values(covariates) : undefined;
          let tested: Float64Array | undefined;
          if (opts.testCovariate) {
            if (!covariates || !(opts.testCovariate in covariates)) {
              throw new Error(
                `--test-covariate: "${opts.testCovariate}" is not a column of --covariates (${covariates ? Object.keys(covariates).join(', ') : 'none given'})`,
              );
            }
            tested = covariates[opts.testCovariate];
            confounds = Object.entries(covariates)
              .filter(([k]) => k !== opts.testCovariate)
              .map(([, v]) => v);
          }
          const res = await groupInference(maps, opts.mask, {
            chance,
            nPerm,
            seed,
            threshold,
            tfce: Boolean(opts.tfce),
            twoSided: Boolean(opts.twoSided),
            tested,
            confounds,
            threads,
            atlas,
            onProgress,
          });
          bar.stop();
          await fsp.mkdir(tmp, { recursive: true });
          files = await writePermutationOutputs(res, tmp, out);
          images = res.images;
          maskVoxels = res.stack.graph.nVoxels;
          summary = permutationSummary(res);
        } else {
          const res = await runNullMethod(method as 'stelzer' | 'prevalence', {
            maps,
            nullMaps: nullMapsGiven,
            mask: opts.mask,
            chance,
            nPerm,
            seed,
            threshold,
            atlas,
            onProgress,
          });
          bar.stop();
          await fsp.mkdir(tmp, { recursive: true });
          files = {};
          for (const [name, img] of Object.entries(res.images)) {
            await saveImg(img, join(tmp, `${name}.nii.gz`));
            files[name] = join(out, `${name}.nii.gz`);
          }
          if (res.clustersTsv !== undefined) {
            await fsp.writeFile(join(tmp, 'clusters.tsv'), res.clustersTsv);
            files.clusters = join(out, 'clusters.tsv');
          }
          summary = res.summary;
          images = res.images;
        }
        publish(tmp, out);
      } catch (err) {
        bar.stop();
        await fsp.rm(tmp, { recursive: true, force: true });
        throw err;
      } finally {
        untrackTemporary(tmp);
      }
      const seconds = (performance.now() - started) / 1000;
      const result = {
        method,
        out,
        files,
        ...summary,
        atlas: atlasName ?? null,
        ...(atlasNote && !atlas ? { atlas_note: atlasNote } : {}),
        seconds,
      };
      if (opts.report) await groupReport(opts.report, { result, images, nSubjects: maps.length, maskVoxels });
      if (opts.json) return printJson(result);
      log(`group (${method}): ${maps.length} maps, ${seconds.toFixed(2)} s; outputs in ${out}`);
      if (atlasNote && !atlas) log(`group: cluster regions not named (${atlasNote})`);
      const sig = summary.significant_voxels as Record<string, number> | undefined;
      if (sig) for (const [k, v] of Object.entries(sig)) process.stdout.write(`${k}: ${v} voxels with p < 0.05\n`);
      const clusters =
        (summary.clusters as { id: number; size: number; peak_mm: number[]; region?: string; p_fwe_size?: number }[] | undefined) ?? [];
      for (const c of clusters.slice(0, 10)) {
        process.stdout.write(
          `cluster ${c.id}: ${c.size} voxels, peak (${c.peak_mm.join(', ')}) mm${c.region ? `, ${c.region}` : ''}${c.p_fwe_size !== undefined ? `, p(size) = ${c.p_fwe_size.toPrecision(3)}` : ''}\n`,
        );
      }
    });
}

/** Paths given directly or one per line in a list file (blank lines and # comments skipped). */
export async function listInputs(
  flag: string,
  direct: string[] | undefined,
  listFlag: string,
  listFile: string | undefined,
): Promise<string[]> {
  if (direct && listFile) throw new Error(`${flag}: give either ${flag} or ${listFlag}, not both`);
  if (!listFile) return direct ?? [];
  // One path per line: 64 kB covers thousands of subjects.
  const text = readTextFile(listFile, listFlag, 1 << 16, 'a list of map paths');
  const base = dirname(resolve(listFile));
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => resolve(base, l));
}

/** Numeric TSV with a header: column name -> values, one row per map. */
export async function readCovariates(path: string, nMaps: number): Promise<Record<string, Float64Array>> {
  // A header and one row of numbers per map: 4 kB a row is far more than any covariates table needs.
  const text = readTextFile(path, '--covariates', 4096 * (nMaps + 1), `a covariates table for ${nMaps} maps`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`--covariates: ${path} needs a header line and one row per map`);
  const header = lines[0]!.split('\t').map((h) => h.trim());
  const rows = lines.slice(1);
  if (rows.length !== nMaps) throw new Error(`--covariates: ${path} has ${rows.length} rows but there are ${nMaps} maps`);
  const cols: Record<string, Float64Array> = {};
  header.forEach((h) => {
    cols[h] = new Float64Array(nMaps);
  });
  rows.forEach((line, r) => {
    const cells = line.split('\t');
    if (cells.length !== header.length)
      throw new Error(`--covariates: ${path} row ${r + 2} has ${cells.length} columns, the header ${header.length}`);
    cells.forEach((c, j) => {
      const x = Number(c.trim());
      if (c.trim() === '' || !Number.isFinite(x))
        throw new Error(`--covariates: ${path} row ${r + 2}, column "${header[j]}": "${c}" is not a number`);
      cols[header[j]!]![r] = x;
    });
  });
  return cols;
}

async function writePermutationOutputs(res: GroupResult, tmp: string, out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [name, img] of Object.entries(res.images)) {
    await saveImg(img, join(tmp, `${name}.nii.gz`));
    files[name] = join(out, `${name}.nii.gz`);
  }
  if (res.stats.clusters) {
    await fsp.writeFile(join(tmp, 'clusters.tsv'), clustersTsv(res.clusters));
    files.clusters = join(out, 'clusters.tsv');
  }
  return files;
}

function permutationSummary(res: GroupResult): Record<string, unknown> {
  const significant: Record<string, number> = {};
  for (const key of ['logp_max_t', 'logp_max_size', 'logp_max_mass', 'logp_max_tfce'] as const) {
    const field = (
      { logp_max_t: 'logpMaxT', logp_max_size: 'logpMaxSize', logp_max_mass: 'logpMaxMass', logp_max_tfce: 'logpMaxTfce' } as const
    )[key];
    const v = res.stats[field];
    if (v) significant[key] = v.reduce((n, x) => n + (x > -Math.log10(0.05) ? 1 : 0), 0);
  }
  return {
    n_subjects: res.stack.n,
    n_voxels: res.stack.graph.nVoxels,
    n_perm: res.stats.nPerm,
    permutations_computed: res.stats.computed,
    scheme: res.stats.scheme,
    dof: res.stats.dof,
    threshold_t: res.stats.thresholdT,
    significant_voxels: significant,
    clusters: res.clusters.map((c) => ({
      id: c.id,
      size: c.size,
      peak_value: c.peakValue,
      peak_mm: c.peakMm,
      peak_voxel: c.peakVoxel,
      p_fwe_size: c.pSize,
      p_fwe_mass: c.pMass,
      p_fwe_peak: c.pPeak,
      region: c.region,
      region_probability: c.regionProbability,
    })),
  };
}
