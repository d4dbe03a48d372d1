// Consumer CommonJS script: require() of the ES module packages, on the Node versions that the
// packages' `engines` allow (20.19+ / 22.12+ load ES modules synchronously from require).
const assert = require('node:assert/strict');
const { Matrix } = require('@neurodecode/matrix');
const { NiftiImage, encodeNifti, parseNifti } = require('@neurodecode/nifti-io');
const { LinearSVC, GaussianNB } = require('@neurodecode/estimators');
const { StratifiedKFold, crossValScore } = require('@neurodecode/cv');
const decoding = require('@neurodecode/decoding');
const imageOps = require('@neurodecode/image-ops');
const maskers = require('@neurodecode/maskers');
const searchlightPkg = require('@neurodecode/searchlight');
const datasets = require('@neurodecode/datasets');

const n = 40;
const X = new Matrix(n, 3);
const y = [];
for (let i = 0; i < n; i++) {
  const c = i % 2;
  y.push(c ? 'face' : 'house');
  for (let j = 0; j < 3; j++) X.set(i, j, Math.sin(i * 7.1 + j * 3.3) + (j === 0 ? 2 * c : 0));
}
const acc = crossValScore(new LinearSVC(), X, y, { cv: new StratifiedKFold({ nSplits: 4 }) });
assert.ok(acc.every((a) => a >= 0.75), `accuracy ${Array.from(acc)}`);
assert.equal(new GaussianNB().fit(X, y).predict(X).length, n);

const img = new NiftiImage({ data: new Float32Array(8).fill(1.5), shape: [2, 2, 2], affine: [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]] });
assert.deepEqual(Array.from(parseNifti(encodeNifti(img), 'memory').data), Array.from(img.data));
for (const [name, fn] of [['Decoder', decoding.Decoder], ['meanImg', imageOps.meanImg], ['NiftiMasker', maskers.NiftiMasker], ['searchlight', searchlightPkg.searchlight], ['simulateFmri', datasets.simulateFmri]]) {
  assert.equal(typeof fn, 'function', `${name} from require()`);
}
console.log(JSON.stringify({ cjs: 'ok', node: process.versions.node }));
