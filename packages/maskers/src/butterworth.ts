// Digital Butterworth filters designed through the bilinear transform, applied forward and
// backward (zero phase) with odd-extension padding, as nilearn's signal.butterworth does with
// scipy's butter(output='ba') + filtfilt(padtype='odd', padlen=3*max(len(a), len(b))).

/** Which frequencies a Butterworth filter keeps. */
export type FilterKind = 'lowpass' | 'highpass' | 'bandpass';

/** Transfer-function coefficients, normalised so that a[0] = 1. */
export interface FilterCoefficients {
  b: Float64Array;
  a: Float64Array;
}

interface Complex {
  re: number;
  im: number;
}

const cx = (re: number, im = 0): Complex => ({ re, im });
const add = (x: Complex, y: Complex): Complex => cx(x.re + y.re, x.im + y.im);
const sub = (x: Complex, y: Complex): Complex => cx(x.re - y.re, x.im - y.im);
const mul = (x: Complex, y: Complex): Complex => cx(x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re);
const scale = (x: Complex, s: number): Complex => cx(x.re * s, x.im * s);
function div(x: Complex, y: Complex): Complex {
  const d = y.re * y.re + y.im * y.im;
  return cx((x.re * y.re + x.im * y.im) / d, (x.im * y.re - x.re * y.im) / d);
}
function csqrt(x: Complex): Complex {
  const r = Math.hypot(x.re, x.im);
  const re = Math.sqrt((r + x.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - x.re) / 2));
  return cx(re, x.im < 0 ? -im : im);
}

/** Real coefficients of prod (x - root), highest power first. */
function polyFromRoots(roots: Complex[]): Float64Array {
  let coeffs: Complex[] = [cx(1)];
  for (const root of roots) {
    const next: Complex[] = new Array(coeffs.length + 1).fill(null).map(() => cx(0));
    for (let i = 0; i < coeffs.length; i++) {
      next[i] = add(next[i]!, coeffs[i]!);
      next[i + 1] = sub(next[i + 1]!, mul(coeffs[i]!, root));
    }
    coeffs = next;
  }
  // Roots come in conjugate pairs, so imaginary parts are rounding noise.
  return Float64Array.from(coeffs, (c) => c.re);
}

/**
 * Design an order-`order` digital Butterworth filter. `cutoff` is in Hz (one number for low/high
 * pass, [low, high] for band pass) and `samplingRate` in Hz. Returns b, a with a[0] = 1.
 */
