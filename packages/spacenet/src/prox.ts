// Proximal operators of the SpaceNet penalties.
//
// TV-L1: prox of lambda * (rho * ||w||_1 + (1 - rho) * TV(w)). Writing the penalty as
// lambda * h(K w) with K w = [(1 - rho) grad w ; rho w] and h the sum of per-voxel l2 norms of
// the spatial part plus the absolute values of the last part, the prox is w = z - lambda K^T u
// where u solves the dual  min_u 0.5 ||z - lambda K^T u||^2  over the product of unit balls.
// That dual is smooth with a box-like constraint, so it is solved by FISTA with projections.
// The dual variable is kept between calls: consecutive outer iterations ask for nearly the same
// prox, so a few warm-started inner iterations are enough.
import { divergence, gradient, type NeighbourTables } from './geometry.js';

export function softThreshold(z: Float64Array, threshold: number, out: Float64Array): void {
  for (let j = 0; j < z.length; j++) {
    const v = z[j]!;
    out[j] = v > threshold ? v - threshold : v < -threshold ? v + threshold : 0;
  }
}

export class TvL1Prox {
  private readonly n: number;
  /** Dual variable: 3 spatial components then the l1 component, each of length n. */
  private readonly u: Float64Array;
  private readonly y: Float64Array;
  private readonly spatial: Float64Array;
  private readonly div: Float64Array;
  private readonly primal: Float64Array;
  private readonly kNormSq: number;

  constructor(
    private readonly tables: NeighbourTables,
    private readonly l1Ratio: number,
    gradNormSq: number,
  ) {
    const n = tables.nFeatures;
    this.n = n;
    this.u = new Float64Array(4 * n);
    this.y = new Float64Array(4 * n);
    this.spatial = new Float64Array(3 * n);
    this.div = new Float64Array(n);
    this.primal = new Float64Array(n);
    this.kNormSq = (1 - l1Ratio) ** 2 * gradNormSq + l1Ratio ** 2;
  }

  /** out = z - lambda * K^T dual */
  private primalFromDual(z: Float64Array, lambda: number, dual: Float64Array, out: Float64Array): void {
    const n = this.n;
    const a = 1 - this.l1Ratio;
    const r = this.l1Ratio;
    // K^T [g; h] = -(1 - rho) div g + rho h
    divergence(this.tables, dual.subarray(0, 3 * n), this.div);
    for (let v = 0; v < n; v++) out[v] = z[v]! - lambda * (-a * this.div[v]! + r * dual[3 * n + v]!);
  }

  /**
   * Approximate prox at z with weight lambda, at most `maxIter` dual iterations, stopping when
   * the primal estimate moves by less than tol (relative, max norm).
   */
  apply(z: Float64Array, lambda: number, out: Float64Array, maxIter = 30, tol = 1e-5): number {
    const n = this.n;
    if (lambda <= 0) {
      out.set(z);
      return 0;
    }
    const a = 1 - this.l1Ratio;
    const r = this.l1Ratio;
    const step = 1 / (lambda * this.kNormSq);
    const { u, y, spatial, primal } = this;
    y.set(u);
    let t = 1;
    let it = 0;
    for (; it < maxIter; it++) {
      // Gradient step on the dual at the extrapolated point y, then projection.
      this.primalFromDual(z, lambda, y, primal);
      gradient(this.tables, primal, spatial);
      const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const beta = (t - 1) / tNext;
      t = tNext;
      let change = 0;
      // Projection onto the unit balls, fused with the momentum update of y.
      for (let v = 0; v < n; v++) {
        let g0 = y[v]! + step * a * spatial[v]!;
        let g1 = y[n + v]! + step * a * spatial[n + v]!;
        let g2 = y[2 * n + v]! + step * a * spatial[2 * n + v]!;
        const norm = Math.sqrt(g0 * g0 + g1 * g1 + g2 * g2);
        if (norm > 1) {
          g0 /= norm;
          g1 /= norm;
          g2 /= norm;
        }
        const h = y[3 * n + v]! + step * r * primal[v]!;
        const hc = h > 1 ? 1 : h < -1 ? -1 : h;
        const d0 = g0 - u[v]!;
        const d1 = g1 - u[n + v]!;
        const d2 = g2 - u[2 * n + v]!;
        const d3 = hc - u[3 * n + v]!;
        const d = Math.max(Math.abs(d0), Math.abs(d1), Math.abs(d2), Math.abs(d3));
        if (d > change) change = d;
        u[v] = g0;
        u[n + v] = g1;
        u[2 * n + v] = g2;
        u[3 * n + v] = hc;
        y[v] = g0 + beta * d0;
        y[n + v] = g1 + beta * d1;
        y[2 * n + v] = g2 + beta * d2;
        y[3 * n + v] = hc + beta * d3;
      }
      // The dual lives in unit balls, so an absolute change is a relative one.
      if (change <= tol) {
        it++;
        break;
      }
    }
    this.primalFromDual(z, lambda, u, out);
    // Optimality: a non-zero coordinate saturates its l1 dual (|u| = 1, which the projection
    // sets exactly). Coordinates whose l1 dual is inside the ball are zero in the exact prox; the
    // dual iteration only approaches that zero, so it is set here (this is where sparsity comes
    // from).
    for (let v = 0; v < n; v++) if (Math.abs(u[3 * n + v]!) < 1) out[v] = 0;
    return it;
  }

  /** Forget the dual state (e.g. when the data or penalty change). */
  reset(): void {
    this.u.fill(0);
  }
}
