// Student's t distribution: survival function and its inverse, for cluster-forming thresholds
// (nilearn uses scipy.stats.t.isf(p, dof)). Built on the regularised incomplete beta function,
// evaluated by its continued fraction (modified Lentz), accurate to ~1e-14 relative; the special
// functions come from @neurodecode/matrix, shared with the estimators' ANOVA F-test.
import { logGamma, regularizedIncompleteBeta } from '@neurodecode/matrix';

export { logGamma };

/** Regularised incomplete beta function I_x(a, b) (the shared one in @neurodecode/matrix). */
export function incompleteBeta(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(x, a, b, 'incompleteBeta');
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
