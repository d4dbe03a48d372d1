// The L1-penalised linear models of l1-svc.ts solved by newGLMNET (Yuan, Ho and Lin 2012, the
// method liblinear uses for L1 logistic regression): each outer iteration builds the quadratic
// model of the loss at w (gradient and per-sample curvature), minimises that model plus the L1
// term over a working set, then runs one line search along the resulting direction. A coordinate
// step on the model costs two passes over a column and no exponential, where a coordinate step on
// the loss itself costs an exponential per sample and a line search. Once the support has
// settled, the model's minimiser is one linear solve on the support (Newton's step), so the last
// iterations converge quadratically.
import type { L1Loss } from './l1-svc.js';
import { choleskySolveInPlace, dotRange } from './linalg.js';

/** How a newGLMNET solve ended: outer iterations used, whether the optimality test passed, and the gradient there. */
export interface GlmnetResult {
  iterations: number;
  /** False when the line search stalled (rounding near the optimum) or the iterations ran out. */
  converged: boolean;
  /**
   * The loss gradient per feature at the returned weights (every feature's when converged): the
   * value, or where `radius` is positive a bound-certified estimate within that distance of it.
   */
  gradient: Float64Array;
  /** Per feature: 0 where `gradient` is exact, else the estimate's radius (undefined: all exact). */
  radius?: Float64Array;
  /** The per-sample derivatives d1 the estimates stand for: the exact value is d1 . x_j. */
  reference?: Float64Array;
}

/** A gradient known from a previous solve at the starting weights (see L1PathGradient). */
export interface GlmnetStart {
  gradient: Float64Array;
  /** Factor from the stored gradient's C to this solve's (the loss's derivatives scale with C). */
  scale: number;
  /** As GlmnetResult's radius and reference (before scaling). */
  radius?: Float64Array;
  reference?: Float64Array;
}

/** Per-feature scratch arrays of the last solve's width, reused by the next (a solve never runs inside another). */
let pooled: { q: number; ints: Int32Array[]; floats: Float64Array[]; columns: Float64Array[] } | undefined;

/** The pooled arrays for width q; `columns` holds the working set's two column buffers (grown as needed). */
function scratchArrays(q: number): { ints: Int32Array[]; floats: Float64Array[]; columns: Float64Array[] } {
  if (pooled?.q !== q)
    pooled = {
      q,
      ints: Array.from({ length: 9 }, () => new Int32Array(q)),
      floats: Array.from({ length: 5 }, () => new Float64Array(q)),
      columns: [new Float64Array(0), new Float64Array(0)],
    };
  return pooled;
}

/** Armijo's sufficient-decrease fraction, as liblinear. */
const SIGMA = 0.01;
/** Curvature added to every coordinate of the model, so a column without curvature still has a finite step. */
const NU = 1e-12;
/** Inner coordinate-descent passes per outer iteration at most. */
const MAX_INNER_PASSES = 200;
/** Zero-weight violators that may enter the working set per outer iteration (the worst ones). */
const MAX_ENTERING = 160;
/**
 * Converged on the working set, the weights there are polished to this fraction of the stopping
 * violation (Newton steps on the support, cheap), so the answer depends little on the path that
 * reached the stopping rule.
 */
const POLISH = 0.001;
/** The model is solved by coordinate descent to this fraction of the outer violation. */
const INNER_FRACTION = 0.1;

/**
 * min_w sum_j |w_j| + C sum_i s_i loss(y_i w.x_i) from the weights in w, until the largest
 * minimum-norm subgradient is at most stopAt. `cols` is feature-major (featureMajor). Zero
 * weights whose gradient lies well inside [-1, 1] are shrunk out of the working set between outer
 * iterations (liblinear's rule); convergence on the working set is confirmed on every feature.
 * With `start` (the gradient at w, from a previous solve) the first iteration needs no pass over
 * the data; a gradient is also reused while the weights have not moved since it was computed.
 *
 * With `norms` (each column's Euclidean norm), a zero weight's gradient need not be computed when
 * a bound shows its value cannot change a decision: once the gradient of every feature is known
 * at one point a (an anchor), the gradient at d1 is c g(a) + x_j . r with r = d1 - c a, and
 * |x_j . r| <= |x_j| |r|. Every decision (violation, entering, shrinking) is taken on the exact
 * value whenever the bound leaves it open, so the iterates are those of the solve without norms.
 */
