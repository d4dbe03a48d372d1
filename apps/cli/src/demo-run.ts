// The default run: data (the real Haxby subject 1 when it is in the cache, else the default
// simulated set) -> Decoder with leave-one-run-out -> whole-brain searchlight -> score map,
// coefficient map, cv scores and a plain-text summary that ends with how to look at them.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNifti, writeFileAtomicSync, writeNifti, type NiftiImage } from '@neurodecode/nifti-io';
import { fetchHaxby, simulateFmri } from '@neurodecode/datasets';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { searchlight } from '@neurodecode/searchlight';
import { readLabels, selectTargets } from './labels.js';

export interface DemoOptions {
  out: string;
  threads?: number;
  /** Use the simulated set even when Haxby is cached. */
  simulate?: boolean;
  log?: (msg: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface DemoResult {
  dataset: 'haxby-subj1' | 'simulated';
  out: string;
  scores_img: string;
  /** The Decoder's coefficient map (weights for house vs face, averaged over folds), in the mask's space. */
  coef_img: string;
  /** The searchlight's mask (the figures' background). */
  mask_img: string;
  /** The labels file used (for the report's samples per class and run). */
  labels_file: string;
  cv_scores_json: string;
  summary_txt: string;
  decoder: { cv_scores: number[]; mean_score: number; scoring: string; n_samples: number; n_features: number; seconds: number };
  searchlight: { n_spheres: number; mean_score: number; max_score: number; radius: number; estimator: string; cv: string; seconds: number };
  /** Simulated data only: share of the top 1% of searchlight scores inside the planted signal. */
  top1pct_in_signal: number | null;
  seconds: number;
}

interface DemoData {
  dataset: DemoResult['dataset'];
  func: string;
  labels: string;
  decoderMask: string;
  searchlightMask: string;
  signalMask?: string;
}

async function chooseData(out: string, forceSimulate: boolean, log: (m: string) => void): Promise<DemoData> {
  if (!forceSimulate) {
    try {
      const h = await fetchHaxby({ subjects: [1], offline: true });
      log('demo: using the cached Haxby subject 1');
      return { dataset: 'haxby-subj1', func: h.func[0]!, labels: h.sessionTarget[0]!, decoderMask: h.maskVt[0]!, searchlightMask: h.mask };
    } catch {
      // Not cached: fall through to the simulated set (no network is attempted in offline mode).
    }
  }
  log('demo: simulating the default set (40x64x64, 216 volumes, 12 runs, face/house)');
  const sim = await simulateFmri({ outDir: join(out, 'data') });
  return {
    dataset: 'simulated',
    func: sim.bold,
    labels: sim.labels,
    decoderMask: sim.mask,
    searchlightMask: sim.mask,
    signalMask: sim.signal_mask,
  };
}

/** Share of the top `fraction` of scores (over voxels where scores are defined) inside `signal`. */
export function topFractionInside(scores: NiftiImage, mask: NiftiImage, signal: NiftiImage, fraction = 0.01): number {
  const values: { v: number; i: number }[] = [];
  for (let i = 0; i < mask.volumeSize; i++) if (mask.data[i]) values.push({ v: scores.data[i]!, i });
  values.sort((a, b) => b.v - a.v);
  const k = Math.max(1, Math.round(values.length * fraction));
  let inside = 0;
  for (let r = 0; r < k; r++) if (signal.data[values[r]!.i]) inside++;
  return inside / k;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const data = await chooseData(out, Boolean(opts.simulate), log);
  const table = readLabels(data.labels);
  const keep = selectTargets(table.labels, ['face', 'house']);
  const y = keep.map((i) => table.labels[i]!);
  const groups = keep.map((i) => table.groups![i]!);

  log('demo: masking and standardizing');
  const func = await readNifti(data.func, { dtype: 'float32' });
  const masker = new NiftiMasker({ maskImg: data.decoderMask });
  const X = (await masker.fitTransform(func)).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');

  log(`demo: Decoder (svc, leave-one-run-out) on ${X.rows} samples x ${X.cols} voxels`);
  let t = performance.now();
  const decoder = new Decoder({
    estimator: 'svc',
    cv: new LeaveOneGroupOut(),
    maskImg: masker.maskImg_,
    onProgress: (d, n) => opts.onProgress?.('decoder', d, n),
  });
  decoder.fitMatrix(X, y, { groups });
  const positive = String(decoder.classes[1]);
  const cvScores = decoder.cvScores[positive]!;
  const decoderSeconds = (performance.now() - t) / 1000;

  const radius = 5.6;
  log(`demo: whole-brain searchlight (gnb, radius ${radius} mm, leave-one-run-out)`);
  t = performance.now();
  const sl = await searchlight({
    func,
    mask: data.searchlightMask,
    y: table.labels,
    groups: table.groups,
    targets: ['face', 'house'],
    cv: new LeaveOneGroupOut(),
    estimator: 'gnb',
    radius,
    threads: opts.threads,
    onProgress: (d, n) => opts.onProgress?.('searchlight', d, n),
  });
  const slSeconds = (performance.now() - t) / 1000;

  let top1: number | null = null;
  if (data.signalMask) {
    top1 = topFractionInside(sl.scoresImg, await readNifti(data.searchlightMask), await readNifti(data.signalMask));
  }
  const scoresPath = join(out, 'searchlight_scores.nii.gz');
  await writeNifti(sl.scoresImg, scoresPath);
  const coefPath = join(out, 'decoder_coef.nii.gz');
  await writeNifti(masker.inverseTransform(decoder.coefByClass().get(positive)!), coefPath);
  let slMax = -Infinity,
    slSum = 0;
  for (const v of sl.scores) {
    slSum += v;
    if (v > slMax) slMax = v;
  }
  const result: DemoResult = {
    dataset: data.dataset,
    out,
    scores_img: scoresPath,
    coef_img: coefPath,
    mask_img: data.searchlightMask,
    labels_file: data.labels,
    cv_scores_json: join(out, 'cv_scores.json'),
    summary_txt: join(out, 'summary.txt'),
    decoder: {
      cv_scores: cvScores,
      mean_score: cvScores.reduce((a, b) => a + b, 0) / cvScores.length,
      scoring: 'roc_auc',
      n_samples: X.rows,
      n_features: X.cols,
      seconds: decoderSeconds,
    },
    searchlight: {
      n_spheres: sl.nSpheres,
      mean_score: slSum / sl.scores.length,
      max_score: slMax,
      radius,
      estimator: 'gnb',
      cv: 'logo',
      seconds: slSeconds,
    },
    top1pct_in_signal: top1,
    seconds: (performance.now() - started) / 1000,
  };
  writeAtomic(
    result.cv_scores_json,
    JSON.stringify(
      { classes: decoder.classes, cv_scores: cvScores, cv_params: decoder.cvParams[positive], scoring: 'roc_auc', cv: 'logo' },
      null,
      2,
    ) + '\n',
  );
  writeAtomic(result.summary_txt, summaryText(result));
  return result;
}

function writeAtomic(path: string, text: string): void {
  writeFileAtomicSync(path, text);
}

function summaryText(r: DemoResult): string {
  const f = (v: number) => v.toFixed(3);
  return [
    `neurodecode demo on ${r.dataset === 'simulated' ? 'the default simulated set' : 'Haxby subject 1'}`,
    '',
    `Decoder (LinearSVC, leave-one-run-out, ROC AUC): mean ${f(r.decoder.mean_score)} over ${r.decoder.cv_scores.length} folds`,
    `  folds: ${r.decoder.cv_scores.map(f).join(' ')}`,
    `  ${r.decoder.n_samples} samples x ${r.decoder.n_features} voxels, ${r.decoder.seconds.toFixed(1)} s`,
    `Searchlight (GaussianNB, radius ${r.searchlight.radius} mm, leave-one-run-out, accuracy):`,
    `  ${r.searchlight.n_spheres} spheres, mean ${f(r.searchlight.mean_score)}, max ${f(r.searchlight.max_score)}, ${r.searchlight.seconds.toFixed(1)} s`,
    r.top1pct_in_signal === null ? '' : `  top 1% of scores inside the planted signal: ${(100 * r.top1pct_in_signal).toFixed(1)}%`,
    '',
    `searchlight score map: ${r.scores_img}`,
    `decoder coefficient map (house vs face): ${r.coef_img}`,
    `fold scores: ${r.cv_scores_json}`,
    `total: ${r.seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}

/**
 * The demo's closing lines: commands that show its outputs. The maps are in the data's own space
 * (not MNI), so the figures use the mask as background rather than the MNI template.
 */
export function lookAtOutputs(r: DemoResult, reportPath?: string): string {
  const q = (p: string) => (/^[\w./:@-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);
  const lines = ['To look at the outputs:'];
  if (reportPath) lines.push(`  open ${q(reportPath)} in a browser (fold scores, score map slices, histogram)`);
  lines.push(
    `  neurodecode view ${q(r.scores_img)} --bg ${q(r.mask_img)} --threshold 0.6 --out ${q(join(r.out, 'scores_view.html'))}`,
    `  neurodecode plot stat-map ${q(r.coef_img)} --bg ${q(r.mask_img)} --out ${q(join(r.out, 'coef.png'))}`,
  );
  return lines.join('\n') + '\n';
}
