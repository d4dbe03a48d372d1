// The lab manual "fMRI basics" (seeds/lab-manual-fmri-basics-zh.md): look at a template, smooth it,
// look at functional data and a mask, then decode face vs cat with nilearn's Decoder settings
// (LinearSVC, z-scored samples), first on a train/test split, then by 5-fold and leave-one-run-out
// cross-validation, against a dummy baseline, and show the weights. The manual uses the full
// Haxby subject 2 with its VT mask; here ../shared/data/haxby-slice (subject 1, one slice, 530
// voxels). Leave-one-run-out is checked against nilearn's scores on the same data (../shared/reference).
// Run: node examples/lab-manual-fmri-basics.mjs [outDir]
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { indexImg, meanImg, smoothImg } from '@neurodecode/image-ops';
import { NiftiMasker, standardizeInPlace } from '@neurodecode/maskers';
import { Decoder } from '@neurodecode/decoding';
import { KFold, LeaveOneGroupOut } from '@neurodecode/cv';
import { anat, epi, foldScores, roi, saveFigure, statMap } from '@neurodecode/plotting/node';
import { accuracy, haxbySliceRows, outDir, reference, sharedData } from './_shared.mjs';

const out = outDir('lab-manual-fmri-basics');
const save = async (fig, name) => { await saveFigure(fig, join(out, name)); return name; };

// 3.1-3.3: the template nilearn ships (ICBM 2009a), and the same smoothed with a 3 mm FWHM kernel.
const template = await readNifti(sharedData('templates', 'mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz'));
const figs = [await save(anat(template, { title: 'MNI152 (ICBM 2009a)' }), 'anat.png')];
figs.push(await save(anat(await smoothImg(template, 3), { title: 'smoothed, FWHM 3 mm' }), 'anat-smooth.png'));

// 4.1-4.2: functional data, its mean, the mask, and the face/cat volumes.
const funcPath = sharedData('haxby-slice', 'bold.nii.gz');
const maskPath = sharedData('haxby-slice', 'mask.nii.gz');
const rows = haxbySliceRows();
const keep = rows.flatMap(([label], i) => (label === 'face' || label === 'cat' ? [i] : []));
const conditions = keep.map((i) => rows[i][0]);
const runs = keep.map((i) => rows[i][1]);
const fmri = await indexImg(funcPath, keep);
console.log(`Label shape: (${conditions.length},). Imageset shape: (${fmri.shape.join(', ')}).`);
const mean = await meanImg(fmri);
figs.push(await save(epi(mean, { title: 'mean functional image', displayMode: 'z', cutCoords: 1 }), 'mean-epi.png'));
figs.push(await save(roi([{ img: await readNifti(maskPath), label: 'mask', color: '#a6cee3' }], { bg: mean, displayMode: 'z', cutCoords: 1 }), 'mask.png'));
figs.push(await save(epi(fmri, { volume: 215, title: 'volume 215', displayMode: 'z', cutCoords: 1 }), 'volume-215.png'));

// The Decoder's input: masked volumes, each voxel z-scored over the samples (standardize="zscore_sample").
const masker = new NiftiMasker({ maskImg: maskPath });
const X = await masker.fitTransform(fmri);
standardizeInPlace(X, 'zscore_sample');
const rowsOf = (idx) => X.selectRows(idx);

// 4.3-4.4: fit on all but the last 30 volumes, predict those.
const n = conditions.length;
const trainIdx = [...Array(n - 30).keys()], testIdx = [...Array(30).keys()].map((i) => n - 30 + i);
const split = new Decoder({ estimator: 'svc', cv: new KFold({ nSplits: 5 }), selection: 'test-fold' })
  .fitMatrix(rowsOf(trainIdx), trainIdx.map((i) => conditions[i]));
console.log(`Prediction Accuracy: ${accuracy(split.predict(rowsOf(testIdx)), testIdx.map((i) => conditions[i])).toFixed(3)}`);
const kfold = new KFold({ nSplits: 5 }).split(n, conditions);
kfold.forEach((f, k) => {
  const tr = Array.from(f.train), te = Array.from(f.test);
  const d = new Decoder({ estimator: 'svc', cv: new KFold({ nSplits: 5 }), selection: 'test-fold' }).fitMatrix(rowsOf(tr), tr.map((i) => conditions[i]));
  console.log(`CV Fold ${k + 1} | Prediction Accuracy: ${accuracy(d.predict(rowsOf(te)), te.map((i) => conditions[i])).toFixed(3)}`);
});

// 4.5: leave-one-run-out, ROC AUC per fold (nilearn's Decoder default), compared with nilearn.
const decoder = new Decoder({ estimator: 'svc', cv: new LeaveOneGroupOut(), selection: 'test-fold', maskImg: masker.maskImg_ });
decoder.fitMatrix(X, conditions, { groups: runs });
const logo = decoder.cvScores.face;
console.log(`cv_scores_ (face): ${logo.map((s) => s.toFixed(4)).join(' ')}`);
const ref = reference('decoder_face_vs_cat_svc_logo');
if (ref) console.log(`max |difference| from nilearn's cv scores: ${Math.max(...ref.cv_scores.map((s, i) => Math.abs(s - logo[i]))).toExponential(2)}`);
const dummy = new Decoder({ estimator: 'dummy', cv: new LeaveOneGroupOut(), selection: 'test-fold' }).fitMatrix(X, conditions, { groups: runs });
console.log(`dummy cv_scores_ (face): ${dummy.cvScores.face.map((s) => s.toFixed(3)).join(' ')}`);
figs.push(await save(foldScores(logo, { chance: dummy.cvScores.face, ylabel: 'ROC AUC', title: 'face vs cat, leave-one-run-out (grey: dummy)' }), 'cv-scores.png'));

// The weights of the face-vs-cat model as an image (view_img in the manual; a static map here).
const coef = decoder.coefByClass().get('face');
console.log(`coef_ shape: (1, ${coef.length})`);
figs.push(await save(statMap(masker.inverseTransform(coef), { bg: mean, title: 'SVM weights', displayMode: 'z', cutCoords: 1 }), 'weights.png'));
console.log(`figures in ${out}: ${figs.join(', ')}`);
