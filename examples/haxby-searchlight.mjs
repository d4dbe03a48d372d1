// nilearn's "Searchlight analysis of face vs house recognition" (seeds/haxby-searchlight-example)
// on ../shared/data/haxby-slice: the searchlight (LinearSVC, radius 5.6 mm, KFold(4)) over the
// back of one axial slice, the ANOVA F-scores (-log10 p, capped at 10), and the two figures of the
// seed drawn over the mean functional image. Also runs GaussianNB, whose map nilearn computed
// for ../shared/reference, and prints how far the two maps are apart.
// Run: node examples/haxby-searchlight.mjs [outDir]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '@neurodecode/nifti-io';
import { indexImg, meanImg } from '@neurodecode/image-ops';
import { NiftiMasker } from '@neurodecode/maskers';
import { fClassif } from '@neurodecode/estimators';
import { KFold } from '@neurodecode/cv';
import { searchlight } from '@neurodecode/searchlight';
import { statMap, saveFigure } from '@neurodecode/plotting/node';
import { outDir, sharedData } from './_shared.mjs';

const func = sharedData('haxby-slice', 'bold.nii.gz');
const mask = sharedData('haxby-slice', 'mask.nii.gz');
const out = outDir('haxby-searchlight');
const rows = readFileSync(sharedData('haxby-slice', 'labels.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
const keep = rows.flatMap(([label], i) => (label === 'face' || label === 'house' ? [i] : []));
const y = keep.map((i) => rows[i][0]);
const runs = keep.map((i) => Number(rows[i][1]));
console.log(`face vs house: ${keep.length} volumes of ${rows.length}`);

const fmri = await indexImg(func, keep);
const t0 = performance.now();
const sl = await searchlight({ func: fmri, mask, y, cv: new KFold({ nSplits: 4 }), estimator: 'svc', radius: 5.6 });
const svcScores = Array.from(sl.scores);
console.log(`searchlight (LinearSVC): ${sl.nSpheres} spheres in ${((performance.now() - t0) / 1000).toFixed(2)} s, mean accuracy ${mean(svcScores).toFixed(3)}, max ${Math.max(...svcScores).toFixed(3)}`);

// GaussianNB against nilearn's map of the same searchlight.
const gnb = await searchlight({ func: fmri, mask, y, cv: new KFold({ nSplits: 4 }), estimator: 'gnb', radius: 5.6 });
try {
  const ref = JSON.parse(readFileSync(sharedData('..', 'reference', 'reference.json'), 'utf8')).searchlight_gnb_radius5_6_kfold4_face_vs_house
    ?? JSON.parse(readFileSync(sharedData('..', 'reference', 'reference.json'), 'utf8'))['searchlight_gnb_radius5.6_kfold4_face_vs_house'];
  const ours = cOrderInMask(gnb.scoresImg, await readNifti(mask));
  const diff = Math.max(...ref.scores_in_mask_c_order.map((v, i) => Math.abs(v - ours[i])));
  console.log(`searchlight (GaussianNB): max |difference| from nilearn's map over ${ours.length} voxels: ${diff.toExponential(2)}`);
} catch (err) {
  console.log(`GaussianNB comparison skipped: ${err.message}`);
}

// F-scores: standardized per run as the seed's NiftiMasker(runs=session, standardize='zscore_sample').
const masker = new NiftiMasker({ maskImg: mask, runs, standardize: 'zscore_sample' });
const X = await masker.fitTransform(fmri);
const { p } = fClassif(X, y);
const logp = Float64Array.from(p, (v) => Math.min(10, -Math.log10(v)));
console.log(`F-test: ${logp.filter((v) => v >= 10).length} of ${logp.length} voxels at the cap (p <= 1e-10)`);
const fImg = masker.inverseTransform(logp);

// The seed cuts the full volume at z = -9 mm; that slice is the one this file holds (at z = 0).
const meanFmri = await meanImg(fmri);
const searchlightFig = statMap(sl.scoresImg, { bg: meanFmri, title: 'Searchlight', displayMode: 'z', cutCoords: 1, cmap: 'hot', threshold: 0.42, vmax: 1 });
await saveFigure(searchlightFig, join(out, 'searchlight.png'));
const fFig = statMap(fImg, { bg: meanFmri, title: 'F-scores', displayMode: 'z', cutCoords: 1, colorbar: false });
await saveFigure(fFig, join(out, 'f-scores.png'));
for (const n of [...searchlightFig.notices, ...fFig.notices]) console.log(`note: ${n}`);
console.log(`figures: ${join(out, 'searchlight.png')}, ${join(out, 'f-scores.png')}`);

function mean(v) { return v.reduce((a, b) => a + b, 0) / v.length; }

/** Map values inside the mask in C order (i slowest), as the reference stores them. */
function cOrderInMask(img, maskImg) {
  const [nx, ny, nz] = maskImg.shape;
  const values = [];
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    const f = i + nx * (j + ny * k);
    if (maskImg.data[f]) values.push(img.data[f]);
  }
  return values;
}
