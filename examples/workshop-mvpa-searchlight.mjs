// The workshop notebook "MVPA and Searchlight with nilearn" (seeds/workshop-mvpa-searchlight-nilearn.md)
// on ../shared/data/haxby-25mm: V1, A1 and eye masks (Harvard-Oxford atlas, MNI152 eye mask) shown
// with roi(); per ROI a StandardScaler + LinearSVC grid search over C (leave-one-run-out on the
// training runs), the score on held-out runs and a permutation test, with the null histogram; and a
// whole-brain searchlight shown as a stat map. The workshop decodes eyes open vs closed; its
// counterpart here is visual stimulation (any picture) vs rest, scored by balanced accuracy (the
// classes are unbalanced, 72 vs 49 volumes a run), so chance is 0.5 as in the workshop.
// Run: node examples/workshop-mvpa-searchlight.mjs [outDir]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { meanImg, resampleToImg } from '@neurodecode/image-ops';
import { maskFromProbabilisticAtlas, NiftiMasker } from '@neurodecode/maskers';
import { LinearSVC, Pipeline, StandardScaler } from '@neurodecode/estimators';
import { GridSearchCV, LeaveOneGroupOut, permutationTestScore } from '@neurodecode/cv';
import { searchlight } from '@neurodecode/searchlight';
import { nullHistogram, roi, saveFigure, statMap } from '@neurodecode/plotting/node';
import { outDir, sharedData } from './_shared.mjs';

const out = outDir('workshop-mvpa-searchlight');
const TR = 2.5;
const runDir = (r) => sharedData('haxby-25mm', 'sub001', 'BOLD', `task001_run${String(r).padStart(3, '0')}`);

// Labels per volume from each run's events.tsv: the trial type covering the volume, else rest.
const runs = [], labels = [], groups = [];
for (let r = 1; r <= 12; r++) {
  const img = await readNifti(join(runDir(r), 'bold_25mm.nii.gz'));
  runs.push(img);
  const [head, ...lines] = readFileSync(join(runDir(r), 'bold_events.tsv'), 'utf8').trim().split(/\r?\n/);
  const col = (name) => head.split('\t').indexOf(name);
  const events = lines.map((l) => l.split('\t')).map((f) => ({ start: +f[col('onset')], end: +f[col('onset')] + +f[col('duration')], type: f[col('trial_type')] }));
  for (let v = 0; v < img.nVolumes; v++) {
    labels.push(events.find((e) => v * TR >= e.start && v * TR < e.end) ? 'stimulus' : 'rest');
    groups.push(r - 1);
  }
}
console.log(`${runs.length} runs, ${labels.length} volumes: ${labels.filter((l) => l === 'stimulus').length} stimulus, ${labels.filter((l) => l === 'rest').length} rest`);

// Masks, as the workshop's create_mask: atlas regions resampled to the functional grid.
const atlas = await readNifti(sharedData('atlases', 'harvard_oxford.nii.gz'));
const funcImg = join(runDir(1), 'bold_25mm.nii.gz');
const masks = {
  V1: await maskFromProbabilisticAtlas(atlas, { volumes: [92, 93, 94, 95] }, { funcImg }),
  A1: await maskFromProbabilisticAtlas(atlas, { volumes: [88, 89, 90, 91] }, { funcImg }),
};
const eye = await resampleToImg(sharedData('templates', 'MNI152_T1_1mm_eye.nii.gz'), masks.V1, { interpolation: 'linear' });
masks.eye = eye.withData(Uint8Array.from(eye.data, (v) => (v > 0.5 ? 1 : 0)));
const meanFunc = await meanImg(runs[0]);
const roiFig = roi(Object.entries(masks).map(([label, img]) => ({ img, label })), { bg: meanFunc, displayMode: 'z', cutCoords: 5, title: 'V1, A1 and eye masks on the mean functional image' });
await saveFigure(roiFig, join(out, 'masks.png'));
for (const [name, m] of Object.entries(masks)) console.log(`mask ${name}: ${m.data.reduce((a, b) => a + (b ? 1 : 0), 0)} voxels`);

// ROI decoding: train on runs 0-9 with a grid search over C, test on runs 10 and 11.
const C_GRID = Array.from({ length: 9 }, (_, i) => 10 ** (i - 6));
const train = groups.flatMap((g, i) => (g < 10 ? [i] : []));
const test = groups.flatMap((g, i) => (g >= 10 ? [i] : []));
const take = (a, idx) => idx.map((i) => a[i]);
for (const [name, maskImg] of Object.entries(masks)) {
  const masker = new NiftiMasker({ maskImg, detrend: true, standardize: 'zscore_sample', runs: groups });
  const X = await masker.fitTransform(runs);
  const pipe = new Pipeline([['scaler', new StandardScaler()], ['svc', new LinearSVC({ maxIter: 500 })]]);
  const search = new GridSearchCV({ estimator: pipe, paramGrid: { svc__C: C_GRID }, cv: new LeaveOneGroupOut(), scoring: 'balanced_accuracy', returnTrainScore: true });
  search.fit(X.selectRows(train), take(labels, train), { groups: take(groups, train) });
  const testScore = search.score(X.selectRows(test), take(labels, test));
  const perm = permutationTestScore(search.bestEstimator.clone(), X, labels, { cv: new LeaveOneGroupOut(), groups, nPermutations: 50, seed: 0, scoring: 'balanced_accuracy' });
  console.log(`${name}: ${X.cols} voxels, best C ${Number(search.bestParams.svc__C.toPrecision(3))}, held-out balanced accuracy ${testScore.toFixed(3)}, ` +
    `leave-one-run-out ${perm.score.toFixed(3)}, p ${perm.pvalue.toFixed(4)} (50 permutations)`);
  const fig = nullHistogram(perm.nullScores, perm.score, { pValue: perm.pvalue, title: `${name}: null-hypothesis balanced accuracy`, bins: 25 });
  await saveFigure(fig, join(out, `null-${name}.png`));
}

// Whole-brain searchlight (the workshop's last part), leave-one-run-out, within the brain mask.
const brain = sharedData('haxby-25mm', 'sub001', 'masks', '25mm', 'brain.nii.gz');
const t0 = performance.now();
const sl = await searchlight({ func: runs, mask: brain, y: labels, groups, cv: new LeaveOneGroupOut(), estimator: 'svc', radius: 30, scoring: 'balanced_accuracy' });
const s = Array.from(sl.scores);
console.log(`searchlight: ${sl.nSpheres} spheres (radius 30 mm at 25 mm voxels) in ${((performance.now() - t0) / 1000).toFixed(1)} s, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(3)}, max ${Math.max(...s).toFixed(3)}`);
const slFig = statMap(sl.scoresImg, { bg: meanFunc, threshold: 0.6, vmax: 1, cmap: 'hot', title: 'Searchlight balanced accuracy (stimulus vs rest)' });
await saveFigure(slFig, join(out, 'searchlight.png'));
console.log(`figures in ${out}: masks.png, null-V1.png, null-A1.png, null-eye.png, searchlight.png`);
