// nilearn's "introduction tutorial to fMRI decoding" (seeds/decoding-tutorial.txt): face vs cat
// with the Decoder (linear SVC, z-scored samples, no screening). The tutorial uses Haxby subject 2
// and its ventral-temporal mask; here ../shared/data/haxby-slice (subject 1, one slice, 530 voxels),
// where ../shared/reference holds nilearn's leave-one-run-out scores for the same analysis. Steps:
// the mean EPI and the mask, fit-and-predict on the same data (a meaningless 100%), 30 volumes held
// out, a manual 5-fold loop, the Decoder's own 5-fold cross-validation with accuracy and its chosen
// C per fold, leave-one-run-out against nilearn, and the weights: saved as NIfTI, drawn, and opened
// in the interactive viewer (`neurodecode view`, the counterpart of view_img).
// Run: node examples/decoding-tutorial.mjs [outDir]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti, writeNifti } from '@neurodecode/nifti-io';
import { indexImg, meanImg } from '@neurodecode/image-ops';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { Decoder } from '@neurodecode/decoding';
import { KFold, LeaveOneGroupOut } from '@neurodecode/cv';
import { epi, foldScores, roi, saveFigure, statMap } from '@neurodecode/plotting/node';
import { accuracy, haxbySliceRows, outDir, reference, sharedData } from './_shared.mjs';

const out = outDir('decoding-tutorial');
const figures = [];
const save = async (fig, name) => { await saveFigure(fig, join(out, name)); figures.push(name); };

// The data: the 4-D series, its mean (plot_epi(mean_img(...))) and the mask (plot_roi).
const funcPath = sharedData('haxby-slice', 'bold.nii.gz');
const maskPath = sharedData('haxby-slice', 'mask.nii.gz');
const mask = await readNifti(maskPath);
const meanEpi = await meanImg(funcPath);
await save(epi(meanEpi, { displayMode: 'z', cutCoords: 1, title: 'mean EPI' }), 'mean-epi.png');
await save(roi([{ img: mask, label: 'mask', color: '#1f78b4' }], { bg: meanEpi, displayMode: 'z', cutCoords: 1 }), 'mask.png');

// The labels; keep the face and cat volumes (condition_mask + index_img).
const rows = haxbySliceRows();
console.log(`behavioral: ${rows.length} rows x 2 columns (labels, chunks)`);
const keep = rows.flatMap(([label], i) => (label === 'face' || label === 'cat' ? [i] : []));
const conditions = keep.map((i) => rows[i][0]);
const runLabel = keep.map((i) => rows[i][1]);
console.log(`conditions.shape=(${conditions.length},)`);

// Decoder(estimator="svc", mask=..., standardize="zscore_sample", screening_percentile=100): the
// masker and the per-voxel z-scoring are done once here; each Decoder then works on the matrix.
const masker = new NiftiMasker({ maskImg: mask });
const X = await masker.fitTransform(await indexImg(funcPath, keep));
standardizeInPlace(X, 'zscore_sample');
const svc = (opts = {}) => new Decoder({ estimator: 'svc', screeningPercentile: 100, selection: 'test-fold', maskImg: masker.maskImg_, ...opts });
const subset = (idx) => ({ X: X.selectRows(idx), y: idx.map((i) => conditions[i]) });
const all = [...conditions.keys()];

// Fit on everything and predict the same volumes: perfect, and meaningless.
const full = svc().fitMatrix(X, conditions);
console.log(`accuracy on the training data itself: ${accuracy(full.predict(X), conditions).toFixed(3)}`);

// Leave the last 30 volumes out.
const train = all.slice(0, -30), held = all.slice(-30);
const heldOut = svc().fitMatrix(subset(train).X, subset(train).y);
console.log(`Prediction Accuracy: ${accuracy(heldOut.predict(subset(held).X), subset(held).y).toFixed(3)}`);

// A KFold loop by hand.
const manual = new KFold({ nSplits: 5 }).split(conditions.length, conditions).map((fold, k) => {
  const tr = subset(Array.from(fold.train)), te = subset(Array.from(fold.test));
  const score = accuracy(svc().fitMatrix(tr.X, tr.y).predict(te.X), te.y);
  console.log(`CV Fold ${k + 1} | Prediction Accuracy: ${score.toFixed(3)}`);
  return score;
});

// The same five folds run by the Decoder, scored by accuracy; the C it kept on each.
const fiveFold = svc({ cv: new KFold({ nSplits: 5 }), scoring: 'accuracy' }).fitMatrix(X, conditions);
console.log(`Decoder cv=5 accuracy (face): ${fiveFold.cvScores.face.map((s) => s.toFixed(3)).join(' ')}`);
console.log(`cv_params_["face"] C: ${fiveFold.cvParams.face.map((p) => p.C).join(', ')}`);

// Leave one run out, ROC AUC (the Decoder's default scoring), compared with nilearn's.
const logo = svc({ cv: new LeaveOneGroupOut() }).fitMatrix(X, conditions, { groups: runLabel });
const scores = logo.cvScores.face;
console.log(`cv_scores_ (face): ${scores.map((s) => s.toFixed(4)).join(' ')}`);
const ref = reference('decoder_face_vs_cat_svc_logo');
if (ref) {
  const gap = Math.max(...ref.cv_scores.map((s, i) => Math.abs(s - scores[i])));
  const sameC = ref.cv_params_C.every((c, i) => c === logo.cvParams.face[i].C);
  console.log(`nilearn: max |score difference| ${gap.toExponential(2)}, same C on every fold: ${sameC}`);
  if (!(gap < 1e-4) || !sameC) throw new Error('leave-one-run-out scores differ from nilearn\'s');
}
await save(foldScores(scores, { chance: 0.5, ylabel: 'ROC AUC', title: 'face vs cat, leave one run out' }), 'cv-scores.png');
await save(foldScores(manual, { chance: 0.5, ylabel: 'accuracy', title: 'manual 5-fold loop' }), 'kfold-scores.png');

// The weights: one coefficient per voxel, as an image, saved, drawn and viewed.
const coef = logo.coefByClass().get('face');
console.log(`coef_.shape=(1, ${coef.length})`);
const weights = masker.inverseTransform(coef);
const weightsPath = join(out, 'haxby_svc_weights.nii.gz');
const meanPath = join(out, 'mean_epi.nii.gz');
await writeNifti(weights, weightsPath);
await writeNifti(meanEpi, meanPath);
await save(statMap(weights, { bg: meanEpi, displayMode: 'z', cutCoords: 1, title: 'SVM weights' }), 'weights.png');
const cli = resolve(fileURLToPath(new URL('../apps/cli/bin/neurodecode.js', import.meta.url)));
const view = spawnSync(process.execPath, [cli, 'view', weightsPath, '--bg', meanPath, '--title', 'SVM weights', '--out', join(out, 'weights.html'), '--json'], { encoding: 'utf8' });
if (view.status !== 0) throw new Error(`neurodecode view failed: ${view.stderr.trim()}`);
console.log(`viewer: weights.html (${(JSON.parse(view.stdout).bytes / 1e6).toFixed(2)} MB)`);
console.log(`figures in ${out}: ${figures.join(', ')}`);