export function solveL1Glmnet(
  cols: Float64Array,
  n: number,
  q: number,
  signs: Int8Array,
  loss: L1Loss,
  C: number,
  s: Float64Array | undefined,
  stopAt: number,
  maxIter: number,
  w: Float64Array,
  start?: GlmnetStart,
  norms?: Float64Array,
): GlmnetResult {
  const log = loss === 'log';
  const margin = new Float64Array(n);
  for (let j = 0; j < q; j++) {
    const wj = w[j]!;
    if (wj !== 0) for (let i = 0, o = j * n; i < n; i++) margin[i]! += wj * signs[i]! * cols[o + i]!;
  }
  // Per sample: first derivative of the weighted loss times the label, second derivative, and
  // (logistic) exp(-margin), which the line search reuses.
  const d1 = new Float64Array(n);
  const curv = new Float64Array(n);
  const em = new Float64Array(log ? n : 0);
  // Per feature: loss gradient and the step (count of accepted line searches) it was computed at,
  // -1 for none; model curvature; the model's minimiser (the candidate weight).
  const grad = new Float64Array(q);
  const pool = scratchArrays(q);
  const at = pool.ints[0]!.fill(-1);
  let moves = 0;
  // Certified estimates: radius (0 where grad is exact) and the reference whose product with the
  // column is the exact value (times its scale), for the features whose grad is an estimate.
  const radius = new Float64Array(norms || start?.radius ? q : 0);
  const refOf = pool.ints[1]!;
  const refs: { d1: Float64Array; scale: number }[] = [];
  let nEstimated = 0;
  if (start) {
    for (let j = 0; j < q; j++) grad[j] = start.gradient[j]! * start.scale;
    at.fill(0);
    const r0 = start.radius;
    if (r0 && start.reference) {
      refs.push({ d1: start.reference, scale: start.scale });
      for (let j = 0; j < q; j++)
        if (r0[j]! > 0) {
          radius[j] = r0[j]! * start.scale;
          refOf[j] = 0;
          nEstimated++;
        }
    }
  }
  /** The exact gradient of a feature that holds an estimate (the value the solve without bounds has). */
  const resolve = (j: number): number => {
    const ref = refs[refOf[j]!]!;
    const g = dotRange(ref.d1, 0, cols, j * n, n) * ref.scale;
    grad[j] = g;
    radius[j] = 0;
    nEstimated--;
    return g;
  };
  // Anchors: points (d1) where every feature's gradient is known exactly, at most two; the
  // current d1's projection onto them (coefficients, the residual's bound factor) per move.
  const anchorD1: Float64Array[] = [];
  const anchorG: Float64Array[] = [];
  let anchorMoved = false;
  const coef = new Float64Array(2);
  let residual = -1;
  let projectedAt = -1;
  let projectionRef = -1;
  const hess = pool.floats[0]!;
  const slot = pool.ints[2]!;
  const target = pool.floats[1]!;
  // X (target - w) and curv times it, per sample; the line search's exp(-step * y_i u_i).
  const u = new Float64Array(n);
  const cu = new Float64Array(n);
  const E = new Float64Array(log ? n : 0);
  const active = pool.ints[3]!;
  for (let j = 0; j < q; j++) active[j] = j;
  let nActive = q;
  const working = pool.ints[4]!;
  const inner = pool.ints[5]!;
  const violators = pool.ints[6]!;
  const need = pool.ints[7]!;
  const violation = pool.floats[2]!;
  const scratch = pool.floats[3]!;
  // The working set's columns times the per-sample curvature, for the model's coordinate steps.
  let weighted = pool.columns[0]!;
  // The working set's columns themselves, contiguous in the same order.
  let xw = pool.columns[1]!;
  let maxViolation = 0;
  let nWorking = 0;
  // Coordinate descent on the model over the working set, with its own shrinking; sets target and u.
  const innerDescent = (): void => {
    const innerStop = Math.max(INNER_FRACTION * maxViolation, 0.5 * POLISH * stopAt);
    inner.set(working.subarray(0, nWorking));
    let nInner = nWorking;
    let innerPrevious = Infinity;
    // The update of one coordinate computes the next coordinate's product with cu in the same
    // pass (cu is read once): `ahead` holds it for feature `aheadOf` (-1: none).
    let aheadOf = -1;
    let ahead = 0;
    for (let pass = 0; pass < MAX_INNER_PASSES; pass++) {
      const innerBound = innerPrevious / n;
      const innerFull = nInner === nWorking;
      let innerMax = 0;
      for (let k = 0; k < nInner; ) {
        const j = inner[k]!;
        const wo = slot[j]! * n;
        const h = hess[j]!;
        const t = target[j]!;
        const product = aheadOf === j ? ahead : dotRange(cu, 0, xw, wo, n);
        aheadOf = -1;
        const g = grad[j]! + product + NU * (t - w[j]!);
        let v: number;
        if (t !== 0) v = Math.abs(t > 0 ? g + 1 : g - 1);
        else if (g + 1 < 0) v = -g - 1;
        else if (g - 1 > 0) v = g - 1;
        else if (g + 1 > innerBound && g - 1 < -innerBound) {
          inner[k] = inner[--nInner]!;
          inner[nInner] = j;
          continue;
        } else v = 0;
        if (v > innerMax) innerMax = v;
        k++;
        if (v === 0) continue;
        // The one-dimensional model's minimiser: soft thresholding of a Newton step.
        let next: number;
        if (g + 1 <= h * t) next = t - (g + 1) / h;
        else if (g - 1 >= h * t) next = t - (g - 1) / h;
        else next = 0;
        const z = next - t;
        if (z === 0) continue;
        target[j] = next;
        if (k < nInner) {
          aheadOf = inner[k]!;
          ahead = updateAndDot(cu, z, weighted, wo, xw, slot[aheadOf]! * n, n);
        } else for (let i = 0; i < n; i++) cu[i]! += z * weighted[wo + i]!;
      }
      if (innerMax <= innerStop) {
        if (innerFull) break;
        inner.set(working.subarray(0, nWorking));
        nInner = nWorking;
        innerPrevious = Infinity;
        continue;
      }
      innerPrevious = innerMax;
    }
    for (let a = 0; a < nWorking; a++) {
      const j = working[a]!;
      const dj = target[j]! - w[j]!;
      if (dj !== 0) for (let i = 0, o = a * n; i < n; i++) u[i]! += dj * xw[o + i]!;
    }
  };
  const bounded = radius.length > 0;
  // The violators whose violation is only bounded (lower bound in `violation`, upper here).
  const uncertainAt = pool.ints[8]!;
  const uncertainHi = pool.floats[4]!;
  /** Projects the current d1 onto the anchors: sets coef, residual (the bound factor) and a new reference. */
  const project = (): void => {
    const K = anchorD1.length;
    const a0 = anchorD1[0]!;
    const a1 = anchorD1[K - 1]!;
    const g00 = dotRange(a0, 0, a0, 0, n);
    const b0 = dotRange(a0, 0, d1, 0, n);
    coef[0] = b0 / g00;
    coef[1] = 0;
    if (K === 2) {
      const g01 = dotRange(a0, 0, a1, 0, n);
      const g11 = dotRange(a1, 0, a1, 0, n);
      const b1 = dotRange(a1, 0, d1, 0, n);
      const det = g00 * g11 - g01 * g01;
      if (det > 1e-9 * g00 * g11) {
        coef[0] = (g11 * b0 - g01 * b1) / det;
        coef[1] = (g00 * b1 - g01 * b0) / det;
      } else {
        coef[0] = 0;
        coef[1] = b1 / g11;
      }
    }
    // The residual is formed from the coefficients used, so the identity holds whatever their
    // accuracy; the slack covers the rounding of the products and of this sum.
    let rr = 0;
    let dd = 0;
    for (let i = 0; i < n; i++) {
      const r = d1[i]! - coef[0]! * a0[i]! - coef[1]! * a1[i]!;
      rr += r * r;
      dd += d1[i]! * d1[i]!;
    }
    const size = Math.sqrt(dd) + Math.abs(coef[0]!) * Math.sqrt(g00) + Math.abs(coef[1]!) * Math.sqrt(dotRange(a1, 0, a1, 0, n));
    residual = (Math.sqrt(rr) + 1e-11 * size) * (1 + 1e-11);
    refs.push({ d1: d1.slice(), scale: 1 });
    projectionRef = refs.length - 1;
  };
  const result = (converged: boolean, iterations: number): GlmnetResult => {
    if (!converged || nEstimated === 0) return { iterations, converged, gradient: grad };
    // Estimates kept from the start refer to the previous solve's point: made exact here, so the
    // returned ones all refer to this point.
    for (let j = 0; j < q; j++) if (radius[j]! > 0 && refOf[j] !== projectionRef) resolve(j);
    if (nEstimated === 0) return { iterations, converged, gradient: grad };
    return { iterations, converged, gradient: grad, radius, reference: refs[projectionRef]!.d1 };
  };
  let previousMax = Infinity;
  let polished = false;
  let iter = 0;
  while (iter < maxIter) {
    iter++;
    for (let i = 0; i < n; i++) {
      const wi = s ? s[i]! * C : C;
      if (log) {
        const e = Math.exp(-margin[i]!);
        em[i] = e;
        const sig = e === Infinity ? 1 : e / (1 + e); // sigma(-m)
        d1[i] = -wi * sig * signs[i]!;
        curv[i] = wi * sig * (1 - sig);
      } else {
        const b = 1 - margin[i]!;
        d1[i] = b > 0 ? -2 * wi * b * signs[i]! : 0;
        curv[i] = b > 0 ? 2 * wi : 0;
      }
    }
    // Gradient and violation on the active features: the support and the worst violators form the
    // working set.
    const bound = previousMax / n;
    const full = nActive === q;
    maxViolation = 0;
    nWorking = 0;
    let nViolators = 0;
    let nUncertain = 0;
    const certify = norms !== undefined && anchorD1.length > 0;
    if (certify && projectedAt !== moves) {
      project();
      projectedAt = moves;
    }
    const G0 = certify ? anchorG[0]! : grad;
    const G1 = certify ? anchorG[anchorG.length - 1]! : grad;
    const c0 = coef[0]!;
    const c1 = coef[1]!;
    // The gradients this point needs: estimates where the bound certifies them, then the rest
    // computed two columns per pass over d1.
    let nNeed = 0;
    for (let k = 0; k < nActive; k++) {
      const j = active[k]!;
      if (at[j] === moves) continue;
      at[j] = moves;
      if (bounded && radius[j]! > 0) {
        radius[j] = 0;
        nEstimated--;
      }
      if (certify && w[j] === 0) {
        // A zero weight whose bound keeps it inside [-1, 1] keeps the estimate.
        const e = c0 * G0[j]! + c1 * G1[j]!;
        const rho = norms[j]! * residual + 1e-12;
        if (Math.abs(e) + rho <= 1) {
          grad[j] = e;
          radius[j] = rho;
          refOf[j] = projectionRef;
          nEstimated++;
          continue;
        }
      }
      need[nNeed++] = j;
    }
    let b = 0;
    for (; b + 1 < nNeed; b += 2) {
      const j0 = need[b]!;
      const j1 = need[b + 1]!;
      const [g0, g1] = dotPair(d1, 0, cols, j0 * n, j1 * n, n);
      grad[j0] = g0;
      grad[j1] = g1;
    }
    if (b < nNeed) grad[need[b]!] = dotRange(d1, 0, cols, need[b]! * n, n);
    for (let k = 0; k < nActive; ) {
      const j = active[k]!;
      const wj = w[j]!;
      let g = grad[j]!;
      let r = 0;
      if (bounded) {
        r = radius[j]!;
        if (r > 0 && wj !== 0) {
          g = resolve(j);
          r = 0;
        }
      }
      if (r > 0) {
        const hi = Math.abs(g) + r;
        if (hi <= 1) {
          // Not a violator: shrunk when the bound shows the value would be, else kept active
          // (the next move computes it).
          if (hi < 1 - bound) {
            active[k] = active[--nActive]!;
            active[nActive] = j;
            continue;
          }
        } else {
          // Possibly a violator, with violation in [max(lo - 1, 0), hi - 1]: settled below
          // wherever it could matter.
          uncertainAt[nUncertain] = nViolators;
          uncertainHi[nUncertain++] = hi - 1;
          violators[nViolators] = j;
          violation[nViolators++] = Math.max(Math.abs(g) - r - 1, 0);
        }
        k++;
        continue;
      }
      let v: number;
      if (wj !== 0) v = Math.abs(wj > 0 ? g + 1 : g - 1);
      else if (g + 1 < 0) v = -g - 1;
      else if (g - 1 > 0) v = g - 1;
      else if (g + 1 > bound && g - 1 < -bound) {
        active[k] = active[--nActive]!;
        active[nActive] = j;
        continue;
      } else v = 0;
      if (v > maxViolation) maxViolation = v;
      if (wj !== 0) working[nWorking++] = j;
      else if (v > 0) {
        violators[nViolators] = j;
        violation[nViolators++] = v;
      }
      k++;
    }
    if (nUncertain > 0) {
      // The exact violation wherever it could be the largest, then wherever it could enter the
      // working set (all of them when every violator enters, or when polishing filters them).
      let dropped = 0;
      const settle = (u: number): void => {
        const a = uncertainAt[u]!;
        if (a < 0) return;
        const g = resolve(violators[a]!);
        const v = Math.max(Math.abs(g) - 1, 0);
        violation[a] = v;
        if (v > maxViolation) maxViolation = v;
        // Not a violator after all: dropped from the list (it stays active).
        if (v === 0) {
          violators[a] = -1;
          dropped++;
        }
        uncertainAt[u] = -1;
      };
      for (let u = 0; u < nUncertain; u++) if (uncertainHi[u]! > maxViolation) settle(u);
      let low = 0;
      if (maxViolation > stopAt && nViolators > MAX_ENTERING) {
        scratch.set(violation.subarray(0, nViolators));
        low = kthLargest(scratch, nViolators, MAX_ENTERING);
      }
      // With fewer than MAX_ENTERING certain violators (low = 0), or polishing, every one counts.
      for (let u = 0; u < nUncertain; u++) if (low === 0 || uncertainHi[u]! >= low) settle(u);
      if (dropped > 0) {
        let kept = 0;
        for (let a = 0; a < nViolators; a++)
          if (violators[a]! >= 0) {
            violators[kept] = violators[a]!;
            violation[kept++] = violation[a]!;
          }
        nViolators = kept;
      }
    }
    // An anchor: the first point (after the first move, or the start when it is known exactly)
    // where at most a quarter of the gradients are missing, completed.
    if (norms && !anchorMoved) {
      let missing = 0;
      for (let j = 0; j < q; j++) if (at[j] !== moves || (bounded && radius[j]! > 0)) missing++;
      if (moves > 0 ? 4 * missing <= q : missing === 0 && anchorD1.length === 0) {
        const G = new Float64Array(q);
        for (let j = 0; j < q; j++) G[j] = at[j] === moves && !(bounded && radius[j]! > 0) ? grad[j]! : dotRange(d1, 0, cols, j * n, n);
        anchorD1.push(d1.slice());
        anchorG.push(G);
        if (moves > 0) anchorMoved = true;
        projectedAt = -1;
      }
    }
    const nSupport = nWorking;
    // Polishing (every violation within the test): only zero weights beyond the polish's target
    // may enter.
    if (maxViolation <= stopAt) {
      let kept = 0;
      for (let a = 0; a < nViolators; a++)
        if (violation[a]! > POLISH * stopAt) {
          violators[kept] = violators[a]!;
          violation[kept++] = violation[a]!;
        }
      nViolators = kept;
    }
    let worstEntering = 0;
    if (nViolators > MAX_ENTERING) {
      scratch.set(violation.subarray(0, nViolators));
      const cut = kthLargest(scratch, nViolators, MAX_ENTERING);
      for (let a = 0; a < nViolators; a++) {
        const v = violation[a]!;
        worstEntering = Math.max(worstEntering, v);
        if (v >= cut) working[nWorking++] = violators[a]!;
      }
    } else
      for (let a = 0; a < nViolators; a++) {
        working[nWorking++] = violators[a]!;
        worstEntering = Math.max(worstEntering, violation[a]!);
      }
    // A full pass has no earlier violation to shrink by: shrink by this one, before the model runs.
    if (bound === Infinity) {
      const now = maxViolation / n;
      for (let k = 0; k < nActive; ) {
        const j = active[k]!;
        if (w[j] !== 0) {
          k++;
          continue;
        }
        const g = grad[j]!;
        if (bounded && radius[j]! > 0) {
          // An estimate: shrunk when the bound shows it, else kept.
          if (Math.abs(g) + radius[j]! < 1 - now) {
            active[k] = active[--nActive]!;
            active[nActive] = j;
          } else k++;
          continue;
        }
        if (g + 1 > now && g - 1 < -now) {
          active[k] = active[--nActive]!;
          active[nActive] = j;
        } else k++;
      }
    }
    if (maxViolation <= stopAt) {
      if (full) return result(true, iter);
      // Converged on the working set: polished further there (cheap Newton steps, which the
      // test's loose scale at a large C would otherwise leave far from the optimum along flat
      // directions), then the next iteration checks every feature.
      if (maxViolation <= POLISH * stopAt || polished) {
        nActive = q;
        previousMax = Infinity;
        polished = false;
        continue;
      }
    }
    previousMax = maxViolation;
    if (weighted.length < nWorking * n) {
      weighted = new Float64Array(Math.min(q, 2 * nWorking) * n);
      xw = new Float64Array(weighted.length);
      pool.columns[0] = weighted;
      pool.columns[1] = xw;
    }
    for (let a = 0; a < nWorking; a++) {
      const j = working[a]!;
      const o = j * n;
      const wo = a * n;
      // curv times the column, and its product with the column (four partial sums).
      let h0 = 0;
      let h1 = 0;
      let h2 = 0;
      let h3 = 0;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const x0 = cols[o + i]!;
        const x1 = cols[o + i + 1]!;
        const x2 = cols[o + i + 2]!;
        const x3 = cols[o + i + 3]!;
        const c0 = curv[i]! * x0;
        const c1 = curv[i + 1]! * x1;
        const c2 = curv[i + 2]! * x2;
        const c3 = curv[i + 3]! * x3;
        weighted[wo + i] = c0;
        weighted[wo + i + 1] = c1;
        weighted[wo + i + 2] = c2;
        weighted[wo + i + 3] = c3;
        xw[wo + i] = x0;
        xw[wo + i + 1] = x1;
        xw[wo + i + 2] = x2;
        xw[wo + i + 3] = x3;
        h0 += c0 * x0;
        h1 += c1 * x1;
        h2 += c2 * x2;
        h3 += c3 * x3;
      }
      for (; i < n; i++) {
        const x = cols[o + i]!;
        const cx = curv[i]! * x;
        weighted[wo + i] = cx;
        xw[wo + i] = x;
        h0 += cx * x;
      }
      hess[j] = NU + (h0 + h1 + (h2 + h3));
      slot[j] = a;
      target[j] = w[j]!;
    }
    u.fill(0);
    cu.fill(0);
    // When the zero weights' violations are small beside the support's, the support is taken as
    // settled and the model's minimiser on it comes from one linear solve; if a weight would
    // change sign there (or the system is singular), coordinate descent on the model instead.
    const settled = worstEntering <= INNER_FRACTION * maxViolation && nSupport > 0 && nSupport <= n;
    const newton = settled ? supportNewton(xw, n, weighted, grad, w, working, nSupport, target, u) : false;
    if (newton === 'partial') {
      // Coordinate descent finishes the model from the partial target (it forms u again).
      for (let i = 0; i < n; i++) cu[i] = curv[i]! * u[i]!;
      u.fill(0);
    }
    if (newton !== 'exact') innerDescent();
    // Line search along target - w: the model's predicted decrease, then halving until Armijo holds.
    let delta = 0;
    for (let a = 0; a < nWorking; a++) {
      const j = working[a]!;
      const t = target[j]!;
      const wj = w[j]!;
      delta += grad[j]! * (t - wj) + Math.abs(t) - Math.abs(wj);
    }
    // A stall (rounding) while polishing ends the polish; otherwise coordinate descent takes over.
    const stall = (): boolean => {
      if (maxViolation > stopAt || full) return false;
      polished = true;
      return true;
    };
    if (!(delta < 0)) {
      if (stall()) continue;
      return result(false, iter);
    }
    if (log) for (let i = 0; i < n; i++) E[i] = Math.exp(-signs[i]! * u[i]!);
    let step = 1;
    let accepted = false;
    for (let trial = 0; trial < 60; trial++) {
      if (trial > 0 && log) for (let i = 0; i < n; i++) E[i] = Math.sqrt(E[i]!);
      let change = 0;
      for (let a = 0; a < nWorking; a++) {
        const j = working[a]!;
        const wj = w[j]!;
        change += Math.abs(step === 1 ? target[j]! : wj + step * (target[j]! - wj)) - Math.abs(wj);
      }
      change += log ? logLossChange(em, E, s, n) * C : hingeLossChange(margin, u, signs, step, s, n) * C;
      if (change <= SIGMA * step * delta) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      if (stall()) continue;
      return result(false, iter);
    }
    for (let a = 0; a < nWorking; a++) {
      const j = working[a]!;
      w[j] = step === 1 ? target[j]! : w[j]! + step * (target[j]! - w[j]!);
    }
    for (let i = 0; i < n; i++) margin[i]! += step * signs[i]! * u[i]!;
    moves++;
  }
  return result(false, iter);
}

