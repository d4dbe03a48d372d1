// What each command puts in its report: one builder per command, so the command files only add
// the --report flag, an early path check and one call.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { crossValidate, type Splitter } from '@neurodecode/cv';
import { createEstimator, type Classifier } from '@neurodecode/estimators';
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { log } from '../util.js';
import { writeReport, type ReportMap, type ReportSpec } from './report.js';

type Value = string | number;

export const REPORT_FLAG = ['--report <file>', 'write a self-contained HTML report: figures, inputs, versions, timings'] as const;

/** Fail before any work when the report cannot be written. */
export function checkReportPath(path: string | undefined): void {
  if (path === undefined) return;
  if (!/\.html?$/i.test(path)) throw new Error(`--report: must end in .html, got "${path}"`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--report: folder does not exist: ${dir}`);
}

/** Per-fold scores of scikit-learn's DummyClassifier (prior) on the same folds: the chance level. */
export function chanceScores(
  X: Matrix,
  y: Value[],
  groups: Value[] | undefined,
  cv: Splitter,
  scoring: string,
): { scores?: number[]; note: string } {
  try {
    const r = crossValidate(createEstimator('dummy', { strategy: 'prior' }), X, y, { cv, groups, scoring: scoring as 'accuracy' });
    return { scores: Array.from(r.testScores), note: `grey ticks and dashed line: DummyClassifier (prior) ${scoring} on the same folds` };
  } catch (err) {
    return { note: `chance level not computed (${(err as Error).message})` };
  }
}

/** Accuracy of DummyClassifier (prior) fitted on `train` labels and scored on `test` labels (a train/test split). */
export function splitChance(train: Value[], test: Value[]): { scores: number[]; note: string } {
  const dummy = (createEstimator('dummy', { strategy: 'prior' }) as Classifier).fit(Matrix.zeros(train.length, 1), train);
  return {
    scores: [dummy.score(Matrix.zeros(test.length, 1), test)],
    note: 'grey tick and dashed line: DummyClassifier (prior) accuracy, fitted on the training runs',
  };
}

/** Counts of (true, predicted) pairs, rows true and columns predicted, over `labels` in order. */
export function confusionCounts(
  truth: readonly Value[],
  predicted: readonly Value[],
  labels: readonly Value[],
): { matrix: number[][]; labels: string[] } {
  const at = new Map(labels.map((l, i) => [String(l), i]));
  const matrix = labels.map(() => labels.map(() => 0));
  truth.forEach((t, i) => {
    const r = at.get(String(t)),
      c = at.get(String(predicted[i]));
    if (r !== undefined && c !== undefined) matrix[r]![c]!++;
  });
  return { matrix, labels: labels.map(String) };
}

async function write(path: string, spec: ReportSpec): Promise<void> {
  const bytes = await writeReport(path, spec);
  log(`report: ${path} (${(bytes / 1e6).toFixed(2)} MB)`);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export interface DecodeReportInput {
  result: Record<string, unknown> & { cv_scores: number[]; mean_score: number; scoring: string };
  X: Matrix;
  y: Value[];
  groups?: Value[];
  cv: Splitter;
  maskImg: NiftiImage;
  /** The weight map of the decoder (first problem), as an image. */
  coefImg?: NiftiImage;
}

export async function decodeReport(path: string, d: DecodeReportInput): Promise<void> {
  const chance = chanceScores(d.X, d.y, d.groups, d.cv, d.result.scoring);
  // decode's --json confusion matrix: { labels, counts } (rows true, columns predicted), or a bare matrix.
  const raw = d.result.confusion_matrix as { labels: string[]; counts: number[][] } | number[][] | undefined;
  const cm =
    raw === undefined
      ? undefined
      : Array.isArray(raw)
        ? { matrix: raw, labels: ((d.result.classes as string[]) ?? []).map(String) }
        : { matrix: raw.counts, labels: raw.labels.map(String) };
  await write(path, {
    command: 'decode',
    result: d.result,
    headline: [
      [`mean ${d.result.scoring}`, d.result.mean_score.toFixed(3)],
      ['folds', String(d.result.cv_scores.length)],
      ...(chance.scores ? [[`chance (dummy)`, mean(chance.scores).toFixed(3)] as [string, string]] : []),
    ],
    inputs: { grid: d.maskImg.shape.slice(0, 3), maskVoxels: d.X.cols, y: d.y, groups: d.groups },
    folds: { scores: d.result.cv_scores, chance: chance.scores, scoring: d.result.scoring, chanceNote: chance.note },
    confusion: cm,
    maps: d.coefImg ? [{ img: d.coefImg, label: 'decoder weights', kind: 'weights' }] : [],
    notes: cm ? [] : ["confusion matrix: not in this result (needs the decoder's cross-validated predictions)"],
  });
}

export interface PermutationReportInput {
  result: Record<string, unknown> & { score: number; pvalue: number; null_scores: number[]; scoring: string; seed: number };
  X: Matrix;
  y: Value[];
  groups?: Value[];
  cv: Splitter;
  maskImg?: NiftiImage;
}

export async function permutationReport(path: string, d: PermutationReportInput): Promise<void> {
  const chance = chanceScores(d.X, d.y, d.groups, d.cv, d.result.scoring);
  await write(path, {
    command: 'permutation',
    result: d.result,
    seed: d.result.seed,
    headline: [
      [`mean ${d.result.scoring}`, d.result.score.toFixed(3)],
      ['p-value', d.result.pvalue.toPrecision(3)],
      ['permutations', String(d.result.null_scores.length)],
      ...(chance.scores ? [['chance (dummy)', mean(chance.scores).toFixed(3)] as [string, string]] : []),
    ],
    inputs: { grid: d.maskImg?.shape.slice(0, 3), maskVoxels: d.X.cols, y: d.y, groups: d.groups },
    permutation: { nullScores: d.result.null_scores, observed: d.result.score, pValue: d.result.pvalue },
    notes: chance.scores ? [] : [chance.note],
  });
}

export interface MapReportInput {
  command: 'searchlight' | 'spacenet';
  result: Record<string, unknown>;
  map: NiftiImage;
  mapLabel: string;
  kind: ReportMap['kind'];
  chance?: number;
  grid?: readonly number[];
  maskVoxels?: number;
  y?: Value[];
  groups?: Value[];
  folds?: { scores: number[]; scoring: string; chance?: number[]; chanceNote?: string };
  /** Predictions on held-out volumes (all folds, or the test runs), rows true and columns predicted. */
  confusion?: { matrix: number[][]; labels: string[]; what?: string };
}

export async function mapReport(path: string, d: MapReportInput): Promise<void> {
  const r = d.result;
  const score = (r.mean_score ?? r.test_score) as number | undefined;
  const headline: [string, string][] = [
    [
      d.command === 'searchlight' ? 'mean score over spheres' : r.mean_score !== undefined ? 'mean cv score' : 'test score',
      score === undefined ? '-' : score.toFixed(3),
    ],
  ];
  if (typeof r.max_score === 'number') headline.push(['max score', r.max_score.toFixed(3)]);
  if (typeof r.n_spheres === 'number') headline.push(['spheres', String(r.n_spheres)]);
  if (d.folds?.chance) headline.push(['chance (dummy)', mean(d.folds.chance).toFixed(3)]);
  if (typeof r.n_nonzero === 'number') headline.push(['non-zero weights', String(r.n_nonzero)]);
  await write(path, {
    command: d.command,
    result: r,
    headline,
    inputs: { grid: d.grid, maskVoxels: d.maskVoxels, y: d.y, groups: d.groups },
    folds: d.folds,
    confusion: d.confusion,
    maps: [{ img: d.map, label: d.mapLabel, kind: d.kind, chance: d.chance }],
  });
}

export interface DemoReportInput {
  result: {
    dataset: string;
    decoder: { cv_scores: number[]; mean_score: number; scoring: string; n_samples: number; n_features: number };
    searchlight: { mean_score: number; max_score: number; n_spheres: number };
    top1pct_in_signal: number | null;
    seconds: number;
  };
  scoresImg: NiftiImage;
  y?: Value[];
  groups?: Value[];
  grid?: readonly number[];
}

export async function demoReport(path: string, d: DemoReportInput): Promise<void> {
  const r = d.result;
  await write(path, {
    command: 'demo',
    result: r as unknown as Record<string, unknown>,
    headline: [
      [`decoder mean ${r.decoder.scoring}`, r.decoder.mean_score.toFixed(3)],
      ['searchlight max accuracy', r.searchlight.max_score.toFixed(3)],
      ...(r.top1pct_in_signal === null
        ? []
        : [['top 1% inside the planted signal', `${(100 * r.top1pct_in_signal).toFixed(1)}%`] as [string, string]]),
    ],
    inputs: { grid: d.grid, maskVoxels: r.decoder.n_features, y: d.y, groups: d.groups, extra: [['dataset', r.dataset]] },
    // A constant (prior) prediction ranks nothing: its ROC AUC is 0.5 on every fold.
    folds: {
      scores: r.decoder.cv_scores,
      chance: r.decoder.cv_scores.map(() => 0.5),
      scoring: r.decoder.scoring,
      chanceNote: 'dashed line: ROC AUC of a constant (dummy) prediction, 0.5',
    },
    maps: [{ img: d.scoresImg, label: 'searchlight accuracy (GaussianNB)', kind: 'score', chance: 0.5 }],
  });
}

export interface GroupReportInput {
  /** group's --json result (method, significant_voxels, threshold_t, clusters...). */
  result: Record<string, unknown>;
  /** Its output images under their file names (t, logp_max_t, mean, logp_voxel, ...). */
  images: Record<string, NiftiImage>;
  nSubjects: number;
  maskVoxels?: number;
}

/** -log10(0.05): a logp map above this is significant at p < 0.05. */
const LOGP_05 = -Math.log10(0.05);

/**
 * The group page: the statistic map (t, Stelzer's mean or the prevalence minimum) at the
 * cluster-forming threshold, then every corrected -log10 p map at p < 0.05, each with slices, a
 * glass brain and, in MNI space, its clusters named by the atlas.
 */
export async function groupReport(path: string, d: GroupReportInput): Promise<void> {
  const r = d.result;
  const statName = ['t', 'mean', 'min'].find((k) => d.images[k]);
  const threshold = typeof r.threshold_t === 'number' && statName === 't' ? r.threshold_t : undefined;
  const maps: ReportMap[] = [];
  if (statName) maps.push({ img: d.images[statName]!, label: `group ${statName} map`, kind: 'weights', threshold });
  for (const [name, img] of Object.entries(d.images)) {
    if (name.startsWith('logp') && !name.endsWith('_uncorrected'))
      maps.push({ img, label: `${name} (-log10 p, corrected)`, kind: 'weights', threshold: LOGP_05 });
  }
  const significant = (r.significant_voxels ?? {}) as Record<string, number>;
  await write(path, {
    command: 'group',
    result: r,
    seed: typeof r.seed === 'number' ? r.seed : undefined,
    headline: [
      ['subjects', String(d.nSubjects)],
      ...Object.entries(significant).map(([k, v]) => [`significant voxels: ${k}`, String(v)] as [string, string]),
    ],
    inputs: {
      grid: d.images[statName ?? Object.keys(d.images)[0]!]?.shape.slice(0, 3),
      maskVoxels: d.maskVoxels,
      extra: [['method', String(r.method ?? '-')]],
    },
    maps,
  });
}
