import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Matrix } from '@neurodecode/matrix';
import { NiftiImage, readNifti } from '@neurodecode/nifti-io';
import { indexImg } from '@neurodecode/image-ops';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { LinearSVC, registerEstimator } from '@neurodecode/estimators';
import { KFold, LeaveOneGroupOut, StratifiedShuffleSplit } from '@neurodecode/cv';
import { dataPath, reference, rng, skipWithoutShared } from '@neurodecode/testkit';
import { Decoder, DecoderRegressor, FREMClassifier, FREMRegressor, ReNA, featureMajor, maskGridEdges, type FREMOptions } from '../src/index.js';
import { withCountingRunner } from './thread-runs.js';

/** A 3-D mask image on a unit grid from a predicate over (i, j, k). */
function maskOf(shape: [number, number, number], inside: (i: number, j: number, k: number) => boolean): NiftiImage {
  const data = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let k = 0; k < shape[2]; k++) for (let j = 0; j < shape[1]; j++) for (let i = 0; i < shape[0]; i++) {
    if (inside(i, j, k)) data[i + shape[0] * (j + shape[1] * k)] = 1;
  }
  return new NiftiImage({ data, shape, affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
}

/** Standard normal draws (Box-Muller) from the testkit's seeded uniform stream. */
function normals(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Masked voxels' (i, j, k) in C order (i slowest), independently of maskGridEdges. */
function voxelsOf(mask: NiftiImage): [number, number, number][] {
  const [nx, ny, nz] = mask.shape as [number, number, number];
  const out: [number, number, number][] = [];
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    if (Number(mask.data[i + nx * (j + ny * k)]) !== 0) out.push([i, j, k]);
  }
  return out;
}

test('maskGridEdges: exactly the face-neighbour pairs of masked voxels, in masked C order', () => {
  const mask = maskOf([5, 4, 3], (i, j, k) => (i * 7 + j * 3 + k) % 5 !== 0);
  const vox = voxelsOf(mask);
  const expected = new Set<string>();
  vox.forEach((p, u) => vox.forEach((q, v) => {
    if (u < v && Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) === 1) expected.add(`${u}-${v}`);
  }));
  const { a, b, nVoxels } = maskGridEdges(mask);
  assert.equal(nVoxels, vox.length);
  const got = new Set(Array.from(a, (u, e) => `${u}-${b[e]}`));
  assert.equal(got.size, a.length, 'no duplicate edges');
  assert.deepEqual([...got].sort(), [...expected].sort());
});

test('ReNA recovers spatial blocks of shared signal; transform averages, inverseTransform spreads back', () => {
  // A 12 x 4 x 1 strip made of three 4 x 4 blocks; each block's voxels share one series plus small noise.
  const mask = maskOf([12, 4, 1], () => true);
  const normal = normals(3);
  const n = 40, p = 48;
  const block = (v: number) => Math.floor(voxelsOf(mask)[v]![0] / 4);
  const base = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, () => 5 * normal()));
  const X = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let v = 0; v < p; v++) X.data[i * p + v] = base[block(v)]![i]! + 0.01 * normal();
  for (const overshoot of ['nilearn', 'shortest'] as const) {
    const r = ReNA.fit(X, mask, 3, { overshoot });
    assert.equal(r.nClusters, 3, overshoot);
    for (let v = 0; v < p; v++) for (let u = 0; u < p; u++) {
      assert.equal(r.labels[u] === r.labels[v], block(u) === block(v), `${overshoot}: voxels ${u} and ${v}`);
    }
  }
  const r = ReNA.fit(X, mask, 3);
  const Z = r.transform(X);
  // independent means of each cluster's columns
  for (let i = 0; i < n; i += 7) for (let c = 0; c < 3; c++) {
    let s = 0, m = 0;
    for (let v = 0; v < p; v++) if (r.labels[v] === c) { s += X.data[i * p + v]!; m++; }
    assert.ok(Math.abs(Z.data[i * 3 + c]! - s / m) < 1e-12);
  }
  // the feature-major path gives the same clusters and means for chosen rows
  const rows = Int32Array.from([0, 3, 5, 8, 13, 21, 34]);
  const fm = ReNA.fitFeatureMajor(featureMajor(X), n, rows, mask, 3);
  const direct = ReNA.fit(X.selectRows(rows), mask, 3);
  assert.deepEqual(Array.from(fm.labels), Array.from(direct.labels));
  const Zr = fm.transformFeatureMajor(featureMajor(X), n, rows);
  const Zd = direct.transform(X.selectRows(rows));
  Zr.data.forEach((v, i) => assert.ok(Math.abs(v - Zd.data[i]!) < 1e-12));
  const back = r.inverseTransform(Float64Array.from([1, 2, 3]));
  back.forEach((v, j) => assert.equal(v, r.labels[j]! + 1));
  // voxel weights of a cluster-space model give the same decision on the voxels
  const wc = Float64Array.from([0.5, -2, 1.25]);
  const wv = r.voxelWeights(wc);
  for (let i = 0; i < n; i += 5) {
    let onVoxels = 0, onClusters = 0;
    for (let v = 0; v < p; v++) onVoxels += wv[v]! * X.data[i * p + v]!;
    for (let c = 0; c < 3; c++) onClusters += wc[c]! * Z.data[i * 3 + c]!;
    assert.ok(Math.abs(onVoxels - onClusters) < 1e-9);
  }
  assert.throws(() => ReNA.fit(X, mask, 0), /nClusters: must be an integer >= 1/);
  assert.throws(() => ReNA.fit(X.selectCols(Int32Array.from({ length: 10 }, (_, i) => i)), mask, 3), /mask: has 48 voxels/);
  assert.throws(() => ReNA.fit(X, mask, 3, { overshoot: 'ward' as 'nilearn' }), /overshoot: expected/);
});