/**
 * sum_i s_i [log(1 + e_i E_i) - log(1 + e_i)], e_i = exp(-m_i), E_i = exp(-step y_i u_i): the
 * ratios are multiplied (rescaled before they leave the float range) so a trial costs one
 * logarithm, not one per sample. A ratio that is not a number (a margin beyond exp's range) makes
 * the sum NaN, which fails the line search's test.
 */
export function logLossChange(em: Float64Array, E: Float64Array, s: Float64Array | undefined, n: number): number {
  let logSum = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const e = em[i]!;
    let r = (1 + e * E[i]!) / (1 + e);
    if (s) r **= s[i]!;
    prod *= r;
    if (prod > 1e150 || prod < 1e-150) {
      logSum += Math.log(prod);
      prod = 1;
    }
  }
  return logSum + Math.log(prod);
}

/** sum_i s_i [max(0, 1 - m_i - step y_i u_i)^2 - max(0, 1 - m_i)^2]. */
function hingeLossChange(
  margin: Float64Array,
  u: Float64Array,
  signs: Int8Array,
  step: number,
  s: Float64Array | undefined,
  n: number,
): number {
  let change = 0;
  for (let i = 0; i < n; i++) {
    const b0 = 1 - margin[i]!;
    const b1 = b0 - step * signs[i]! * u[i]!;
    const v = (b1 > 0 ? b1 * b1 : 0) - (b0 > 0 ? b0 * b0 : 0);
    change += s ? s[i]! * v : v;
  }
  return change;
}

