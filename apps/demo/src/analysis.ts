// Decoder and permutation test as the CLI runs them (apps/cli decode / permutation): mask the 4-D
// image, keep the target volumes, z-score each voxel (zscore_sample), then decode with nilearn's
// Decoder workflow (nested grid, 20% screening) or score against label permutations.
import { Matrix } from '@neurodecode/matrix';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { Decoder, type FoldResult } from '@neurodecode/decoding';
import { parseCvSpec, permutationTestScore, type Splitter } from '@neurodecode/cv';
import { createEstimator, type Estimator, type Label } from '@neurodecode/estimators';
import { selectTargets } from './labels.js';
import { imageFromMessage, type DatasetMessage, type DecodeResult, type JobRequest, type PermutationResult } from './protocol.js';
import { makeSpaceNet } from './spacenet.js';

export interface MaskedData {
  X: Matrix;
  y: string[];
  groups?: (string | number)[];
  masker: NiftiMasker;
}

export async function maskedData(data: DatasetMessage): Promise<MaskedData> {
  const keep = selectTargets(data.labels, data.targets);
  const func = imageFromMessage(data.func);
  const masker = new NiftiMasker({ maskImg: imageFromMessage(data.mask) });
  await masker.fit([func]);
  const X = (await masker.transform([func])).selectRows(keep);
  standardizeInPlace(X, 'zscore_sample');
  return {
    X,
    y: keep.map((i) => String(data.labels[i]!)),
    groups: data.groups ? keep.map((i) => data.groups![i]!) : undefined,
    masker,
  };
}

function splitterFor(cv: string, groups: unknown[] | undefined): Splitter {
  const splitter = parseCvSpec(cv);
  if (cv === 'logo' && !groups)
    throw new Error('cv: leave-one-run-out needs runs, but the labels file has no "chunks" column; choose k-fold');
  return splitter;
}

/** A Decoder that keeps each outer fold's model, so the page can show the confusion matrix. */
class FoldKeepingDecoder extends Decoder {
  folds: FoldResult[][] = [];
  protected override fitProblems(...args: Parameters<Decoder['fitProblems']>): FoldResult[][] {
    this.folds = super.fitProblems(...args);
    return this.folds;
  }
}

/** Decision value of one fold model on the test rows (as the Decoder's own predict does). */
function foldDecision(fold: FoldResult, Xte: Matrix): Float64Array {
  if (fold.coef) {
    const out = new Float64Array(Xte.rows);
    for (let i = 0; i < Xte.rows; i++) {
      const x = Xte.row(i);
      let s = fold.intercept ?? 0;
      for (let j = 0; j < x.length; j++) s += fold.coef[j]! * x[j]!;
      out[i] = s;
    }
    return out;
  }
  const { estimator, support } = fold.model!;
  const Xs = support ? Xte.selectCols(support) : Xte;
  const clf = estimator as unknown as { decisionFunction?: (X: Matrix) => Matrix; predictProba?: (X: Matrix) => Matrix };
  if (clf.decisionFunction) {
    const d = clf.decisionFunction(Xs);
    return Float64Array.from(d.col(d.cols - 1));
  }
  if (clf.predictProba) {
    const d = clf.predictProba(Xs);
    return Float64Array.from(d.col(d.cols - 1), (v) => v - 0.5);
  }
  throw new Error('estimator: offers neither coefficients, decisionFunction nor predictProba');
}

