// A multi-subject simulated study on a 4 mm MNI grid for the group-inference path (per-subject
// searchlight -> group test -> clusters table): every subject has face/house runs with the same
// two effects (a strong one in left lateral occipital cortex at (-40, -70, 0) mm, a weaker one at
// (42, -60, -10) mm), displaced and scaled differently per subject. Written per subject as
// sub-XX/bold.nii.gz + sub-XX/labels.txt, with the shared mask.nii.gz and truth.nii.gz.
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { emptyHeader, NiftiImage, serializeHeader, setHeaderAffine, writeNifti, type Affine } from '@neurodecode/nifti-io';
import { writeAtomically, writeSeries } from './simulate.js';
import { Random } from './simulate-volumes.js';

/** Options of {@link simulateGroup}; everything but `outDir` has a default. */
export interface SimulateGroupOptions {
  /** Folder to write the study into (created if needed; existing files of the same names are replaced). */
  outDir: string;
  /** Number of subjects, 2 to 200 (default 12). */
  subjects?: number;
  /**
   * Volumes per subject (default 96), split evenly over the runs and balanced face/house in each
   * run, so it must be a multiple of 2 x `runs`.
   */
  volumes?: number;
  /** Runs per subject, at least 2 (default 8); the labels file gives each volume's run from 0. */
  runs?: number;
  /** Effect at the strong blob's centre, in noise standard deviations (default 0.6). */
  snr?: number;
  /** Seed of the generator, an integer in 0..2^32-1 (default 0); the same seed writes the same files. */
  seed?: number;
}

/** What {@link simulateGroup} wrote (absolute paths) and the ground truth it used. */
export interface SimulatedGroup {
  /** The study folder (`outDir`, resolved). */
  out: string;
  /** `mask.nii.gz`: the shared brain mask (uint8, an ellipsoid about the size of MNI152's brain). */
  mask: string;
  /** `truth.nii.gz`: the unshifted effect profile (float32, 1 at the strong blob's centre, 0 outside both blobs). */
  truth: string;
  /**
   * One entry per subject, `sub-01` first: its int16 `bold.nii.gz` (TR 2 s, MNI sform), its
   * `labels.txt` (header `labels chunks`), the amplitude factor (0.5 to 1.5) and the shift in mm
   * applied to both effects for that subject.
   */
  subjects: { id: string; bold: string; labels: string; amplitude: number; shiftMm: [number, number, number] }[];
  /** {@link MNI_4MM_SHAPE}. */
  shape: [number, number, number];
  /** {@link MNI_4MM_AFFINE}. */
  affine: Affine;
  /** Number of voxels inside `mask`. */
  n_mask_voxels: number;
  /** {@link GROUP_EFFECTS}. */
  effects: { centerMm: [number, number, number]; radiusMm: number; relativeAmplitude: number }[];
  /** The seed used. */
  seed: number;
}

/** The 4 mm MNI152 grid nilearn's 4 mm templates use (46 x 55 x 46). */
export const MNI_4MM_SHAPE: [number, number, number] = [46, 55, 46];
/** Voxel-to-mm affine of the 4 mm MNI152 grid (voxel (0, 0, 0) at (-90, -126, -72) mm). */
export const MNI_4MM_AFFINE: Affine = [
  [4, 0, 0, -90],
  [0, 4, 0, -126],
  [0, 0, 4, -72],
  [0, 0, 0, 1],
];
/**
 * The two effects every simulated subject shares: Gaussian blobs (sigma = radius / 2, cut at the
 * radius) centred in mm, the second at 0.6 of the first's amplitude.
 */
export const GROUP_EFFECTS = [
  { centerMm: [-40, -70, 0] as [number, number, number], radiusMm: 12, relativeAmplitude: 1 },
  { centerMm: [42, -60, -10] as [number, number, number], radiusMm: 10, relativeAmplitude: 0.6 },
];
const TR = 2;

/** An ellipsoid brain in MNI space (about the extent of MNI152's brain mask). */
function brainMask(): Uint8Array {
  const [nx, ny, nz] = MNI_4MM_SHAPE;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const x = 4 * i - 90,
          y = 4 * j - 126,
          z = 4 * k - 72;
        const r2 = (x / 68) ** 2 + ((y + 18) / 88) ** 2 + ((z - 8) / 66) ** 2;
        mask[v] = r2 <= 1 ? 1 : 0;
      }
  return mask;
}