/** supportNewton's matrix and its factor, kept for the next call (grown as needed; every entry used is written first). */
let newtonBuffers = [new Float64Array(0), new Float64Array(0)];

/**
 * The model's minimiser over the support when every weight there keeps its sign: solve
 * (X_S' diag(curv) X_S) d = -(grad + sign(w)) by Cholesky and set target = w + d and u = X_S d.
 * `cols` holds the support's columns and `weighted` curv times them, in the support's order. When a weight would
 * change sign, the target moves towards that minimiser only as far as the first weight reaching
 * zero, which then stays there, and the minimiser is solved again over the rest (the model
 * decreases all the way): 'partial' then, for coordinate descent to finish from the target (and
 * u, set as above). False (nothing changed) when the system is singular.
 */
function supportNewton(
  cols: Float64Array,
  n: number,
  weighted: Float64Array,
  grad: Float64Array,
  w: Float64Array,
  support: Int32Array,
  m: number,
  target: Float64Array,
  u: Float64Array,
): 'exact' | 'partial' | false {
  if (newtonBuffers[0]!.length < m * m) newtonBuffers = [new Float64Array(2 * m * m), new Float64Array(2 * m * m)];
  const H = newtonBuffers[0]!;
  curvatureGram(weighted, cols, n, m, H);
  let trace = 0;
  for (let a = 0; a < m; a++) trace += H[a * m + a]!;
  for (let a = 0; a < m; a++) H[a * m + a]! += 1e-10 * (trace / m) + NU;
  // t: the target so far (w at first); kept: the positions still free (the others are at zero).
  const t = new Float64Array(m);
  const kept = new Int32Array(m);
  for (let a = 0; a < m; a++) {
    t[a] = w[support[a]!]!;
    kept[a] = a;
  }
  let nKept = m;
  let partial = false;
  const Hk = newtonBuffers[1]!;
  const d = new Float64Array(m);
  for (let round = 0; round < 8 && nKept > 0; round++) {
    // The minimiser over the kept positions with the others at zero: Hkk (p - w) = -(grad + sign) - Hkz (0 - w).
    for (let a = 0; a < nKept; a++) {
      const ia = kept[a]!;
      const j = support[ia]!;
      for (let c = 0; c < nKept; c++) Hk[a * nKept + c] = H[ia * m + kept[c]!]!;
      let rhs = -(grad[j]! + (w[j]! > 0 ? 1 : -1));
      if (nKept < m) for (let z = 0; z < m; z++) if (t[z] === 0) rhs += H[ia * m + z]! * w[support[z]!]!;
      d[a] = rhs;
    }
    try {
      choleskySolveInPlace(Hk, nKept, d, 1, 'l1 solver');
    } catch {
      if (round === 0) return false;
      break;
    }
    // The step from t towards w + d, cut where the first weight reaches zero.
    let step = 1;
    let hit = -1;
    for (let a = 0; a < nKept; a++) {
      const ia = kept[a]!;
      const p = w[support[ia]!]! + d[a]!;
      if (!(p * t[ia]! > 0)) {
        const f = t[ia]! / (t[ia]! - p);
        if (f < step) {
          step = f;
          hit = a;
        }
      }
    }
    for (let a = 0; a < nKept; a++) {
      const ia = kept[a]!;
      t[ia] = a === hit ? 0 : t[ia]! + step * (w[support[ia]!]! + d[a]! - t[ia]!);
    }
    if (hit < 0) break;
    partial = true;
    kept[hit] = kept[--nKept]!;
  }
  for (let a = 0; a < m; a++) {
    const j = support[a]!;
    target[j] = t[a]!;
    const o = a * n;
    const da = t[a]! - w[j]!;
    for (let i = 0; i < n; i++) u[i]! += da * cols[o + i]!;
  }
  return partial ? 'partial' : 'exact';
}

