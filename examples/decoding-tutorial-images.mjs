// nilearn's "A introduction tutorial to fMRI decoding" (plot_decoding_tutorial.py), its Decoder
// code ported line by line to neurodecode on the Haxby slice shipped in ../shared/data (the
// tutorial uses subject 2's ventral temporal mask; the slice has its own 530-voxel mask).
// Images go straight into the Decoder here (its embedded masker), as in nilearn; decoding-tutorial.mjs
// walks the same tutorial with figures. Run from the repository root: node examples/decoding-tutorial-images.mjs
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexImg } from '@neurodecode/image-ops';
import { KFold, LeaveOneGroupOut } from '@neurodecode/cv';
import { Decoder } from '@neurodecode/decoding';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.NEURODECODE_SHARED ?? join(repo, '..', 'shared');
const dataDir = join(shared, 'data', 'haxby-slice');
if (!existsSync(join(dataDir, 'bold.nii.gz'))) {
  console.log(`skipped: the Haxby slice is not in ${dataDir} (set NEURODECODE_SHARED)`);
  process.exit(0);
}

// haxby_dataset = datasets.fetch_haxby(); fmri_filename = haxby_dataset.func[0]
const fmriFilename = join(dataDir, 'bold.nii.gz');
const maskFilename = join(dataDir, 'mask.nii.gz');
console.log(`First subject functional nifti images (4D) are at: ${fmriFilename}`);

// behavioral = pd.read_csv(haxby_dataset.session_target[0], delimiter=" ")
const behavioral = readFileSync(join(dataDir, 'labels.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
let conditions = behavioral.map((r) => r[0]);

// condition_mask = conditions.isin(["face", "cat"])
const conditionMask = conditions.flatMap((c, i) => (c === 'face' || c === 'cat' ? [i] : []));
// fmri_niimgs = index_img(fmri_filename, condition_mask)
const fmriNiimgs = await indexImg(fmriFilename, conditionMask);
conditions = conditionMask.map((i) => conditions[i]);
console.log(`conditions.shape=(${conditions.length},)`);

// decoder = Decoder(estimator="svc", mask=mask_filename, standardize="zscore_sample", screening_percentile=100)
// (selection: 'test-fold' is nilearn's way of choosing C; neurodecode's default chooses it on training folds only)
let decoder = new Decoder({ estimator: 'svc', mask: maskFilename, standardize: 'zscore_sample', screeningPercentile: 100, selection: 'test-fold' });
// decoder.fit(fmri_niimgs, conditions)
await decoder.fit(fmriNiimgs, conditions);
// prediction = decoder.predict(fmri_niimgs)
let prediction = await decoder.predict(fmriNiimgs);
console.log(`prediction=[${prediction.slice(0, 6).join(' ')} ...]`);
// print((prediction == conditions).sum() / float(len(conditions)))
console.log(prediction.filter((p, i) => p === conditions[i]).length / conditions.length);

// Manually leaving out data: the 30 last volumes
const all = conditions.map((_, i) => i);
const fmriNiimgsTrain = await indexImg(fmriNiimgs, all.slice(0, -30));
const fmriNiimgsTest = await indexImg(fmriNiimgs, all.slice(-30));
const conditionsTrain = conditions.slice(0, -30);
const conditionsTest = conditions.slice(-30);
decoder = new Decoder({ estimator: 'svc', mask: maskFilename, standardize: 'zscore_sample', screeningPercentile: 100, selection: 'test-fold' });
await decoder.fit(fmriNiimgsTrain, conditionsTrain);
prediction = await decoder.predict(fmriNiimgsTest);
const predictionAccuracy = prediction.filter((p, i) => p === conditionsTest[i]).length / conditionsTest.length;
console.log(`Prediction Accuracy: ${predictionAccuracy.toFixed(3)}`);

// Implementing a KFold loop: cv = KFold(n_splits=5)
const cv = new KFold({ nSplits: 5 });
for (const [f, { train, test }] of cv.split(conditions.length).entries()) {
  decoder = new Decoder({ estimator: 'svc', mask: maskFilename, standardize: 'zscore_sample', screeningPercentile: 100, selection: 'test-fold' });
  await decoder.fit(await indexImg(fmriNiimgs, Array.from(train)), Array.from(train, (i) => conditions[i]));
  prediction = await decoder.predict(await indexImg(fmriNiimgs, Array.from(test)));
  const accuracy = prediction.filter((p, i) => p === conditions[test[i]]).length / test.length;
  console.log(`CV Fold ${f + 1} | Prediction Accuracy: ${accuracy.toFixed(3)}`);
}

// Cross-validation with the decoder: cv=n_folds, scoring="accuracy"
const nFolds = 5;
decoder = new Decoder({ estimator: 'svc', mask: maskFilename, standardize: 'zscore_sample', cv: nFolds, scoring: 'accuracy', screeningPercentile: 100, selection: 'test-fold' });
await decoder.fit(fmriNiimgs, conditions);
// print(decoder.cv_params_["face"])
console.log({ C: decoder.cvParams.face.map((p) => p.C) });

// Leave one run out: run_label = behavioral["chunks"][condition_mask]
const runLabel = conditionMask.map((i) => Number(behavioral[i][1]));
decoder = new Decoder({ estimator: 'svc', mask: maskFilename, standardize: 'zscore_sample', cv: new LeaveOneGroupOut(), screeningPercentile: 100, selection: 'test-fold' });
await decoder.fit(fmriNiimgs, conditions, { groups: runLabel });
console.log(`decoder.cv_scores_=${JSON.stringify(decoder.cvScores)}`);

// Inspecting the model weights: coef_ = decoder.coef_ ; coef_img = decoder.coef_img_["face"]
const coef = decoder.coef;
console.log(`coef_=[${Array.from(coef.row(0).slice(0, 4), (v) => v.toExponential(3)).join(', ')} ...] (${coef.rows}x${coef.cols})`);
const coefImg = decoder.coefImg.face;
console.log(`coef_img_["face"]: ${coefImg.shape.join('x')} image`);
// decoder.coef_img_["face"].to_filename("haxby_svc_weights.nii.gz")
if (process.argv[2]) {
  const { writeNifti } = await import('@neurodecode/nifti-io');
  await writeNifti(coefImg, join(process.argv[2], 'haxby_svc_weights.nii.gz'));
  console.log(`wrote ${join(process.argv[2], 'haxby_svc_weights.nii.gz')}`);
}
// Dummy classifier: chance level
const dummy = new Decoder({ estimator: 'dummy_classifier', mask: maskFilename, cv: new LeaveOneGroupOut(), scoring: 'roc_auc', screeningPercentile: 100 });
await dummy.fit(fmriNiimgs, conditions, { groups: runLabel });
console.log(`dummy mean ROC AUC: ${dummy.meanScore.toFixed(3)}`);