function check(o: SimulateGroupOptions) {
  if (!o || typeof o.outDir !== 'string' || !o.outDir) throw new Error('outDir: a folder to write the simulated study into is required');
  const subjects = o.subjects ?? 12;
  if (!Number.isInteger(subjects) || subjects < 2 || subjects > 200)
    throw new Error(`subjects: expected an integer in 2..200, got ${subjects}`);
  const volumes = o.volumes ?? 96;
  const runs = o.runs ?? 8;
  if (!Number.isInteger(runs) || runs < 2) throw new Error(`runs: expected an integer >= 2, got ${runs}`);
  if (!Number.isInteger(volumes) || volumes < 2 * runs || volumes % runs !== 0 || (volumes / runs) % 2 !== 0) {
    throw new Error(`volumes: expected a multiple of 2 x runs (${2 * runs}), got ${volumes}`);
  }
  const snr = o.snr ?? 0.6;
  if (!(snr >= 0) || !Number.isFinite(snr)) throw new Error(`snr: expected a non-negative number, got ${snr}`);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed: expected an integer in 0..2^32-1, got ${seed}`);
  return { outDir: resolve(o.outDir), subjects, volumes, runs, snr, seed };
}

/**
 * Write a simulated multi-subject face/house study on the 4 mm MNI grid for the group-inference
 * path: `mask.nii.gz`, `truth.nii.gz` and `sub-XX/bold.nii.gz` + `sub-XX/labels.txt` per subject.
 * Each voxel's series is 1000 + 20 x (AR(1) noise with rho 0.4 and unit variance +/- the signal),
 * the sign given by the volume's condition; the signal is `snr` x the subject's amplitude x the
 * effect profile moved by the subject's shift (about 3 mm sd per axis).
 * @throws Error naming the option (`outDir`, `subjects`, `runs`, `volumes`, `snr`, `seed`) when it is out of range.
 */
export async function simulateGroup(opts: SimulateGroupOptions): Promise<SimulatedGroup> {
  const o = check(opts);
  const [nx, ny, nz] = MNI_4MM_SHAPE;
  const nvox = nx * ny * nz;
  const random = new Random(o.seed);
  await fsp.mkdir(o.outDir, { recursive: true });
  const mask = brainMask();
  const inside = Int32Array.from({ length: nvox }, (_x, v) => v).filter((v) => mask[v]);
  const mm = (v: number): [number, number, number] => {
    const i = v % nx,
      j = Math.floor(v / nx) % ny,
      k = Math.floor(v / (nx * ny));
    return [4 * i - 90, 4 * j - 126, 4 * k - 72];
  };
  const profile = (v: number, shift: readonly number[]) => {
    const p = mm(v);
    let a = 0;
    for (const e of GROUP_EFFECTS) {
      const d2 =
        (p[0] - e.centerMm[0] - shift[0]!) ** 2 + (p[1] - e.centerMm[1] - shift[1]!) ** 2 + (p[2] - e.centerMm[2] - shift[2]!) ** 2;
      if (d2 <= e.radiusMm ** 2) a += e.relativeAmplitude * Math.exp(-d2 / (2 * (e.radiusMm / 2) ** 2));
    }
    return a;
  };
  const truth = new Float32Array(nvox);
  for (const v of inside) truth[v] = profile(v, [0, 0, 0]);
  const paths = { mask: join(o.outDir, 'mask.nii.gz'), truth: join(o.outDir, 'truth.nii.gz') };
  await writeNifti(new NiftiImage({ data: mask, shape: MNI_4MM_SHAPE, affine: MNI_4MM_AFFINE }), paths.mask);
  await writeNifti(new NiftiImage({ data: truth, shape: MNI_4MM_SHAPE, affine: MNI_4MM_AFFINE }), paths.truth);

  const subjects: SimulatedGroup['subjects'] = [];
  for (let s = 0; s < o.subjects; s++) {
    const id = `sub-${String(s + 1).padStart(2, '0')}`;
    const dir = join(o.outDir, id);
    await fsp.mkdir(dir, { recursive: true });
    // Subject variability: the effects move by a few mm and scale by 0.5-1.5.
    const shift: [number, number, number] = [random.normal() * 3, random.normal() * 3, random.normal() * 3];
    const amplitude = 0.5 + random.uniform();
    const signal = new Float32Array(nvox);
    for (const v of inside) signal[v] = o.snr * amplitude * profile(v, shift);
    const conditions: string[] = [],
      runs: number[] = [];
    const perRun = o.volumes / o.runs;
    for (let r = 0; r < o.runs; r++) {
      const order: string[] = Array.from({ length: perRun }, (_x, i) => (i < perRun / 2 ? 'face' : 'house'));
      for (let i = perRun - 1; i > 0; i--) {
        const j = Math.floor(random.uniform() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const c of order) {
        conditions.push(c);
        runs.push(r);
      }
    }
    const bold = join(dir, 'bold.nii.gz'),
      labels = join(dir, 'labels.txt');
    await writeSubjectBold(bold, inside, signal, conditions, random, nvox);
    await writeAtomically(labels, 'labels chunks\n' + conditions.map((c, t) => `${c} ${runs[t]}`).join('\n') + '\n');
    subjects.push({ id, bold, labels, amplitude, shiftMm: shift });
  }
  return {
    out: o.outDir,
    ...paths,
    subjects,
    shape: MNI_4MM_SHAPE,
    affine: MNI_4MM_AFFINE,
    n_mask_voxels: inside.length,
    effects: GROUP_EFFECTS,
    seed: o.seed,
  };
}

/** int16 series: baseline 1000, AR(1) noise of sd 20 inside the brain, +/- signal * sd for face/house. */
async function writeSubjectBold(
  path: string,
  inside: Int32Array,
  signal: Float32Array,
  conditions: string[],
  random: Random,
  nvox: number,
): Promise<void> {
  const [nx, ny, nz] = MNI_4MM_SHAPE;
  const h = emptyHeader();
  h.dim = [4, nx, ny, nz, conditions.length, 1, 1, 1];
  h.pixdim = [1, 4, 4, 4, TR, 1, 1, 1];
  h.datatype = 4;
  h.bitpix = 16;
  h.xyzt_units = 2 | 8;
  h.sform_code = 4; // MNI
  h.qform_code = 4;
  h.descrip = 'neurodecode simulated group study';
  setHeaderAffine(h, MNI_4MM_AFFINE);
  h.pixdim[4] = TR;
  const state = new Float32Array(inside.length);
  const rho = 0.4,
    innov = Math.sqrt(1 - rho * rho),
    sd = 20;
  await writeSeries(path, serializeHeader(h), conditions.length, (t) => {
    const sign = conditions[t] === 'face' ? 1 : -1;
    const out = new Int16Array(nvox);
    for (let n = 0; n < inside.length; n++) {
      const v = inside[n]!;
      const e = t === 0 ? random.normal() : rho * state[n]! + innov * random.normal();
      state[n] = e;
      out[v] = Math.round(1000 + sd * (e + sign * signal[v]!));
    }
    return out;
  });
}
