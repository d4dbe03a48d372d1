// The workshop seed's ROI step (seeds/workshop-mvpa-searchlight-nilearn.md) from the command line
// alone: V1 and A1 masks by Harvard-Oxford region name, the eye mask with image math/resample as
// the workshop builds it, then `decode` in each ROI on the twelve haxby-25mm runs (BIDS events
// files, leave-one-run-out). The workshop decodes eyes open vs closed (visual input on vs off); its
// counterpart here is visual stimulation vs rest: the events files are rewritten with one
// trial_type, "stimulus", so the volumes between blocks are "rest". The classes are unbalanced,
// so the score is the balanced accuracy (chance 0.5). Every command's peak memory is measured (it
// must stay under 1 GB; the workshop's V1/A1/eyes script peaked at 2.25 GB).
//
//   node examples/workshop-roi-cli.mjs [outDir]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.NEURODECODE_SHARED ? resolve(process.env.NEURODECODE_SHARED) : resolve(repo, '..', 'shared');
const data = (...p) => join(shared, 'data', ...p);
if (!existsSync(data('haxby-25mm')) || !existsSync(data('atlases', 'harvard_oxford.nii.gz'))) {
  console.log(`skipped: ${data()} has no haxby-25mm or atlases (set NEURODECODE_SHARED to the folder holding data/)`);
  process.exit(0);
}
const out = resolve(process.argv[2] ?? join(repo, 'examples-out', 'workshop-roi-cli'));
mkdirSync(out, { recursive: true });

const cli = join(repo, 'apps', 'cli', 'bin', 'neurodecode.js');
const timer = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const LIMIT_MB = 1024;
let peakMb = 0;

/** Run one neurodecode command with --json; returns its result and records its peak memory. */
function neurodecode(...args) {
  // GNU time reports the child's maximum resident set; without it, the example still runs.
  const [cmd, argv] = timer ? [timer, ['-f', 'maxrss_kb=%M', process.execPath, cli, ...args, '--json']] : [process.execPath, [cli, ...args, '--json']];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? '');
  const mb = rss ? Number(rss[1]) / 1024 : NaN;
  if (r.status !== 0) {
    console.error(`neurodecode ${args.join(' ')} failed:\n${r.stderr}`);
    process.exit(1);
  }
  if (mb > peakMb) peakMb = mb;
  console.log(`  neurodecode ${args.slice(0, args[1]?.startsWith('-') ? 1 : 2).join(' ')}: peak ${Number.isNaN(mb) ? 'n/a' : `${mb.toFixed(0)} MB`}`);
  return JSON.parse(r.stdout.trim());
}

const runs = Array.from({ length: 12 }, (_, i) => data('haxby-25mm', 'sub001', 'BOLD', `task001_run${String(i + 1).padStart(3, '0')}`));
const func = runs.map((r) => join(r, 'bold_25mm.nii.gz'));
// Stimulus vs rest, as the workshop's on/off design: every event becomes "stimulus".
const events = runs.map((r, i) => {
  const [header, ...rows] = readFileSync(join(r, 'bold_events.tsv'), 'utf8').trim().split('\n');
  const col = header.split('\t').indexOf('trial_type');
  const path = join(out, `run${i + 1}_events.tsv`);
  writeFileSync(path, [header, ...rows.map((l) => l.split('\t').map((v, c) => (c === col ? 'stimulus' : v)).join('\t'))].join('\n') + '\n');
  return path;
});
const atlas = data('atlases', 'harvard_oxford.nii.gz');

console.log('masks:');
const masks = {
  V1: neurodecode('mask', 'atlas', '--atlas', atlas, '--regions', 'Supracalcarine Cortex,Occipital Pole', '--like', func[0], '--out', join(out, 'mask_v1.nii.gz')),
  A1: neurodecode('mask', 'atlas', '--atlas', atlas, '--regions', "Heschl's Gyrus,Planum Temporale", '--like', func[0], '--out', join(out, 'mask_a1.nii.gz')),
};
// The eye mask as the workshop builds it: eyes > 0, resampled to the mean functional image,
// kept where the resampled value > 0.5 and the mean is non-zero.
neurodecode('image', 'mean', func[0], '--out', join(out, 'mean.nii.gz'));
neurodecode('image', 'math', 'img > 0', `img=${data('templates', 'MNI152_T1_1mm_eye.nii.gz')}`, '--out', join(out, 'eyes_mni.nii.gz'));
neurodecode('image', 'resample', join(out, 'eyes_mni.nii.gz'), '--like', join(out, 'mean.nii.gz'), '--out', join(out, 'eyes_func.nii.gz'));
const eyes = neurodecode('image', 'math', '((mean != 0) * img) > 0.5', `mean=${join(out, 'mean.nii.gz')}`, `img=${join(out, 'eyes_func.nii.gz')}`, '--out', join(out, 'mask_eyes.nii.gz'));
for (const [name, m] of Object.entries(masks)) console.log(`  ${name}: ${m.n_voxels} voxels from ${m.regions.map((r) => r.name).join(', ')}`);
console.log(`  eyes: ${eyes.n_nonzero} voxels from the MNI152 eye mask`);

// A fixed C keeps the example quick; drop --grid for the nested search over C the workshop runs.
console.log('decoding stimulus vs rest per ROI (LinearSVC C=1, leave-one-run-out, detrended and z-scored per run):');
const scores = {};
const rois = Object.keys(masks).concat(eyes.n_nonzero > 0 ? ['eyes'] : []);
for (const name of rois) {
  const res = neurodecode('decode', '--func', func.join(','), '--labels', events.join(','), '--mask', join(out, `mask_${name.toLowerCase()}.nii.gz`),
    '--detrend', '--cv', 'logo', '--scoring', 'balanced_accuracy', '--grid', 'C=1');
  scores[name] = res.mean_score;
  console.log(`  ${name}: mean balanced accuracy ${res.mean_score.toFixed(3)} over ${res.cv_scores.length} runs (${res.n_samples} volumes x ${res.n_features} voxels)`);
}
if (!eyes.n_nonzero) console.log('  eyes: no voxel (the haxby runs are not in MNI space), not decoded');
console.log(`peak memory of any command: ${Number.isNaN(peakMb) || peakMb === 0 ? 'not measured (no /usr/bin/time)' : `${peakMb.toFixed(0)} MB (limit ${LIMIT_MB} MB)`}`);
console.log(`outputs in ${out}`);
if (peakMb >= LIMIT_MB) {
  console.error(`a command used ${peakMb.toFixed(0)} MB, over the ${LIMIT_MB} MB the workshop step must stay under`);
  process.exit(1);
}
// As in the workshop, V1 carries the visual condition.
if (!(scores.V1 > 0.55)) {
  console.error(`V1 should decode visual stimulation above chance, got a balanced accuracy of ${scores.V1}`);
  process.exit(1);
}
