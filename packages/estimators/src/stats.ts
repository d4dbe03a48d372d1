// The F distribution's survival function behind the ANOVA p-values. The special functions under it
// (ln Γ, ln B, the regularised incomplete beta) live in @neurodecode/matrix, shared with stats.
import { regularizedIncompleteBeta } from '@neurodecode/matrix';

export { logGamma, logBeta, regularizedIncompleteBeta } from '@neurodecode/matrix';

/** P(F > f) for an F distribution with (d1, d2) degrees of freedom. */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  return regularizedIncompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