/**
 * cu += z * weighted[wo..wo + n), then the dot product of the updated cu with x[xo..xo + n), summed
 * in dotRange's order (four partial sums) so the result equals dotRange's bit for bit.
 */
function updateAndDot(cu: Float64Array, z: number, weighted: Float64Array, wo: number, x: Float64Array, xo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const c0 = cu[i]! + z * weighted[wo + i]!;
    const c1 = cu[i + 1]! + z * weighted[wo + i + 1]!;
    const c2 = cu[i + 2]! + z * weighted[wo + i + 2]!;
    const c3 = cu[i + 3]! + z * weighted[wo + i + 3]!;
    cu[i] = c0;
    cu[i + 1] = c1;
    cu[i + 2] = c2;
    cu[i + 3] = c3;
    s0 += c0 * x[xo + i]!;
    s1 += c1 * x[xo + i + 1]!;
    s2 += c2 * x[xo + i + 2]!;
    s3 += c3 * x[xo + i + 3]!;
  }
  for (; i < n; i++) {
    const c = cu[i]! + z * weighted[wo + i]!;
    cu[i] = c;
    s0 += c * x[xo + i]!;
  }
  return s0 + s1 + (s2 + s3);
}

const gramBlock = new Float64Array(8);

/**
 * H = W' X for the m columns of `weighted` (W) and `cols` (X), n values each, when W' X is
 * symmetric (W = diag(curv) X): the lower triangle in blocks of two rows by four columns (eight
 * sums per pass over the rows' values), mirrored.
 */
