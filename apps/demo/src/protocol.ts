// Messages between the page and its Web Workers. Images travel as plain objects (typed array,
// shape, affine): structured cloning drops class prototypes, and the worker rebuilds NiftiImages.
import { NiftiImage, type Affine, type NumericArray } from '@neurodecode/nifti-io/browser';
import type { ComputePlan, ChunkQueue, KernelName } from '@neurodecode/searchlight/core';
import type { Value } from './labels.js';

export interface ImageMessage {
  data: NumericArray;
  shape: number[];
  affine: Affine;
}

export function imageMessage(img: NiftiImage): ImageMessage {
  return { data: img.data as NumericArray, shape: img.shape.slice(), affine: img.affine.map((r) => r.slice()) };
}

export function imageFromMessage(m: ImageMessage): NiftiImage {
  return new NiftiImage({ data: m.data, shape: m.shape, affine: m.affine });
}

/** What every analysis job needs: the 4-D image, the mask, per-volume labels/runs and the targets. */
export interface DatasetMessage {
  func: ImageMessage;
  mask: ImageMessage;
  labels: Value[];
  groups?: Value[];
  targets: string[];
}

export type EstimatorName = 'svc' | 'logistic' | 'gnb' | 'ridge_classifier' | 'spacenet-tvl1' | 'spacenet-graph-net';

export type JobRequest =
  | { kind: 'simulate'; seed: number }
  | { kind: 'decode'; data: DatasetMessage; estimator: EstimatorName; cv: string; wasm: boolean }
  | { kind: 'permutation'; data: DatasetMessage; estimator: EstimatorName; cv: string; nPermutations: number; seed: number; wasm: boolean }
  | { kind: 'searchlight-plan'; data: DatasetMessage; estimator: string; cv: string; radius: number; chunkSize: number }
  | { kind: 'searchlight-compute'; plan: ComputePlan; queue: ChunkQueue; estimator: string; labels: Value[]; returnScores: boolean };

export interface SimulateResult {
  bold: ImageMessage;
  mask: ImageMessage;
  labelsText: string;
  tr: number;
}

export interface DecodeResult {
  estimator: string;
  cv: string;
  scoring: string;
  classes: string[];
  /** One score per outer fold (the binary problem's, or the mean over one-vs-rest problems), as the CLI's cv_scores. */
  cvScores: number[];
  meanScore: number;
  /** Chance level of the score: 0.5 for ROC AUC; the majority-class share for accuracy. */
  chance: number;
  cvParams: unknown[];
  /** Rows: true class, columns: predicted class (order of `classes`), summed over the test folds. */
  confusion: number[][];
  nSamples: number;
  nFeatures: number;
  /** Fold-averaged coefficients in mask C order (linear models), else absent. */
  coef?: Float64Array;
  backend?: string;
  seconds: number;
}

export interface PermutationResult {
  estimator: string;
  cv: string;
  score: number;
  pvalue: number;
  nullScores: number[];
  nPermutations: number;
  chance: number;
  seconds: number;
}

export interface SearchlightPlanMessage {
  plan: ComputePlan;
  queue: ChunkQueue;
  labels: Value[];
  centres: Int32Array;
  shape: number[];
  affine: Affine;
  nSpheres: number;
  nFolds: number;
  kernel: KernelName;
  classes: string[];
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'chunk'; spheres: number }
  | { type: 'plan'; plan: SearchlightPlanMessage }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string };