test('ReNA on many voxels reaches the cluster count (about) and keeps clusters spatially connected', () => {
  const mask = maskOf([10, 9, 8], (i, j, k) => (i - 4.5) ** 2 + (j - 4) ** 2 + (k - 3.5) ** 2 < 18);
  const vox = voxelsOf(mask);
  const normal = normals(9);
  const X = new Matrix(30, vox.length);
  for (let i = 0; i < X.data.length; i++) X.data[i] = normal();
  const k = Math.floor(vox.length / 10);
  const shortest = ReNA.fit(X, mask, k, { overshoot: 'shortest' });
  assert.equal(shortest.nClusters, k);
  const nilearn = ReNA.fit(X, mask, k);
  assert.ok(nilearn.nClusters >= k && nilearn.nClusters <= 2 * k, `${nilearn.nClusters} clusters for ${k}`);
  // every cluster is one connected piece of the grid (checked by flood fill over voxels)
  for (const r of [shortest, nilearn]) {
    const index = new Map(vox.map((p, v) => [p.join(','), v]));
    const seen = new Set<number>();
    for (let c = 0; c < r.nClusters; c++) {
      const members = vox.map((_, v) => v).filter((v) => r.labels[v] === c);
      const stack = [members[0]!];
      const reached = new Set(stack);
      while (stack.length) {
        const [i, j, kk] = vox[stack.pop()!]!;
        for (const [di, dj, dk] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
          const q = index.get([i + di!, j + dj!, kk + dk!].join(','));
          if (q !== undefined && r.labels[q] === c && !reached.has(q)) { reached.add(q); stack.push(q); }
        }
      }
      assert.equal(reached.size, members.length, `cluster ${c} is connected`);
      members.forEach((v) => seen.add(v));
    }
    assert.equal(seen.size, vox.length);
  }
});

