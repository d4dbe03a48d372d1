// The simulated set's content, in memory and without Node built-ins: an ellipsoid brain, spatially
// smooth AR(1) noise around a smooth baseline, and a face/house (or K-class) signal planted in
// known spherical blobs. simulate.ts streams it to disk; a browser page builds the same images with
// simulateFmriImages. Every random draw comes from seeded streams in a fixed order, so the images
// are identical wherever they are made.
import { emptyHeader, NiftiImage, setHeaderAffine, type Affine, type NiftiHeader } from '@neurodecode/nifti-io';

/**
 * Settings of a simulated set, shared by {@link simulateFmriImages} (in memory) and
 * `simulateFmri` (written to disk); every field has a default.
 */
export interface SimulationOptions {
  /** Number of volumes, at least 4 (default 216); spread over up to 12 runs. */
  volumes?: number;
  /** Grid size (default [40, 64, 64]). */
  shape?: [number, number, number];
  /** Voxel size in mm (default [3.5, 3.75, 3.75]). */
  zooms?: [number, number, number];
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Class effect in the blobs, in units of the noise standard deviation (default 0.5). */
  snr?: number;
  /** Data type of bold.nii.gz (default int16, like scanner output). */
  dtype?: 'int16' | 'float32';
  /** Number of runs (default min(12, floor(volumes / 2))). */
  runs?: number;
  /**
   * Number of classes, 2..16 (default 2: face/house). More classes take Haxby's category names
   * (face, house, cat, bottle, scissors, shoe, chair, scrambledpix), then class9, class10...;
   * each class has its own random +-1 pattern over the blob voxels.
   */
  classes?: number;
  /**
   * Trial-to-trial variability of the response amplitude: each volume's class effect is scaled
   * by 1 + variability * N(0, 1) (default 1), so some volumes carry a weak or reversed pattern
   * and decoding scores stay informative (below 1) while the signal is still there to be mapped.
   */
  variability?: number;
}

/** {@link SimulationOptions} with every default filled in and checked (by `checkSimulationParams`, in the browser entry). */
export type SimulationParams = Required<SimulationOptions>;

/** Repetition time of every simulated set, in seconds (Haxby's TR). */
export const SIMULATED_TR = 2.5;
/** Noise standard deviation as a fraction of the local baseline (temporal SNR of 50). */
const NOISE_FRACTION = 0.02;
const AR_RHO = 0.5;
/** Default amplitude variability (see SimulationOptions.variability). */
export const DEFAULT_VARIABILITY = 1;
const HAXBY_CATEGORIES = ['face', 'house', 'cat', 'bottle', 'scissors', 'shoe', 'chair', 'scrambledpix'];

/** The class names of a K-class set: Haxby's categories, then class9, class10... */
export function simulatedClassNames(k: number): string[] {
  return Array.from({ length: k }, (_, c) => HAXBY_CATEGORIES[c] ?? `class${c + 1}`);
}
// Large enough that the signal (~770 voxels, ~2% of the brain) exceeds a top-1% cut of any map.
const BLOB_RADIUS = 4;
/** Blob centres as fractions of the ellipsoid's semi-axes (all well inside the brain). */
const BLOB_OFFSETS: [number, number, number][] = [
  [-0.45, -0.45, -0.2],
  [0.45, -0.3, 0.15],
  [0.05, 0.45, 0.35],
];

/** mulberry32 with Box-Muller normals: small, fast and identical on every platform. */
export class Random {
  private state: number;
  private spare = NaN;
  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u = 1 - this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
}