export function butterworthDesign(
  order: number,
  cutoff: number | [number, number],
  kind: FilterKind,
  samplingRate: number,
): FilterCoefficients {
  if (!Number.isInteger(order) || order < 1) throw new Error(`order: must be a positive integer, got ${order}`);
  if (!(samplingRate > 0)) throw new Error(`samplingRate: must be positive, got ${samplingRate}`);
  const nyquist = samplingRate / 2;
  const freqs = Array.isArray(cutoff) ? cutoff : [cutoff];
  if ((kind === 'bandpass') !== (freqs.length === 2)) {
    throw new Error(`cutoff: ${kind} needs ${kind === 'bandpass' ? 'two frequencies' : 'one frequency'}, got [${freqs.join(', ')}]`);
  }
  for (const f of freqs) {
    if (!(f > 0 && f < nyquist)) throw new Error(`cutoff: ${f} Hz must lie strictly between 0 and the Nyquist frequency ${nyquist} Hz`);
  }
  // Pre-warp the normalised critical frequencies (sampling rate 2 after normalisation by Nyquist).
  const fs = 2;
  const warped = freqs.map((f) => 2 * fs * Math.tan((Math.PI * (f / nyquist)) / fs));

  // Analog low-pass prototype: poles on the left half of the unit circle, gain 1.
  let poles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    poles.push(cx(-Math.cos(theta), -Math.sin(theta)));
  }
  let zeros: Complex[] = [];
  let gain = 1;

  if (kind === 'lowpass') {
    const w = warped[0]!;
    poles = poles.map((p) => scale(p, w));
    gain = Math.pow(w, order);
  } else if (kind === 'highpass') {
    const w = warped[0]!;
    let prodNegP = cx(1);
    for (const p of poles) prodNegP = mul(prodNegP, scale(p, -1));
    gain = div(cx(1), prodNegP).re;
    poles = poles.map((p) => div(cx(w), p));
    zeros = poles.map(() => cx(0));
  } else {
    const [w1, w2] = warped as [number, number];
    const bandwidth = w2 - w1;
    const centre2 = w1 * w2;
    const next: Complex[] = [];
    const lp = poles.map((p) => scale(p, bandwidth / 2));
    for (const p of lp) next.push(add(p, csqrt(sub(mul(p, p), cx(centre2)))));
    for (const p of lp) next.push(sub(p, csqrt(sub(mul(p, p), cx(centre2)))));
    poles = next;
    zeros = new Array(order).fill(null).map(() => cx(0));
    gain = Math.pow(bandwidth, order);
  }

  // Bilinear transform s -> 2 fs (z - 1) / (z + 1); missing zeros go to z = -1 (Nyquist).
  const fs2 = 2 * fs;
  const zPoles = poles.map((p) => div(add(cx(fs2), p), sub(cx(fs2), p)));
  const zZeros = zeros.map((z) => div(add(cx(fs2), z), sub(cx(fs2), z)));
  while (zZeros.length < zPoles.length) zZeros.push(cx(-1));
  let num = cx(1);
  for (const z of zeros) num = mul(num, sub(cx(fs2), z));
  let den = cx(1);
  for (const p of poles) den = mul(den, sub(cx(fs2), p));
  const zGain = gain * div(num, den).re;

  const b = polyFromRoots(zZeros).map((v) => v * zGain);
  const a = polyFromRoots(zPoles);
  return { b, a };
}

/**
 * Direct-form II transposed filtering of x (length n, read with `stride`) into out, starting
 * from state `zi` scaled by `ziScale`. Coefficient arrays have equal length, a[0] = 1.
 */
function lfilterInto(
  b: Float64Array,
  a: Float64Array,
  x: Float64Array,
  out: Float64Array,
  state: Float64Array,
  zi: Float64Array,
  ziScale: number,
): void {
  const order = state.length;
  for (let i = 0; i < order; i++) state[i] = zi[i]! * ziScale;
  const b0 = b[0]!;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const y = b0 * xt + (order > 0 ? state[0]! : 0);
    for (let i = 0; i < order - 1; i++) state[i] = b[i + 1]! * xt + state[i + 1]! - a[i + 1]! * y;
    if (order > 0) state[order - 1] = b[order]! * xt - a[order]! * y;
    out[t] = y;
  }
}

/** Steady-state filter state for a unit step input (scipy's lfilter_zi). */
export function steadyStateInitial(b: Float64Array, a: Float64Array): Float64Array {
  const n = a.length;
  let sumB = 0,
    sumA = 0;
  for (let i = 0; i < n; i++) {
    sumB += b[i]!;
    sumA += a[i]!;
  }
  const y = sumB / sumA;
  const zi = new Float64Array(n - 1);
  let acc = 0;
  for (let i = n - 2; i >= 0; i--) {
    acc += b[i + 1]! - a[i + 1]! * y;
    zi[i] = acc;
  }
  return zi;
}

/** Reusable zero-phase filter: holds buffers so filtering many columns allocates once. */
export class ZeroPhaseFilter {
  readonly padLength: number;
  private readonly b: Float64Array;
  private readonly a: Float64Array;
  private readonly zi: Float64Array;
  private readonly state: Float64Array;
  private extended = new Float64Array(0);
  private pass = new Float64Array(0);