function curvatureGram(weighted: Float64Array, cols: Float64Array, n: number, m: number, H: Float64Array): void {
  for (let a = 0; a < m; a += 2) {
    const a1 = Math.min(a + 1, m - 1);
    const w0 = a * n;
    const w1 = a1 * n;
    for (let c = 0; c <= a1; c += 4) {
      const x0 = c * n;
      const x1 = Math.min(c + 1, m - 1) * n;
      const x2 = Math.min(c + 2, m - 1) * n;
      const x3 = Math.min(c + 3, m - 1) * n;
      let h00 = 0;
      let h01 = 0;
      let h02 = 0;
      let h03 = 0;
      let h10 = 0;
      let h11 = 0;
      let h12 = 0;
      let h13 = 0;
      for (let i = 0; i < n; i++) {
        const p0 = weighted[w0 + i]!;
        const p1 = weighted[w1 + i]!;
        const r0 = cols[x0 + i]!;
        const r1 = cols[x1 + i]!;
        const r2 = cols[x2 + i]!;
        const r3 = cols[x3 + i]!;
        h00 += p0 * r0;
        h01 += p0 * r1;
        h02 += p0 * r2;
        h03 += p0 * r3;
        h10 += p1 * r0;
        h11 += p1 * r1;
        h12 += p1 * r2;
        h13 += p1 * r3;
      }
      if (a + 1 < m && c + 3 <= a) {
        // A block wholly below the diagonal.
        const r0 = a * m;
        const r1 = r0 + m;
        H[r0 + c] = h00;
        H[r0 + c + 1] = h01;
        H[r0 + c + 2] = h02;
        H[r0 + c + 3] = h03;
        H[r1 + c] = h10;
        H[r1 + c + 1] = h11;
        H[r1 + c + 2] = h12;
        H[r1 + c + 3] = h13;
        H[c * m + a] = h00;
        H[(c + 1) * m + a] = h01;
        H[(c + 2) * m + a] = h02;
        H[(c + 3) * m + a] = h03;
        H[c * m + a + 1] = h10;
        H[(c + 1) * m + a + 1] = h11;
        H[(c + 2) * m + a + 1] = h12;
        H[(c + 3) * m + a + 1] = h13;
        continue;
      }
      const block = gramBlock;
      block[0] = h00;
      block[1] = h01;
      block[2] = h02;
      block[3] = h03;
      block[4] = h10;
      block[5] = h11;
      block[6] = h12;
      block[7] = h13;
      for (let r = 0; r < 2; r++) {
        const row = a + r;
        if (row >= m) break;
        for (let k = 0; k < 4; k++) {
          const col = c + k;
          if (col > row) break;
          const h = block[r * 4 + k]!;
          H[row * m + col] = h;
          H[col * m + row] = h;
        }
      }
    }
  }
}

