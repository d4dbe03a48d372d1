import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { indexImg, resampleImg } from '@neurodecode/image-ops';
import { readNifti } from '@neurodecode/nifti-io';
import { LeaveOneGroupOut } from '@neurodecode/cv';
import { dataPath, reference, skipWithoutShared } from '@neurodecode/testkit';
import { Decoder, DecoderRegressor } from '../src/index.js';

async function haxby(targets: string[]) {
  const dir = dataPath('haxby-slice')!;
  const rows = readFileSync(`${dir}/labels.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const keep: number[] = [];
  rows.forEach((r, i) => { if (targets.includes(r[0]!)) keep.push(i); });
  const imgs = await indexImg(`${dir}/bold.nii.gz`, keep);
  return { imgs, mask: `${dir}/mask.nii.gz`, y: keep.map((i) => rows[i]![0]!), groups: keep.map((i) => Number(rows[i]![1])) };
}

test('image-level Decoder: nilearn defaults (standardize=True) reproduce logistic_l2 from images; coefImg per class key', { skip: skipWithoutShared() }, async () => {
  const ref = (await reference()).decoder_estimators.decoder_logistic_l2_face_vs_house_logo;
  const { imgs, mask, y, groups } = await haxby(['face', 'house']);
  const dec = new Decoder({ estimator: 'logistic_l2', mask, cv: new LeaveOneGroupOut(), screeningPercentile: 100 });
  await dec.fit(imgs, y, { groups });
  dec.cvScores.face!.forEach((s, i) => assert.ok(Math.abs(s - ref.cv_scores.face[i]) < 1e-9, `fold ${i}`));
  assert.ok(dec.maskImg && dec.coefImg && dec.stdCoefImg);
  assert.deepEqual(Object.keys(dec.coefImg).sort(), ['face', 'house']);
  // The face image holds the map whose positive side is house, as nilearn's coef_img_['face'].
  const faceMap = dec.masker!.transform(dec.coefImg.face!);
  let sum = 0;
  for (const v of (await faceMap).data) sum += v;
  assert.ok(Math.abs(sum - ref.coef_img.face.sum) < 1e-3 * Math.abs(ref.coef_img.face.sum), `face map sum ${sum}`);
  const pred = await dec.predict(imgs);
  assert.ok(pred.filter((p, i) => p === y[i]).length / y.length > 0.95);
  assert.ok((await dec.score(imgs, y)) > 0.95, 'ROC AUC on the training images');
});

test('images on another grid than the mask are resampled to it, with a notice', { skip: skipWithoutShared() }, async () => {
  const { imgs, mask, y, groups } = await haxby(['face', 'house']);
  const coarse = await resampleImg(imgs, { targetAffine: imgs.affine.map((r, i) => r.map((v, j) => (i < 3 && j < 3 ? v * 1.25 : v))), interpolation: 'continuous' });
  const notices: string[] = [];
  const dec = new Decoder({ estimator: 'svc', mask, cv: new LeaveOneGroupOut(), screeningPercentile: 100, onNotice: (m) => notices.push(m) });
  await dec.fit(coarse, y, { groups });
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /differs from the mask's grid .* resampling the images to the mask/);
  assert.equal(dec.coef!.cols, Array.from((await readNifti(mask)).data as ArrayLike<number>).filter((v) => v !== 0).length);
});

test('DecoderRegressor on images, and matrix-fitted decoders refuse images', { skip: skipWithoutShared() }, async () => {
  const { imgs, mask, groups } = await haxby(['face', 'house']);
  // A continuous target that the data carry: the run number.
  const dec = new DecoderRegressor({ estimator: 'ridge', mask, cv: new LeaveOneGroupOut(), screeningPercentile: 100 });
  await dec.fit(imgs, groups.map(Number), { groups });
  assert.equal(dec.cvScores.beta!.length, 12);
  assert.ok(dec.coefImg?.beta && typeof dec.cvParams.beta![0]!.bestAlpha === 'number');
  const plain = new Decoder();
  await assert.rejects(plain.predict(imgs), /fitted on a matrix|call fit/);
});
