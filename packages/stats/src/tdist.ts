// Student's t distribution: survival function and its inverse, for cluster-forming thresholds
// (nilearn uses scipy.stats.t.isf(p, dof)). Built on the regularised incomplete beta function,
// evaluated by its continued fraction (modified Lentz), accurate to ~1e-14 relative.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (valid for x < (a + 1) / (a + b + 2)). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new Error(`incompleteBeta: a and b must be positive, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function checkDof(dof: number): void {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new Error(`dof: expected a positive number of degrees of freedom, got ${dof}`);
}

/** P(T > t) for Student's t with `dof` degrees of freedom. */
export function tSf(t: number, dof: number): number {
  checkDof(dof);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // I_{dof/(dof+t²)}(dof/2, 1/2) is the two-sided tail; computed from t² / (dof + t²) near 0.
  const x = dof / (dof + t * t);
  const tail = x > 0.5 ? 1 - incompleteBeta((t * t) / (dof + t * t), 0.5, dof / 2) : incompleteBeta(x, dof / 2, 0.5);
  return t >= 0 ? tail / 2 : 1 - tail / 2;
}

/** P(T <= t). */
export function tCdf(t: number, dof: number): number {
  return 1 - tSf(t, dof);
}

/** Density of Student's t. */
export function tPdf(t: number, dof: number): number {
  checkDof(dof);
  const logC = logGamma((dof + 1) / 2) - logGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI);
  return Math.exp(logC - ((dof + 1) / 2) * Math.log1p((t * t) / dof));
}

/** The t with P(T > t) = p (scipy's t.isf): bracketing bisection refined by Newton steps. */
export function tIsf(p: number, dof: number): number {
  checkDof(dof);
  if (!(p >= 0 && p <= 1)) throw new Error(`p: expected a probability in [0, 1], got ${p}`);
  if (p === 0) return Infinity;
  if (p === 1) return -Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -tIsf(1 - p, dof);
  let lo = 0,
    hi = 1;
  while (tSf(hi, dof) > p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = (lo + hi) / 2;
  for (let it = 0; it < 200; it++) {
    const f = tSf(t, dof) - p; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    const newton = t + f / tPdf(t, dof);
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