const pair: [number, number] = [0, 0];

/** dotRange(a, ia, b, ib0, n) and dotRange(a, ia, b, ib1, n) in one pass over a (the same sums, bit for bit); the returned pair is reused. */
function dotPair(a: Float64Array, ia: number, b: Float64Array, ib0: number, ib1: number, n: number): [number, number] {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const a0 = a[ia + k]!;
    const a1 = a[ia + k + 1]!;
    const a2 = a[ia + k + 2]!;
    const a3 = a[ia + k + 3]!;
    s0 += a0 * b[ib0 + k]!;
    s1 += a1 * b[ib0 + k + 1]!;
    s2 += a2 * b[ib0 + k + 2]!;
    s3 += a3 * b[ib0 + k + 3]!;
    t0 += a0 * b[ib1 + k]!;
    t1 += a1 * b[ib1 + k + 1]!;
    t2 += a2 * b[ib1 + k + 2]!;
    t3 += a3 * b[ib1 + k + 3]!;
  }
  for (; k < n; k++) {
    s0 += a[ia + k]! * b[ib0 + k]!;
    t0 += a[ia + k]! * b[ib1 + k]!;
  }
  pair[0] = s0 + s1 + (s2 + s3);
  pair[1] = t0 + t1 + (t2 + t3);
  return pair;
}

/** The k-th largest of values[0..count) (k >= 1), by quickselect; reorders values. */
function kthLargest(values: Float64Array, count: number, k: number): number {
  let lo = 0;
  let hi = count - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let a = lo;
    let b = hi;
    while (a <= b) {
      while (values[a]! > pivot) a++;
      while (values[b]! < pivot) b--;
      if (a <= b) {
        const t = values[a]!;
        values[a] = values[b]!;
        values[b] = t;
        a++;
        b--;
      }
    }
    if (want <= b) hi = b;
    else if (want >= a) lo = a;
    else return values[want]!;
  }
  return values[want]!;
}