/** Cross-validated confusion matrix from the Decoder's fold models (rows: truth, columns: predicted). */
function confusionMatrix(
  decoder: FoldKeepingDecoder,
  splitter: Splitter,
  X: Matrix,
  y: string[],
  groups: unknown[] | undefined,
): number[][] {
  const classes = decoder.classes.map(String);
  const index = new Map(classes.map((c, k) => [c, k]));
  const codes = Float64Array.from(y, (v) => index.get(v)!);
  const out = classes.map(() => classes.map(() => 0));
  const splits = splitter.split(X.rows, codes, groups as Label[] | undefined);
  splits.forEach((split, f) => {
    const Xte = X.selectRows(split.test);
    const decisions = decoder.folds.map((problem) => foldDecision(problem[f]!, Xte));
    for (let i = 0; i < split.test.length; i++) {
      let predicted: number;
      if (decisions.length === 1) predicted = decisions[0]![i]! > 0 ? 1 : 0;
      else {
        predicted = 0;
        for (let p = 1; p < decisions.length; p++) if (decisions[p]![i]! > decisions[predicted]![i]!) predicted = p;
      }
      out[codes[split.test[i]!]!]![predicted]!++;
    }
  });
  return out;
}

function majorityShare(y: string[]): number {
  const counts = new Map<string, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Math.max(...counts.values()) / y.length;
}

export async function runDecode(
  req: Extract<JobRequest, { kind: 'decode' }>,
  progress: (d: number, t: number) => void,
): Promise<DecodeResult> {
  const started = performance.now();
  const { X, y, groups, masker } = await maskedData(req.data);
  const splitter = splitterFor(req.cv, groups);
  const spacenet = req.estimator.startsWith('spacenet-') ? await makeSpaceNet(req.estimator, masker, req.wasm) : undefined;
  const decoder = new FoldKeepingDecoder({
    estimator: spacenet?.estimator ?? req.estimator,
    cv: splitter,
    selection: 'nested',
    // SpaceNet screens and standardizes inside (its penalty needs the whole mask's layout).
    screeningPercentile: spacenet ? null : 20,
    paramGrid: spacenet ? {} : undefined,
    maskImg: masker.maskImg_,
    onProgress: progress,
  });
  decoder.fitMatrix(X, y, { groups });
  const classes = decoder.classes.map(String);
  const perClass = decoder.cvScores;
  const problemKeys = classes.length === 2 ? [classes[1]!] : classes;
  const nFolds = perClass[problemKeys[0]!]!.length;
  const cvScores = Array.from({ length: nFolds }, (_, f) => problemKeys.reduce((s, k) => s + perClass[k]![f]!, 0) / problemKeys.length);
  let coef: Float64Array | undefined;
  if (decoder.coef) coef = Float64Array.from(decoder.coefByClass().get(classes.length === 2 ? decoder.classes[1]! : decoder.classes[0]!)!);
  return {
    estimator: req.estimator,
    cv: req.cv,
    scoring: 'roc_auc',
    classes,
    cvScores,
    meanScore: cvScores.reduce((a, b) => a + b, 0) / cvScores.length,
    chance: 0.5,
    cvParams: decoder.cvParams[problemKeys[0]!] ?? [],
    confusion: confusionMatrix(decoder, splitter, X, y, groups),
    nSamples: X.rows,
    nFeatures: X.cols,
    coef,
    backend: spacenet?.backend,
    seconds: (performance.now() - started) / 1000,
  };
}

export async function runPermutation(
  req: Extract<JobRequest, { kind: 'permutation' }>,
  progress: (d: number, t: number) => void,
): Promise<PermutationResult> {
  const started = performance.now();
  const { X, y, groups, masker } = await maskedData(req.data);
  const splitter = splitterFor(req.cv, groups);
  const estimator: Estimator = req.estimator.startsWith('spacenet-')
    ? (await makeSpaceNet(req.estimator, masker, req.wasm)).estimator
    : createEstimator(req.estimator);
  const res = permutationTestScore(estimator, X, y, {
    cv: splitter,
    groups,
    nPermutations: req.nPermutations,
    seed: req.seed,
    scoring: 'accuracy',
    onProgress: progress,
  });
  return {
    estimator: req.estimator,
    cv: req.cv,
    score: res.score,
    pvalue: res.pvalue,
    nullScores: Array.from(res.nullScores),
    nPermutations: req.nPermutations,
    chance: majorityShare(y),
    seconds: (performance.now() - started) / 1000,
  };
}
