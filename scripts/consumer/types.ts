// Consumer type check: compiled with tsc --strict and skipLibCheck false under node16, nodenext
// and bundler resolution. Every package and sub-entry is imported, so each one's declarations
// (and everything they reference) are checked; @ts-expect-error lines must stay errors.
import { Matrix } from '@neurodecode/matrix';
import { NiftiImage, readNifti, type NumericArray } from '@neurodecode/nifti-io';
import { readNiftiFromBuffer } from '@neurodecode/nifti-io/browser';
import { writeNifti } from '@neurodecode/nifti-io/node';
import { meanImg, type ImgLike } from '@neurodecode/image-ops';
import { NiftiMasker } from '@neurodecode/maskers';
import { BaseClassifier, LinearSVC, checkClassification, createEstimator, type ClassifierState, type LinearSVCParams, type Label, type Targets } from '@neurodecode/estimators';
import { checkEstimator, type ConformanceReport } from '@neurodecode/estimators/testing';
import { LeaveOneGroupOut, crossValScore } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';
import { searchlight, type SearchlightOptions } from '@neurodecode/searchlight';
import { computeSpheres } from '@neurodecode/searchlight/core';
import { SpaceNetClassifier } from '@neurodecode/spacenet';
import { simulateFmri } from '@neurodecode/datasets';

const X = Matrix.from([[0, 1], [1, 0], [0, 2], [2, 0]]);
const y: Label[] = ['a', 'b', 'a', 'b'];

// The estimators README's own example: a registered name gives a typed estimator.
const predicted: Label[] = createEstimator('gnb', {}).fit(X, y).predict(X);
const svc = createEstimator('svc', { C: 10 });
const c: number = svc.getParams().C;
// @ts-expect-error misspelled parameter names do not compile
new LinearSVC({ Cc: 1 });
// @ts-expect-error nor through the registry
createEstimator('svc', { Cc: 1 });
// Names known only at run time (a string, or a union with plugin names) still compile.
const picked = ['svc', 'knn'][X.rows % 2] as 'svc' | 'knn';
createEstimator(picked).kind;
createEstimator(String(picked), { C: 1 }).kind;

// Parameters declared as an interface are accepted.
interface MyParams { C: number; maxIter: number }
const mine: MyParams = { C: 2, maxIter: 100 };
const viaInterface = new LinearSVC(mine);
const partial: Partial<LinearSVCParams> = { C: 3 };
viaInterface.setParams(partial);

// A plugin written against the base class: fit is declared, scores() is what it implements.
interface NearestParams { shrink: number }
interface NearestState extends ClassifierState { means: Float64Array }
class Nearest extends BaseClassifier<NearestParams, NearestState> {
  constructor(params: Partial<NearestParams> = {}) {
    super('Nearest', { shrink: 0 }, params);
  }
  fit(X: Matrix, y?: Targets): this {
    const { X: m, classes, codes } = checkClassification(X, y);
    const k = classes.length;
    const means = new Float64Array(k * m.cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < m.rows; i++) {
      counts[codes[i]!]!++;
      for (let j = 0; j < m.cols; j++) means[codes[i]! * m.cols + j]! += m.get(i, j);
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < m.cols; j++) means[c * m.cols + j]! /= counts[c]!;
    this.state = { classes, nFeatures: m.cols, means };
    return this;
  }
  protected scores(X: Matrix): Matrix {
    const { classes, means } = this.fittedState('predict');
    const out = new Matrix(X.rows, classes.length);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < classes.length; c++) {
        let d = 0;
        for (let j = 0; j < X.cols; j++) d += (X.get(i, j) - means[c * X.cols + j]!) ** 2;
        out.set(i, c, -d);
      }
    }
    return out;
  }
}
const fitted: Nearest = new Nearest().fit(X, y as Targets);
const report: ConformanceReport = checkEstimator(() => new Nearest());

const img: ImgLike = new NiftiImage({ data: new Float32Array(8), shape: [2, 2, 2], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
const data: NumericArray = (img as NiftiImage).data;
const opts: Partial<SearchlightOptions> = { radius: 4, threads: 2 };
export const uses = [
  predicted, c, fitted, report, data, opts, readNifti, readNiftiFromBuffer, writeNifti, meanImg, NiftiMasker,
  crossValScore, new LeaveOneGroupOut(), Decoder, searchlight, computeSpheres, SpaceNetClassifier, simulateFmri,
];