  constructor(coeffs: FilterCoefficients, padLength?: number) {
    const len = Math.max(coeffs.a.length, coeffs.b.length);
    this.b = new Float64Array(len);
    this.a = new Float64Array(len);
    const a0 = coeffs.a[0]!;
    this.b.set(coeffs.b.map((v) => v / a0));
    this.a.set(coeffs.a.map((v) => v / a0));
    this.padLength = padLength ?? 3 * len;
    this.zi = steadyStateInitial(this.b, this.a);
    this.state = new Float64Array(len - 1);
  }

  /** Filter `signal` in place (forward, then backward over the reversed output). */
  apply(signal: Float64Array): void {
    const n = signal.length;
    const pad = this.padLength;
    if (n <= pad) {
      throw new Error(
        `signal: ${n} time points are too few for Butterworth filtering, which pads ${pad} points on each side (needs more than ${pad})`,
      );
    }
    const total = n + 2 * pad;
    if (this.extended.length !== total) {
      this.extended = new Float64Array(total);
      this.pass = new Float64Array(total);
    }
    const ext = this.extended;
    const first = signal[0]!,
      last = signal[n - 1]!;
    // Odd extension: reflect about the end points so the padded signal stays smooth.
    for (let i = 0; i < pad; i++) ext[i] = 2 * first - signal[pad - i]!;
    ext.set(signal, pad);
    for (let i = 0; i < pad; i++) ext[pad + n + i] = 2 * last - signal[n - 2 - i]!;
    lfilterInto(this.b, this.a, ext, this.pass, this.state, this.zi, ext[0]!);
    this.pass.reverse();
    lfilterInto(this.b, this.a, this.pass, ext, this.state, this.zi, this.pass[0]!);
    for (let i = 0; i < n; i++) signal[i] = ext[total - 1 - pad - i]!;
  }
}

/** Options of the Butterworth filter: cut-off frequencies (Hz), order and edge padding. */
export interface ButterworthOptions {
  /** Hz; frequencies above are removed. */
  lowPass?: number;
  /** Hz; frequencies below are removed. */
  highPass?: number;
  order?: number;
  /** Points of odd-extension padding on each side; default 3 * (number of coefficients). */
  padLength?: number;
}

/**
 * The filter nilearn's clean() would build for these cut-offs, or undefined when neither is set.
 * Like nilearn, a cut-off at or above Nyquist is nudged just below it.
 */
export function butterworthFor(samplingRate: number, opts: ButterworthOptions): ZeroPhaseFilter | undefined {
  const { lowPass, highPass, order = 5 } = opts;
  if (lowPass === undefined && highPass === undefined) return undefined;
  if (lowPass !== undefined && highPass !== undefined && highPass >= lowPass) {
    throw new Error(`highPass: ${highPass} Hz must be below lowPass ${lowPass} Hz`);
  }
  const nyquist = samplingRate / 2;
  const clamp = (f: number, name: string): number => {
    if (f < 0) throw new Error(`${name}: must be non-negative, got ${f}`);
    if (f >= nyquist) return nyquist - nyquist * 10 * Number.EPSILON;
    return f === 0 ? nyquist * Number.EPSILON : f;
  };
  let coeffs: FilterCoefficients;
  if (lowPass !== undefined && highPass !== undefined) {
    coeffs = butterworthDesign(order, [clamp(highPass, 'highPass'), clamp(lowPass, 'lowPass')], 'bandpass', samplingRate);
  } else if (highPass !== undefined) {
    coeffs = butterworthDesign(order, clamp(highPass, 'highPass'), 'highpass', samplingRate);
  } else {
    coeffs = butterworthDesign(order, clamp(lowPass!, 'lowPass'), 'lowpass', samplingRate);
  }
  return new ZeroPhaseFilter(coeffs, opts.padLength);
}

/** Zero-phase Butterworth filtering of one signal (returns a filtered copy). */
export function butterworthFilter(signal: ArrayLike<number>, samplingRate: number, opts: ButterworthOptions): Float64Array {
  const out = Float64Array.from(signal);
  butterworthFor(samplingRate, opts)?.apply(out);
  return out;
}