/** Checked parameters with their defaults. */
export function checkSimulationParams(o: SimulationOptions): SimulationParams {
  if (!o || typeof o !== 'object') throw new TypeError('options: expected an object');
  const volumes = o.volumes ?? 216;
  if (!Number.isInteger(volumes) || volumes < 4) throw new Error(`volumes: expected an integer >= 4, got ${volumes}`);
  const shape = o.shape ?? [40, 64, 64];
  if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 8 || n > 1024)) {
    throw new Error(`shape: expected 3 integers in 8..1024, got [${shape.join(', ')}]`);
  }
  const zooms = o.zooms ?? [3.5, 3.75, 3.75];
  if (zooms.length !== 3 || zooms.some((z) => !(z > 0) || !Number.isFinite(z)))
    throw new Error(`zooms: expected 3 positive numbers, got [${zooms.join(', ')}]`);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed: expected an integer in 0..2^32-1, got ${seed}`);
  const snr = o.snr ?? 0.5;
  if (!(snr >= 0) || !Number.isFinite(snr)) throw new Error(`snr: expected a non-negative number, got ${snr}`);
  const dtype = o.dtype ?? 'int16';
  if (dtype !== 'int16' && dtype !== 'float32') throw new Error(`dtype: expected "int16" or "float32", got "${dtype}"`);
  const runs = o.runs ?? Math.min(12, Math.floor(volumes / 2));
  if (!Number.isInteger(runs) || runs < 1 || runs * 2 > volumes)
    throw new Error(`runs: expected an integer in 1..${Math.floor(volumes / 2)}, got ${runs}`);
  const classes = o.classes ?? 2;
  if (!Number.isInteger(classes) || classes < 2 || classes > 16) throw new Error(`classes: expected an integer in 2..16, got ${classes}`);
  if (runs * classes > volumes)
    throw new Error(`classes: ${classes} classes in each of ${runs} runs need at least ${runs * classes} volumes, got ${volumes}`);
  const variability = o.variability ?? DEFAULT_VARIABILITY;
  if (!(variability >= 0) || !Number.isFinite(variability))
    throw new Error(`variability: expected a non-negative number, got ${variability}`);
  return { volumes, shape, zooms, seed, snr, dtype, runs, classes, variability };
}

/**
 * K > 2 classes: runs of near-equal length, each with every class as often as possible (the
 * remainders rotate over the classes from run to run), in a seeded order.
 */
function makeMultiClassDesign(volumes: number, nRuns: number, names: string[], random: Random): { conditions: string[]; runs: number[] } {
  const conditions: string[] = [];
  const runs: number[] = [];
  let next = 0; // the class that gets the next left-over volume
  for (let r = 0; r < nRuns; r++) {
    const len = Math.floor(volumes / nRuns) + (r < volumes % nRuns ? 1 : 0);
    const order: string[] = [];
    for (let c = 0; c < names.length; c++) for (let i = 0; i < Math.floor(len / names.length); i++) order.push(names[c]!);
    while (order.length < len) {
      order.push(names[next]!);
      next = (next + 1) % names.length;
    }
    for (let i = len - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const c of order) {
      conditions.push(c);
      runs.push(r);
    }
  }
  return { conditions, runs };
}

/** Per-volume labels: runs of near-equal length, each balanced face/house in a seeded order. */
function makeDesign(volumes: number, nRuns: number, random: Random): { conditions: string[]; runs: number[] } {
  const conditions: string[] = [];
  const runs: number[] = [];
  let faceFirst = true; // which class gets the odd volume of an odd-length run, alternating
  for (let r = 0; r < nRuns; r++) {
    const len = Math.floor(volumes / nRuns) + (r < volumes % nRuns ? 1 : 0);
    const nFace = len % 2 === 0 ? len / 2 : faceFirst ? (len + 1) / 2 : (len - 1) / 2;
    if (len % 2) faceFirst = !faceFirst;
    const order: string[] = Array.from({ length: len }, (_, i) => (i < nFace ? 'face' : 'house'));
    for (let i = len - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const c of order) {
      conditions.push(c);
      runs.push(r);
    }
  }
  return { conditions, runs };
}

/** In-place [1 2 1]/4 smoothing along one axis (stride, length n, count lines), edges reflected. */
function smoothAxis(a: Float32Array, tmp: Float32Array, shape: readonly number[], axis: number): void {
  const [nx, ny, nz] = shape as [number, number, number];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const n = shape[axis]!;
  const total = nx * ny * nz;
  for (let start = 0; start < total; start++) {
    // A line starts where this axis's coordinate is 0.
    if (Math.floor(start / stride) % n !== 0) continue;
    for (let i = 0; i < n; i++) tmp[i] = a[start + i * stride]!;
    for (let i = 0; i < n; i++) {
      const left = tmp[i > 0 ? i - 1 : 1]!,
        right = tmp[i < n - 1 ? i + 1 : n - 2]!;
      a[start + i * stride] = 0.25 * left + 0.5 * tmp[i]! + 0.25 * right;
    }
  }
}

/** The volume-independent part of a simulated set: brain mask, baseline, signal blobs, design. */
export interface SimulationLayout {
  params: SimulationParams;
  mask: Uint8Array;
  baseline: Float32Array;
  blobSign: Uint8Array;
  blobs: { center: [number, number, number]; radius: number }[];
  /** The class names, in class-index order. */
  classes: string[];
  conditions: string[];
  runs: number[];
  affine: Affine;
  nMask: number;
  nSignal: number;
  /** The seeded stream, already advanced past the layout's draws; the volumes continue it. */
  random: Random;
}

/**
 * Build the volume-independent part of a set from checked parameters: the ellipsoid brain mask,
 * the smooth baseline, the three signal blobs (radius 4 voxels), the balanced per-run design and
 * the affine (LAS orientation, centred on the grid). Deterministic for a given seed.
 */
export function simulationLayout(o: SimulationParams): SimulationLayout {
  const [nx, ny, nz] = o.shape;
  const nvox = nx * ny * nz;
  const random = new Random(o.seed);
  // Ellipsoid brain filling ~24% of the grid (40,000 of the 163,840 Haxby voxels).
  const semi = [(0.7753 * nx) / 2, (0.7753 * ny) / 2, (0.7753 * nz) / 2];
  const centre = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const mask = new Uint8Array(nvox);
  const baseline = new Float32Array(nvox);
  const blobSign = new Uint8Array(nvox);
  const blobs = BLOB_OFFSETS.map((f) => ({
    center: f.map((v, d) => Math.round(centre[d]! + v * semi[d]!)) as [number, number, number],
    radius: BLOB_RADIUS,
  }));
  // Smooth spatial variation of the baseline, different for each seed.
  const phase = [random.uniform(), random.uniform(), random.uniform()].map((u) => u * 2 * Math.PI);
  let nMask = 0,
    nSignal = 0;
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const dx = (i - centre[0]!) / semi[0]!,
          dy = (j - centre[1]!) / semi[1]!,
          dz = (k - centre[2]!) / semi[2]!;
        const r2 = dx * dx + dy * dy + dz * dz;
        if (r2 <= 1) {
          mask[v] = 1;
          nMask++;
          const texture = Math.sin(3 * dx + phase[0]!) * Math.cos(2.5 * dy + phase[1]!) * Math.sin(2 * dz + phase[2]!);
          baseline[v] = 1000 + 150 * (1 - r2) + 120 * texture;
          for (const b of blobs) {
            const bx = i - b.center[0],
              by = j - b.center[1],
              bz = k - b.center[2];
            if (bx * bx + by * by + bz * bz <= b.radius * b.radius) {
              blobSign[v] = 1;
              nSignal++;
              break;
            }
          }
        } else {
          baseline[v] = 40 * Math.exp(-4 * (r2 - 1)) + 5; // faint spill-over outside the brain
        }
      }

  const classes = simulatedClassNames(o.classes);
  const { conditions, runs } =
    o.classes === 2 ? makeDesign(o.volumes, o.runs, random) : makeMultiClassDesign(o.volumes, o.runs, classes, random);
  const affine: Affine = [
    [-o.zooms[0], 0, 0, (o.zooms[0] * (nx - 1)) / 2],
    [0, o.zooms[1], 0, (-o.zooms[1] * (ny - 1)) / 2],
    [0, 0, o.zooms[2], (-o.zooms[2] * (nz - 1)) / 2],
    [0, 0, 0, 1],
  ];
  return { params: o, mask, baseline, blobSign, blobs, classes, conditions, runs, affine, nMask, nSignal, random };
}

/** The 4-D image's header (datatype, zooms, TR, units, affine). */
export function boldHeader(o: SimulationParams, affine: Affine): NiftiHeader {
  const [nx, ny, nz] = o.shape;
  const h = emptyHeader();
  h.dim = [4, nx, ny, nz, o.volumes, 1, 1, 1];
  h.pixdim = [1, o.zooms[0], o.zooms[1], o.zooms[2], SIMULATED_TR, 1, 1, 1];
  h.datatype = o.dtype === 'int16' ? 4 : 16;
  h.bitpix = o.dtype === 'int16' ? 16 : 32;
  h.xyzt_units = 2 | 8; // mm, seconds
  h.descrip = `neurodecode simulated set, seed ${o.seed}, snr ${o.snr}`;
  h.sform_code = 1;
  h.qform_code = 1;
  setHeaderAffine(h, affine);
  h.pixdim[4] = SIMULATED_TR;
  return h;
}

/** Generates the volumes in order; each call to next() returns a fresh array (int16 or float32). */
export class BoldVolumes {
  private t = 0;
  private readonly noise: Float32Array;
  private readonly state: Float32Array;
  private readonly line: Float32Array;
  private readonly classOf: Int32Array;
  private readonly amplitude: Float64Array;
  private readonly patterns: Int8Array[];

  constructor(private readonly layout: SimulationLayout) {
    const o = layout.params;
    const [nx, ny, nz] = o.shape;
    this.noise = new Float32Array(nx * ny * nz);
    this.state = new Float32Array(nx * ny * nz);
    this.line = new Float32Array(Math.max(nx, ny, nz));
    this.classOf = Int32Array.from(layout.conditions, (c) => layout.classes.indexOf(c));
    // Separate streams for the amplitudes and the class patterns, so the noise (and with
    // variability 0 and two classes, every byte) is what the seed gave before they existed.
    const amplitudeRandom = new Random((o.seed + 0x5bd1e995) >>> 0);
    this.amplitude = Float64Array.from(layout.conditions, () => 1 + o.variability * amplitudeRandom.normal());
    this.patterns = classPatterns(o.classes, layout.blobSign, new Random((o.seed + 0x27d4eb2f) >>> 0));
  }

  next(): Int16Array | Float32Array {
    const { params: o, random, baseline, blobSign } = this.layout;
    const { noise, state, line } = this;
    const t = this.t++;
    const nvox = noise.length;
    const innov = Math.sqrt(1 - AR_RHO * AR_RHO);
    const unitScale = 1 / Math.sqrt(0.375 ** 3); // variance of [1 2 1]/4 smoothing on 3 axes
    const isInt = o.dtype === 'int16';
    for (let v = 0; v < nvox; v++) noise[v] = random.normal();
    smoothAxis(noise, line, o.shape, 0);
    smoothAxis(noise, line, o.shape, 1);
    smoothAxis(noise, line, o.shape, 2);
    const pattern = this.patterns[this.classOf[t]!]!;
    const effect = this.amplitude[t]! * o.snr;
    // A fresh buffer per volume: gzip holds the previous one until it has compressed it.
    const out = isInt ? new Int16Array(nvox) : new Float32Array(nvox);
    for (let v = 0; v < nvox; v++) {
      const n = noise[v]! * unitScale;
      const s = t === 0 ? n : AR_RHO * state[v]! + innov * n;
      state[v] = s;
      const sigma = NOISE_FRACTION * baseline[v]!;
      const value = baseline[v]! + sigma * (s + (blobSign[v] ? pattern[v]! * effect : 0));
      out[v] = isInt ? Math.round(value) : value;
    }
    return out;
  }
}

/** The images {@link simulateFmriImages} returns: the same content `simulateFmri` writes to disk. */
export interface SimulatedImages {
  /** The 4-D series (int16 or float32 as `dtype` says), TR {@link SIMULATED_TR} in its header. */
  bold: NiftiImage;
  /** The brain mask (uint8, 1 inside the ellipsoid). */
  mask: NiftiImage;
  /** The voxels that carry the class signal (uint8, 1 inside a blob). */
  signalMask: NiftiImage;
  /** labels.txt's text: header `labels chunks`, one row per volume. */
  labelsText: string;
  /** The layout the images were made from (design, blobs, affine, counts). */
  layout: SimulationLayout;
}

/** The whole simulated set in memory (what simulateFmri writes), for pages and tests. */
export function simulateFmriImages(opts: SimulationOptions = {}): SimulatedImages {
  const o = checkSimulationParams(opts);
  const layout = simulationLayout(o);
  const [nx, ny, nz] = o.shape;
  const nvox = nx * ny * nz;
  const gen = new BoldVolumes(layout);
  const data = o.dtype === 'int16' ? new Int16Array(nvox * o.volumes) : new Float32Array(nvox * o.volumes);
  for (let t = 0; t < o.volumes; t++) data.set(gen.next(), t * nvox);
  return {
    bold: new NiftiImage({ data, shape: [nx, ny, nz, o.volumes], affine: layout.affine, header: boldHeader(o, layout.affine) }),
    mask: new NiftiImage({ data: layout.mask, shape: o.shape, affine: layout.affine, header: layoutHeader(o) }),
    signalMask: new NiftiImage({ data: layout.blobSign, shape: o.shape, affine: layout.affine, header: layoutHeader(o) }),
    labelsText: labelsText(layout),
    layout,
  };
}

/** The header of mask.nii.gz and signal_mask.nii.gz. */
export function layoutHeader(o: SimulationParams): NiftiHeader {
  const header = emptyHeader();
  header.descrip = `neurodecode simulated set, seed ${o.seed}`;
  return header;
}

/** labels.txt: `labels chunks` then one row per volume. */
export function labelsText(layout: SimulationLayout): string {
  return 'labels chunks\n' + layout.conditions.map((c, t) => `${c} ${layout.runs[t]}`).join('\n') + '\n';
}

/**
 * Per class, the sign of its effect in each blob voxel: +1 for face and -1 for house with two
 * classes (the face/house contrast), a random +-1 pattern per class with more.
 */
function classPatterns(k: number, blobSign: Uint8Array, random: Random): Int8Array[] {
  if (k === 2) return [new Int8Array(blobSign.length).fill(1), new Int8Array(blobSign.length).fill(-1)];
  return Array.from({ length: k }, () => {
    const pattern = new Int8Array(blobSign.length);
    for (let v = 0; v < blobSign.length; v++) if (blobSign[v]) pattern[v] = random.uniform() < 0.5 ? 1 : -1;
    return pattern;
  });
}
