// Interpolation kernels with scipy.ndimage's conventions: the cubic B-spline prefilter (turning
// samples into spline coefficients, Unser's causal/anticausal recursion with a mirror boundary,
// which is what scipy uses for mode 'constant'), and the per-axis taps (indices and weights) of
// order 0, 1 and 3 interpolation at a coordinate.

const CUBIC_POLE = Math.sqrt(3) - 2;
const CUBIC_GAIN = (1 - CUBIC_POLE) * (1 - 1 / CUBIC_POLE);

/** Index of a sample under the mirror extension (d c b | a b c d | c b a) used for coefficients. */
export function mirrorIndex(i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  if (n <= 1) return 0;
  const period = 2 * n - 2;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** Turn one line of samples into cubic B-spline coefficients, in place. */
export function cubicPrefilterLine(c: Float64Array, n: number): void {
  if (n < 2) return;
  const z = CUBIC_POLE;
  for (let i = 0; i < n; i++) c[i]! *= CUBIC_GAIN;
  // Causal initial value for a mirror-symmetric signal, summed over the whole line.
  const zn1 = Math.pow(z, n - 1);
  let c0 = c[0]! + zn1 * c[n - 1]!;
  let zi = z;
  for (let i = 1; i < n - 1; i++) {
    c0 += zi * (c[i]! + zn1 * c[n - 1 - i]!);
    zi *= z;
  }
  c[0] = c0 / (1 - zn1 * zn1);
  for (let i = 1; i < n; i++) c[i]! += z * c[i - 1]!;
  c[n - 1] = ((z * c[n - 2]! + c[n - 1]!) * z) / (z * z - 1);
  for (let i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1]! - c[i]!);
}

/** Prefilter a 3-D float64 volume (Fortran order) in place along each axis. */
export function cubicPrefilterVolume(data: Float64Array, shape: readonly [number, number, number]): void {
  const [nx, ny, nz] = shape;
  const line = new Float64Array(Math.max(nx, ny, nz));
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const off = nx * (j + ny * k);
      cubicPrefilterLine(data.subarray(off, off + nx), nx);
    }
  const strided = (n: number, stride: number, starts: Iterable<number>): void => {
    if (n < 2) return;
    for (const off of starts) {
      for (let p = 0; p < n; p++) line[p] = data[off + p * stride]!;
      cubicPrefilterLine(line, n);
      for (let p = 0; p < n; p++) data[off + p * stride] = line[p]!;
    }
  };
  strided(
    ny,
    nx,
    (function* () {
      for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) yield i + nx * ny * k;
    })(),
  );
  strided(
    nz,
    nx * ny,
    (function* () {
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) yield i + nx * j;
    })(),
  );
}

/** Cubic B-spline basis at distance y >= 0. */
function cubicBasis(y: number): number {
  if (y < 1) return (y * y * (y - 2) * 3 + 4) / 6;
  if (y < 2) {
    const u = 2 - y;
    return (u * u * u) / 6;
  }
  return 0;
}

/**
 * Taps of an interpolation of the given order (0, 1 or 3) at coordinate x along an axis of n
 * samples: writes order + 1 sample indices (mirror-mapped at the edges) and weights at `at`.
 * Returns false when x lies outside [0, n - 1], where scipy's mode 'constant' gives the fill value.
 */
export function axisTaps(x: number, n: number, order: number, index: Int32Array, weight: Float64Array, at: number): boolean {
  if (!(x >= 0 && x <= n - 1)) return false;
  const start = order === 0 ? Math.floor(x + 0.5) : Math.floor(x) - (order >> 1);
  for (let h = 0; h <= order; h++) {
    index[at + h] = mirrorIndex(start + h, n);
    const y = Math.abs(start + h - x);
    weight[at + h] = order === 0 ? 1 : order === 1 ? (y > 1 ? 0 : 1 - y) : cubicBasis(y);
  }
  return true;
}