/** Haxby slice, two targets, standardized as nilearn's decoders do (population std). */
async function haxbyPair(targets: [string, string]) {
  const dir = dataPath('haxby-slice')!;
  const rows = readFileSync(`${dir}/labels.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep: number[] = [];
  rows.forEach((r, i) => { if (targets.includes(r[0]!)) keep.push(i); });
  const maskImg = await readNifti(`${dir}/mask.nii.gz`);
  const X = (await new NiftiMasker({ maskImg }).fitTransform(`${dir}/bold.nii.gz`)).selectRows(keep);
  standardizeInPlace(X, 'zscore');
  return { X, y: keep.map((i) => rows[i]![0]!), groups: keep.map((i) => Number(rows[i]![1])), maskImg, keep, dir };
}

test('FREMClassifier reproduces nilearn\'s FREM means on the haxby slice (face vs house, face vs cat) within 0.03', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).frem;
  for (const [key, targets] of [['face_vs_house_logo', ['face', 'house']], ['face_vs_cat_logo', ['face', 'cat']]] as const) {
    const { X, y, groups, maskImg } = await haxbyPair(targets as unknown as [string, string]);
    // nilearn's configuration: liblinear-style LinearSVC, C chosen on the test fold.
    const frem = new FREMClassifier({ estimator: new LinearSVC({ solver: 'primal' }), cv: new LeaveOneGroupOut(), selection: 'test-fold', maskImg });
    frem.fitMatrix(X, y, { groups });
    const refMean = ref[key].mean as number;
    assert.equal(frem.cvScores[targets[0]]!.length, 12);
    assert.ok(Math.abs(frem.meanScore - refMean) <= 0.03, `${key}: ${frem.meanScore} vs nilearn ${refMean}`);
    // 10 % of the 530 voxels as clusters: 53, below nilearn's 100-feature screening floor
    assert.equal(frem.coef!.cols, X.cols);
  }
});

test('FREM with clustering at 100 % is the Decoder on the same splits (classifier and regressor)', { skip: skipWithoutShared() }, async () => {
  const { X, y, groups, maskImg } = await haxbyPair(['face', 'house']);
  const cv = new StratifiedShuffleSplit({ nSplits: 4, seed: 1 });
  const frem = new FREMClassifier({ cv, clusteringPercentile: 100, maskImg, selection: 'test-fold' }).fitMatrix(X, y, { groups });
  const dec = new Decoder({ cv, maskImg, selection: 'test-fold' }).fitMatrix(X, y, { groups });
  assert.deepEqual(frem.cvScores, dec.cvScores);
  assert.deepEqual(Array.from(frem.coef!.data), Array.from(dec.coef!.data));
  const target = groups.map((g) => g / 12);
  const kf = new KFold({ nSplits: 3 });
  const fr = new FREMRegressor({ estimator: 'ridge', cv: kf, clusteringPercentile: 100, maskImg }).fitMatrix(X, target, { groups });
  const dr = new DecoderRegressor({ estimator: 'ridge', cv: kf, maskImg }).fitMatrix(X, target, { groups });
  assert.deepEqual(fr.cvScores, dr.cvScores);
});

test('FREM defaults: 30 seeded stratified shuffle splits, 10 % clusters; coefficient maps are cluster-wise per fold', { skip: skipWithoutShared() }, async () => {
  const { y, groups, dir, keep } = await haxbyPair(['face', 'house']);
  const imgs = await indexImg(`${dir}/bold.nii.gz`, keep);
  const frem = new FREMClassifier({ mask: `${dir}/mask.nii.gz`, cv: 5 });
  await frem.fit(imgs, y, { groups });
  // a fold count gives shuffle splits even with groups (nilearn converts it before fit)
  assert.equal(frem.cvScores.face!.length, 5);
  assert.ok(frem.meanScore > 0.9, `mean ${frem.meanScore}`);
  assert.ok(frem.coefImg?.face && frem.stdCoefImg?.house && frem.maskImg);
  // the averaged voxel map predicts as its fold models did (clusterWeights 'mean')
  assert.ok((await frem.score(imgs, y)) > 0.95);
  const pred = await frem.predict(imgs);
  assert.ok(pred.filter((p, i) => p === y[i]).length / y.length > 0.9);
  const def = new FREMClassifier();
  assert.equal((def as unknown as { opts: { cv: StratifiedShuffleSplit } }).opts.cv.nSplits, 30);
  const reg = new FREMRegressor({ mask: `${dir}/mask.nii.gz`, cv: 3, clusteringPercentile: 20 });
  await reg.fit(imgs, groups.map(Number), { groups });
  assert.equal(reg.cvScores.beta!.length, 3);
  assert.ok(reg.coefImg?.beta);
});

test('FREM bad input: clustering percentile out of range, clustering without a mask, a non-linear estimator', { skip: skipWithoutShared() }, async () => {
  assert.throws(() => new FREMClassifier({ clusteringPercentile: 0 }), /clusteringPercentile: must be in \(0, 100\], got 0/);
  assert.throws(() => new FREMRegressor({ clusteringPercentile: 120 }), /clusteringPercentile: must be in \(0, 100\], got 120/);
  assert.throws(() => new FREMClassifier({ clusterWeights: 'sum' as 'mean' }), /clusterWeights: expected "mean" or "spread"/);
  assert.throws(() => new FREMClassifier({ cv: 0 }), /cv: a fold count must be an integer >= 1, got 0/);
  const { X, y, groups, maskImg } = await haxbyPair(['face', 'house']);
  assert.throws(() => new FREMClassifier({ cv: 3 }).fitMatrix(X, y, { groups }), /clusteringPercentile: clustering needs the mask/);
  assert.throws(() => new FREMClassifier({ cv: 2, estimator: 'gnb', maskImg }).fitMatrix(X, y, { groups }), /FREM \(clustering\) needs a linear estimator/);
});

test('ReNA.fitRows reads a row-major matrix and gives fitFeatureMajor\'s clusters and means to the last bit; all-row distances minus the left-out rows cluster alike', () => {
  const mask = maskOf([10, 9, 8], (i, j, k) => (i - 4.5) ** 2 + (j - 4) ** 2 + (k - 3.5) ** 2 < 18);
  const normal = normals(21);
  const n = 36;
  const X = new Matrix(n, voxelsOf(mask).length);
  for (let i = 0; i < X.data.length; i++) X.data[i] = normal();
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 !== 2);
  const k = Math.floor(X.cols / 10);
  const fm = ReNA.fitFeatureMajor(featureMajor(X), n, rows, mask, k);
  const byRow = ReNA.fitRows(X, rows, mask, k);
  assert.deepEqual(Array.from(byRow.labels), Array.from(fm.labels));
  assert.deepEqual(Array.from(byRow.transformRows(X, rows).data), Array.from(fm.transformFeatureMajor(featureMajor(X), n, rows).data));
  const cached = ReNA.fitRows(X, rows, mask, k, {}, ReNA.allRowDistances(X, mask));
  assert.deepEqual(Array.from(cached.labels), Array.from(fm.labels));
  assert.throws(() => ReNA.fitRows(X, rows, mask, k, {}, new Float64Array(3)), /allRowDistances: has 3 values/);
});

test('FREM on worker threads: exactly the in-thread scores, parameters, weights and decisions; a worker that cannot build the estimator leaves the folds to this thread', { skip: skipWithoutShared(), timeout: 120_000 }, async () => {
  const { X, y, groups, maskImg } = await haxbyPair(['face', 'cat']);
  await withCountingRunner((runs) => {
    const fit = (opts: FREMOptions) => new FREMClassifier({ cv: 6, maskImg, clusteringPercentile: 20, ...opts }).fitMatrix(X, y, { groups });
    const same = (a: FREMClassifier, b: FREMClassifier) => {
      assert.deepEqual(a.cvScores, b.cvScores);
      assert.deepEqual(a.cvParams, b.cvParams);
      assert.deepEqual(Array.from(a.coef!.data), Array.from(b.coef!.data));
      assert.deepEqual(Array.from(a.stdCoef!.data), Array.from(b.stdCoef!.data));
      assert.deepEqual(Array.from(a.intercept!), Array.from(b.intercept!));
      assert.deepEqual(Array.from(a.cvDecision!.data), Array.from(b.cvDecision!.data));
    };
    for (const selection of ['nested', 'test-fold'] as const) {
      const before = runs();
      const inThread = fit({ selection, nJobs: 1 });
      assert.equal(runs(), before);
      same(fit({ selection, nJobs: 2 }), inThread);
      assert.equal(runs(), selection === 'nested' ? 1 : 2, `${selection}: the folds ran on worker threads`);
    }
    // An estimator registered in this thread only: workers fail to build it, this thread fits every fold.
    registerEstimator({ name: 'svc-main-thread-only', kind: 'classifier', description: 'LinearSVC, for a test', create: (p) => new LinearSVC(p) }, { replace: true });
    same(fit({ estimator: 'svc-main-thread-only', paramGrid: { C: [1] }, nJobs: 2 }), fit({ estimator: 'svc-main-thread-only', paramGrid: { C: [1] }, nJobs: 1 }));
    assert.equal(runs(), 3);
  });
});
