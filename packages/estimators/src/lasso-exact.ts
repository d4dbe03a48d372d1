// The exact lasso / elastic-net solution path by homotopy (LARS with the lasso modification): for
// a fixed L2 part the solution is piecewise linear in the L1 penalty, so following it from the
// all-zero solution down to each requested penalty, one kink (a feature entering or leaving the
// support) at a time, lands on the optimum itself rather than on an iterate stopped by a
// tolerance. Between kinks w_S = (X_S^T X_S + l2 I)^-1 (X_S^T y - l1 s); the factor is updated as
// features enter and leave. The kinks are found among a working set (the support plus the
// sequential strong rule's candidates); at each requested penalty the correlations of every
// feature are checked, and a penalty whose check finds a feature the working set missed is solved
// again from the previous penalty with that feature added.
import { dotRange } from './linalg.js';
import type { CdDesign } from './lasso.js';

/** Relative slack before a check counts a correlation above the penalty as a violation (rounding). */
const KKT_SLACK = 1e-9;
/** Every how many alphas of a path every feature's correlation is computed (the others are certified by a bound). */
const CHECK_EVERY = 4;
/** A candidate joins a step's working set when, along the step's first direction, it would reach the penalty within this many step lengths. */
const HORIZON = 2;

/**
 * out += sign * sum_k coef[k] X_(idx[k]) over the first m entries, eight columns per pass over out
 * (fewer loads and stores of out per multiply-add than four: about 1.3 times the throughput).
 */
function addColumns(out: Float64Array, cols: Float64Array, n: number, idx: Int32Array, coef: Float64Array, m: number, sign: number): void {
  let k = 0;
  for (; k + 7 < m; k += 8) {
    const c0 = sign * coef[k]!;
    const c1 = sign * coef[k + 1]!;
    const c2 = sign * coef[k + 2]!;
    const c3 = sign * coef[k + 3]!;
    const c4 = sign * coef[k + 4]!;
    const c5 = sign * coef[k + 5]!;
    const c6 = sign * coef[k + 6]!;
    const c7 = sign * coef[k + 7]!;
    const o0 = idx[k]! * n;
    const o1 = idx[k + 1]! * n;
    const o2 = idx[k + 2]! * n;
    const o3 = idx[k + 3]! * n;
    const o4 = idx[k + 4]! * n;
    const o5 = idx[k + 5]! * n;
    const o6 = idx[k + 6]! * n;
    const o7 = idx[k + 7]! * n;
    for (let i = 0; i < n; i++)
      out[i]! +=
        c0 * cols[o0 + i]! +
        c1 * cols[o1 + i]! +
        c2 * cols[o2 + i]! +
        c3 * cols[o3 + i]! +
        (c4 * cols[o4 + i]! + c5 * cols[o5 + i]! + c6 * cols[o6 + i]! + c7 * cols[o7 + i]!);
  }
  for (; k < m; k++) {
    const c = sign * coef[k]!;
    const o = idx[k]! * n;
    for (let i = 0; i < n; i++) out[i]! += c * cols[o + i]!;
  }
}

/**
 * out[k] = X_(idx[k])^T v[vOff .. vOff + n) for the first m entries of idx (all of cols' columns
 * in order when idx is null): eight columns per pass over v, each sum in row order, the rest one at
 * a time. The eight sums share the loads of v; with four the loop ran at about three quarters of
 * this speed.
 */
function dotColumns(
  out: Float64Array,
  cols: Float64Array,
  n: number,
  idx: Int32Array | null,
  m: number,
  v: Float64Array,
  vOff: number,
): void {
  let k = 0;
  for (; k + 7 < m; k += 8) {
    const o0 = idx ? idx[k]! * n : k * n;
    const o1 = idx ? idx[k + 1]! * n : o0 + n;
    const o2 = idx ? idx[k + 2]! * n : o1 + n;
    const o3 = idx ? idx[k + 3]! * n : o2 + n;
    const o4 = idx ? idx[k + 4]! * n : o3 + n;
    const o5 = idx ? idx[k + 5]! * n : o4 + n;
    const o6 = idx ? idx[k + 6]! * n : o5 + n;
    const o7 = idx ? idx[k + 7]! * n : o6 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let i = 0; i < n; i++) {
      const x = v[vOff + i]!;
      s0 += x * cols[o0 + i]!;
      s1 += x * cols[o1 + i]!;
      s2 += x * cols[o2 + i]!;
      s3 += x * cols[o3 + i]!;
      s4 += x * cols[o4 + i]!;
      s5 += x * cols[o5 + i]!;
      s6 += x * cols[o6 + i]!;
      s7 += x * cols[o7 + i]!;
    }
    out[k] = s0;
    out[k + 1] = s1;
    out[k + 2] = s2;
    out[k + 3] = s3;
    out[k + 4] = s4;
    out[k + 5] = s5;
    out[k + 6] = s6;
    out[k + 7] = s7;
  }
  for (; k < m; k++) out[k] = dotRange(cols, idx ? idx[k]! * n : k * n, v, vOff, n);
}

/** Counters of an exact path's work, for benchmarks and tests. */
export interface ExactPathStats {
  /** Kinks followed (features entering or leaving the support). */
  kinks: number;
  /** Correlation checks over every feature (one per requested penalty, plus one per redo). */
  checks: number;
  /** Steps solved again because the working set missed a feature. */
  redos: number;
  /** Correlations computed exactly at alphas between checks (where the bound was not enough). */
  certified: number;
}

interface Snapshot {
  lam: number;
  m: number;
  active: Int32Array;
  sign: Float64Array;
  wS: Float64Array;
  /** The factor packed by rows (row r: r + 1 values). */
  L: Float64Array;
  R: Float64Array;
  corr: Float64Array;
}

/**
 * The exact elastic-net path on one centred design and target. `solve(alpha, l1Ratio)` moves the
 * solution to that penalty: from the current one when the L2 part is unchanged and the L1 part is
 * not larger, otherwise from zero. The weights are the optimum up to rounding (checked by the
 * correlations of every feature at each solve); the objective is scikit-learn's
 *   1 / (2 n) ||y - X w||^2 + alpha * l1Ratio * ||w||_1 + alpha * (1 - l1Ratio) / 2 * ||w||^2.
 */
export class ExactEnetPath {
  /** Current weights (the solution of the last solve). */
  readonly w: Float64Array;
  /** Work done so far. */
  readonly stats: ExactPathStats = { kinks: 0, checks: 0, redos: 0, certified: 0 };
  private readonly D: CdDesign;
  private readonly yc: Float64Array;
  /** Residual yc - X w. */
  private readonly R: Float64Array;
  /** X^T R at the last check (exact), the strong rule's input. */
  private readonly corr: Float64Array;
  /** The L1 penalty (times n) of the current solution; Infinity before the first solve. */
  private lam = Infinity;
  /** The L2 penalty (times n) the current path is for. */
  private l2 = 0;
  /** Support: features, signs, and the Cholesky factor of X_S^T X_S + l2 I (row-major, stride cap). */
  private m = 0;
  private active: Int32Array;
  private sign: Float64Array;
  private L: Float64Array;
  private cap: number;
  /** Position in the support, or -1. */
  private readonly pos: Int32Array;
  private readonly colNorm: Float64Array;
  /** Working set outside the support: features, their columns (contiguous), correlations, slopes. */
  private q = 0;
  private wIdx: Int32Array;
  private wCol: Float64Array;
  private wC: Float64Array;
  private wA: Float64Array;
  /** Scratch: direction on the support (d), its image X_S d (u), and the factor's column. */
  private d: Float64Array;
  private readonly u: Float64Array;
  private z: Float64Array;
  /** L^-1 s (the forward half of the direction's solve), valid for the first yValid support positions. */
  private y: Float64Array;
  private yValid = 0;
  /** Scratch of a step's start: the candidates whose correlation is recomputed, their pool positions, and the values. */
  private readonly staleIdx: Int32Array;
  private readonly staleAt: Int32Array;
  private readonly staleC: Float64Array;

  /** A path on design D and centred targets yc, starting from w = 0. */
  constructor(D: CdDesign, yc: Float64Array) {
    if (yc.length !== D.n) throw new RangeError(`ExactEnetPath: yc has ${yc.length} values for ${D.n} rows`);
    this.D = D;
    this.yc = yc;
    const { n, p } = D;
    this.w = new Float64Array(p);
    this.R = Float64Array.from(yc);
    this.corr = new Float64Array(p);
    this.pos = new Int32Array(p).fill(-1);
    this.colNorm = Float64Array.from(D.norms, Math.sqrt);
    this.cap = Math.max(1, Math.min(p, n + 8));
    this.active = new Int32Array(this.cap);
    this.sign = new Float64Array(this.cap);
    this.L = new Float64Array(this.cap * this.cap);
    this.d = new Float64Array(this.cap);
    this.z = new Float64Array(this.cap);
    this.y = new Float64Array(this.cap);
    this.u = new Float64Array(n);
    this.staleIdx = new Int32Array(p);
    this.staleAt = new Int32Array(p);
    this.staleC = new Float64Array(p);
    const wcap = Math.min(p, 64);
    this.wIdx = new Int32Array(wcap);
    this.wCol = new Float64Array(wcap * n);
    this.wC = new Float64Array(wcap);
    this.wA = new Float64Array(wcap);
  }

  /** The support (indices of the nonzero weights, in the order they entered). */
  get support(): Int32Array {
    return this.active.slice(0, this.m);
  }

  /** Back to w = 0 for L2 penalty l2. */
  private reset(l2: number): void {
    for (let k = 0; k < this.m; k++) {
      this.w[this.active[k]!] = 0;
      this.pos[this.active[k]!] = -1;
    }
    this.m = 0;
    this.yValid = 0;
    this.R.set(this.yc);
    this.lam = Infinity;
    this.l2 = l2;
  }

  /** Every feature's correlation with the residual (one pass over X). */
  private checkAll(): void {
    const { n, p, cols } = this.D;
    dotColumns(this.corr, cols, n, null, p, this.R, 0);
    this.stats.checks++;
  }

  /** Solve at (alpha, l1Ratio) (alpha * l1Ratio > 0) from the current solution; returns the kinks followed. */
  solve(alpha: number, l1Ratio: number): number {
    const kinks0 = this.stats.kinks;
    this.solvePath(Float64Array.of(alpha), l1Ratio);
    return this.stats.kinks - kinks0;
  }

  /**
   * Solve at every alpha of a decreasing sequence (one l1Ratio), calling `visit(a, w)` with the
   * certified solution at each alpha a for which `wanted(a)` holds (all by default); w is this.w,
   * valid during the call. Every `checkEvery`-th alpha (and the last) is checked against every
   * feature; the alphas between two checks are certified from the two checks' correlations (the
   * residual's distance from the line between the two residuals bounds how far each correlation
   * can stray from the line between its two values), with an exact correlation where that bound is
   * not enough. A failed check or certificate solves the alphas since the previous check again
   * with the offending feature added to the working set.
   */
  solvePath(
    alphas: ArrayLike<number>,
    l1Ratio: number | ArrayLike<number>,
    visit?: (a: number, w: Float64Array) => void,
    wanted: (a: number) => boolean = () => true,
  ): void {
    const { n, p, norms, cols } = this.D;
    const checkEvery = CHECK_EVERY;
    const ratio = (a: number) => (typeof l1Ratio === 'number' ? l1Ratio : l1Ratio[a]!);
    const l1s = Array.from({ length: alphas.length }, (_, a) => alphas[a]! * ratio(a) * n);
    const l2 = alphas.length ? alphas[0]! * (1 - ratio(0)) * n : 0;
    for (let a = 0; a < alphas.length; a++) {
      if (!(l1s[a]! > 0) || !Number.isFinite(l1s[a]!))
        throw new RangeError(`ExactEnetPath: the L1 penalty must be > 0, got alpha ${alphas[a]}, l1Ratio ${ratio(a)}`);
      if (a > 0 && !(l1s[a]! < l1s[a - 1]!))
        throw new RangeError('ExactEnetPath: the L1 penalties alpha * l1Ratio must be strictly decreasing');
      if (Math.abs(alphas[a]! * (1 - ratio(a)) * n - l2) > 1e-12 * Math.max(l2, Number.MIN_VALUE))
        throw new RangeError('ExactEnetPath: every alpha of one path needs the same L2 penalty alpha * (1 - l1Ratio)');
    }
    if (alphas.length === 0) return;
    if (l2 !== this.l2 || l1s[0]! > this.lam) this.reset(l2);
    if (this.lam === Infinity) {
      this.checkAll();
      let top = 0;
      for (let j = 0; j < p; j++) if (norms[j]! > 0) top = Math.max(top, Math.abs(this.corr[j]!));
      this.lam = top;
    }
    let i = 0;
    // Above the largest correlation the solution is zero.
    for (; i < alphas.length && l1s[i]! >= this.lam; i++) if (visit && wanted(i)) visit(i, this.w);
    const limitOf = (l1: number) => l1 * (1 + KKT_SLACK);
    while (i < alphas.length) {
      const e = Math.min(i + checkEvery, alphas.length) - 1;
      const start = this.snapshot();
      const lamStart = this.lam;
      const forced = new Uint8Array(p);
      const residuals: Float64Array[] = [];
      const supports: Int32Array[] = [];
      const values: Float64Array[] = [];
      const checked: Int32Array[] = [];
      let blockRedos = 0;
      for (;;) {
        // Each feature's last exact correlation and the penalty it was computed at (the strong rule's input).
        const lastC = start.corr.slice();
        const lastLam = new Float64Array(p).fill(lamStart);
        let started = true;
        for (let b = i; b <= e && started; b++) {
          const done = this.segment(l1s[b]!, forced, lastC, lastLam);
          if (!done) {
            started = false;
            break;
          }
          checked[b - i] = done;
          residuals[b - i] = this.R.slice();
          supports[b - i] = this.active.slice(0, this.m);
          const sb = supports[b - i]!;
          const vb = new Float64Array(sb.length);
          for (let k = 0; k < sb.length; k++) vb[k] = this.w[sb[k]!]!;
          values[b - i] = vb;
        }
        if (!started) {
          if (++blockRedos > 50)
            throw new Error(
              `ExactEnetPath: no exact solution found at alpha ${alphas[i]} (degenerate design?); use solver "coordinate-descent"`,
            );
          this.stats.redos++;
          this.restore(start);
          continue;
        }
        this.checkAll();
        let missed = 0;
        const limitE = limitOf(l1s[e]!);
        for (let j = 0; j < p; j++) {
          if (this.pos[j]! >= 0 || norms[j] === 0 || Math.abs(this.corr[j]!) <= limitE) continue;
          forced[j] = 1;
          missed++;
        }
        // The alphas between the checks: correlations off the candidates, certified or computed.
        for (let b = i; b < e && missed === 0; b++) {
          if (!wanted(b)) continue;
          const t = (lamStart - l1s[b]!) / (lamStart - l1s[e]!);
          const Rb = residuals[b - i]!;
          let dist = 0;
          for (let r = 0; r < n; r++) dist += (Rb[r]! - ((1 - t) * start.R[r]! + t * this.R[r]!)) ** 2;
          dist = Math.sqrt(dist) * (1 + 1e-12) + 1e-300;
          const limit = limitOf(l1s[b]!);
          const skip = new Uint8Array(p);
          for (const j of supports[b - i]!) skip[j] = 1;
          for (const j of checked[b - i]!) skip[j] = 1;
          for (let j = 0; j < p; j++) {
            if (skip[j] || norms[j] === 0) continue;
            const line = Math.abs((1 - t) * start.corr[j]! + t * this.corr[j]!);
            if (line + this.colNorm[j]! * dist < l1s[b]!) continue;
            this.stats.certified++;
            if (Math.abs(dotRange(cols, j * n, Rb, 0, n)) > limit) {
              forced[j] = 1;
              missed++;
            }
          }
        }
        if (missed === 0) break;
        if (++blockRedos > 50)
          throw new Error(
            `ExactEnetPath: no exact solution found at alpha ${alphas[i]} (degenerate design?); use solver "coordinate-descent"`,
          );
        this.stats.redos++;
        this.restore(start);
      }
      for (let b = i; b <= e; b++) {
        if (!visit || !wanted(b)) continue;
        // The block's solutions were kept sparse; the current weights hold the last one.
        if (b < e) {
          const cur = this.support;
          for (const j of cur) this.w[j] = 0;
          const sb = supports[b - i]!;
          for (let k = 0; k < sb.length; k++) this.w[sb[k]!] = values[b - i]![k]!;
          visit(b, this.w);
          for (const j of sb) this.w[j] = 0;
          for (const j of cur) this.w[j] = values[e - i]![this.pos[j]!]!;
        } else visit(b, this.w);
      }
      i = e + 1;
    }
  }

  /**
   * Follow the path down to l1 among the support and a working set picked from the features the
   * sequential strong rule keeps (by each one's last exact correlation), then check those and the
   * support's features exactly; a feature the working set missed is added and the step repeated.
   * Returns the features checked (their correlations at l1 are within the penalty), or undefined
   * when the step's start turned out not to be optimal (the block is then solved again).
   */
  private segment(l1: number, forced: Uint8Array, lastC: Float64Array, lastLam: Float64Array): Int32Array | undefined {
    const { n, p, cols, norms } = this.D;
    const before = this.snapshot(false);
    const limit = l1 * (1 + KKT_SLACK);
    const pool: number[] = [];
    const poolC: number[] = [];
    const inPool = new Uint8Array(p);
    const checkList: number[] = [];
    const { staleIdx, staleAt, staleC } = this;
    let stale = 0;
    for (let j = 0; j < p; j++) {
      if (norms[j] === 0) continue;
      if (this.pos[j]! >= 0) {
        checkList.push(j);
        continue;
      }
      if (Math.abs(lastC[j]!) < l1 && !forced[j]) continue;
      if (lastLam[j] !== this.lam) {
        staleIdx[stale] = j;
        staleAt[stale++] = pool.length;
      }
      inPool[j] = 1;
      checkList.push(j);
      poolC.push(lastC[j]!);
      pool.push(j);
    }
    // The candidates whose last correlation is from another penalty: computed now, in one batch.
    if (stale > 0) {
      dotColumns(staleC, cols, n, staleIdx, stale, this.R, 0);
      for (let s = 0; s < stale; s++) poolC[staleAt[s]!] = staleC[s]!;
    }
    if (!this.startStep(pool, poolC, forced, l1)) return undefined;
    this.follow(l1);
    this.refine();
    const inactive = new Int32Array(checkList.length);
    const corrs = new Float64Array(checkList.length);
    for (let round = 0; ; round++) {
      if (round > 100 + this.D.n)
        throw new Error(
          `ExactEnetPath: no exact solution found at alpha ${l1 / this.D.n} (degenerate design?); use solver "coordinate-descent"`,
        );
      this.dropSignFlips();
      const missed: number[] = [];
      const missedC: number[] = [];
      let q = 0;
      for (const j of checkList) if (this.pos[j]! < 0) inactive[q++] = j;
      dotColumns(corrs, cols, n, inactive, q, this.R, 0);
      for (let k = 0; k < q; k++) {
        const j = inactive[k]!;
        const c = corrs[k]!;
        lastC[j] = c;
        lastLam[j] = l1;
        if (Math.abs(c) > limit) {
          missed.push(j);
          missedC.push(c);
        }
      }
      if (missed.length === 0) return Int32Array.from(checkList);
      this.stats.redos++;
      // Bring each missed feature in at l1 by lowering its own penalty from its correlation.
      let fixed = round < 20;
      for (let k = 0; k < missed.length && fixed; k++) {
        const j = missed[k]!;
        const c = k === 0 ? missedC[k]! : dotRange(cols, j * n, this.R, 0, n);
        if (Math.abs(c) <= limit) continue;
        for (let i = 0; i < this.q; i++) if (this.wIdx[i] === j) this.popWorking(i);
        fixed = this.addActive(j, Math.sign(c)) && this.follow(l1, j, Math.abs(c));
      }
      for (const j of missed) {
        forced[j] = 1;
        if (!inPool[j]) {
          inPool[j] = 1;
          pool.push(j);
          poolC.push(NaN);
        }
      }
      if (!fixed) {
        // Solve the step again from its start with the missed features in the working set.
        this.restore(before);
        for (let i = 0; i < pool.length; i++) if (Number.isNaN(poolC[i])) poolC[i] = dotRange(cols, pool[i]! * n, this.R, 0, n);
        if (!this.startStep(pool, poolC, forced, l1)) return undefined;
        this.follow(l1);
      }
      this.refine();
    }
  }

  /** The state a redo returns to. */
  private snapshot(withCorr = true): Snapshot {
    const { m } = this;
    return {
      lam: this.lam,
      m,
      active: this.active.slice(0, m),
      sign: this.sign.slice(0, m),
      wS: Float64Array.from(this.active.subarray(0, m), (j) => this.w[j]!),
      L: this.packFactor(),
      R: this.R.slice(),
      corr: withCorr ? this.corr.slice() : this.corr,
    };
  }

  /** The factor's rows, each up to its diagonal, one after another. */
  private packFactor(): Float64Array {
    const { m, cap, L } = this;
    const out = new Float64Array((m * (m + 1)) / 2);
    for (let r = 0, o = 0; r < m; o += r + 1, r++) out.set(L.subarray(r * cap, r * cap + r + 1), o);
    return out;
  }

  private restore(s: Snapshot): void {
    for (let k = 0; k < this.m; k++) {
      this.w[this.active[k]!] = 0;
      this.pos[this.active[k]!] = -1;
    }
    this.m = s.m;
    this.yValid = 0;
    this.lam = s.lam;
    this.active.set(s.active);
    this.sign.set(s.sign);
    for (let k = 0; k < s.m; k++) {
      this.w[s.active[k]!] = s.wS[k]!;
      this.pos[s.active[k]!] = k;
    }
    for (let r = 0, o = 0; r < s.m; o += r + 1, r++) this.L.set(s.L.subarray(o, o + r + 1), r * this.cap);
    this.R.set(s.R);
    if (s.corr !== this.corr) this.corr.set(s.corr);
  }

  /** The direction at the current support: d = (X_S^T X_S + l2 I)^-1 s (s restricted to one position when only >= 0) and u = X_S d. */
  private direction(only = -1): void {
    const { n, cols } = this.D;
    const { d, u, active, sign, m } = this;
    // Every penalty falling (only < 0), or only that support position's.
    if (only < 0) {
      // L y = s: the entries before yValid still hold (rows only ever join the factor at its end).
      const { L, cap, y } = this;
      for (let i = this.yValid; i < m; i++) {
        const o = i * cap;
        y[i] = (sign[i]! - dotRange(L, o, y, 0, i)) / L[o + i]!;
      }
      this.yValid = m;
      d.set(y.subarray(0, m));
      this.backSolve(d);
    } else {
      for (let k = 0; k < m; k++) d[k] = k === only ? sign[k]! : 0;
      this.cholSolve(d);
    }
    u.fill(0);
    addColumns(u, cols, n, active, d, m, 1);
  }

  /**
   * The working set for one step down to l1: candidates whose correlation, moving along the current
   * direction, would reach the penalty within KAPPA times the step, and every feature in forced.
   */
  private selectWorking(pool: readonly number[], poolC: readonly number[], forced: Uint8Array, l1: number): void {
    const { n, cols } = this.D;
    const { u, lam } = this;
    this.direction();
    const horizon = HORIZON * (lam - l1);
    const idx = new Int32Array(pool.length);
    const at = new Int32Array(pool.length);
    let q = 0;
    for (let i = 0; i < pool.length; i++) {
      if (this.pos[pool[i]!]! >= 0) continue;
      idx[q] = pool[i]!;
      at[q++] = i;
    }
    const slopes = new Float64Array(q);
    dotColumns(slopes, cols, n, idx, q, u, 0);
    this.q = 0;
    for (let k = 0; k < q; k++) {
      const j = idx[k]!;
      const c = poolC[at[k]!]!;
      const a = slopes[k]!;
      let t = Infinity;
      if (a < 1) t = (lam - c) / (1 - a);
      if (a > -1) t = Math.min(t, (lam + c) / (1 + a));
      if (t <= horizon || forced[j]) this.pushWorking(j, c);
    }
  }

  /**
   * The working set for a step, and the step's start made optimal for it: a working feature whose
   * correlation already exceeds the current penalty (between two checks, the start was certified
   * for fewer features) enters by lowering its own penalty to the current one. False if that
   * fails; the feature is then in forced.
   */
  private startStep(pool: readonly number[], poolC: readonly number[], forced: Uint8Array, l1: number): boolean {
    this.selectWorking(pool, poolC, forced, l1);
    const limit = this.lam * (1 + KKT_SLACK);
    for (let i = 0; i < this.q; i++) {
      const c = this.wC[i]!;
      if (Math.abs(c) <= limit) continue;
      const j = this.wIdx[i]!;
      forced[j] = 1;
      this.popWorking(i);
      if (!this.addActive(j, Math.sign(c)) || !this.follow(this.lam, j, Math.abs(c))) return false;
      this.stats.redos++;
      i = -1;
    }
    return true;
  }

  /** Append feature j (correlation c) to the working set outside the support. */
  private pushWorking(j: number, c: number): void {
    const n = this.D.n;
    if (this.q === this.wIdx.length) {
      const cap = Math.min(this.D.p, this.wIdx.length * 2);
      const idx = new Int32Array(cap);
      idx.set(this.wIdx);
      this.wIdx = idx;
      const col = new Float64Array(cap * n);
      col.set(this.wCol);
      this.wCol = col;
      const wc = new Float64Array(cap);
      wc.set(this.wC);
      this.wC = wc;
      this.wA = new Float64Array(cap);
    }
    this.wIdx[this.q] = j;
    this.wCol.set(this.D.cols.subarray(j * n, (j + 1) * n), this.q * n);
    this.wC[this.q] = c;
    this.q++;
  }

  /** Remove working-set entry i (the last one takes its place). */
  private popWorking(i: number): void {
    const n = this.D.n;
    const last = --this.q;
    if (i === last) return;
    this.wIdx[i] = this.wIdx[last]!;
    this.wC[i] = this.wC[last]!;
    this.wA[i] = this.wA[last]!;
    this.wCol.copyWithin(i * n, last * n, (last + 1) * n);
  }

  /** Grow the support's arrays to capacity cap. */
  private grow(cap: number): void {
    const L = new Float64Array(cap * cap);
    for (let r = 0; r < this.m; r++) L.set(this.L.subarray(r * this.cap, r * this.cap + r + 1), r * cap);
    this.L = L;
    const act = new Int32Array(cap);
    act.set(this.active.subarray(0, Math.min(cap, this.active.length)));
    this.active = act;
    const sg = new Float64Array(cap);
    sg.set(this.sign.subarray(0, Math.min(cap, this.sign.length)));
    this.sign = sg;
    this.d = new Float64Array(cap);
    this.z = new Float64Array(cap);
    const y = new Float64Array(cap);
    y.set(this.y.subarray(0, this.yValid));
    this.y = y;
    this.cap = cap;
  }

  /** L L^T x = b in place (the support's system). */
  private cholSolve(b: Float64Array): void {
    const { L, cap, m } = this;
    for (let i = 0; i < m; i++) {
      const o = i * cap;
      b[i] = (b[i]! - dotRange(L, o, b, 0, i)) / L[o + i]!;
    }
    this.backSolve(b);
  }

  /** L^T x = b in place. */
  private backSolve(b: Float64Array): void {
    const { L, cap, m } = this;
    // L^T x = y by columns of L^T (rows of L), so the inner loop runs along contiguous memory;
    // four rows at a time: their 4 x 4 triangle first, then one pass over b[0..k-3) subtracts all
    // four (a quarter of the loads and stores of b).
    let k = m - 1;
    for (; k >= 3; k -= 4) {
      const o0 = k * cap;
      const o1 = o0 - cap;
      const o2 = o1 - cap;
      const o3 = o2 - cap;
      const x0 = b[k]! / L[o0 + k]!;
      const x1 = (b[k - 1]! - L[o0 + k - 1]! * x0) / L[o1 + k - 1]!;
      const x2 = (b[k - 2]! - L[o0 + k - 2]! * x0 - L[o1 + k - 2]! * x1) / L[o2 + k - 2]!;
      const x3 = (b[k - 3]! - L[o0 + k - 3]! * x0 - L[o1 + k - 3]! * x1 - L[o2 + k - 3]! * x2) / L[o3 + k - 3]!;
      b[k] = x0;
      b[k - 1] = x1;
      b[k - 2] = x2;
      b[k - 3] = x3;
      for (let i = 0; i < k - 3; i++) b[i]! -= L[o0 + i]! * x0 + L[o1 + i]! * x1 + (L[o2 + i]! * x2 + L[o3 + i]! * x3);
    }
    for (; k >= 0; k--) {
      const o = k * cap;
      const x = b[k]! / L[o + k]!;
      b[k] = x;
      for (let i = 0; i < k; i++) b[i]! -= L[o + i]! * x;
    }
  }

  /** Add feature j with sign s to the support (the factor gains a row); false if it is dependent on the support. */
  private addActive(j: number, s: number): boolean {
    const { n, cols, norms } = this.D;
    if (this.m === this.cap) this.grow(Math.min(this.D.p, this.cap * 2));
    const { L, cap, m, z, active } = this;
    dotColumns(z, cols, n, active, m, cols, j * n);
    // Forward substitution L z' = z, row m of the factor.
    let zz = 0;
    for (let i = 0; i < m; i++) {
      const o = i * cap;
      const v = (z[i]! - dotRange(L, o, z, 0, i)) / L[o + i]!;
      z[i] = v;
      zz += v * v;
    }
    const diag = norms[j]! + this.l2;
    const dd = diag - zz;
    if (!(dd > 1e-12 * diag)) return false;
    const o = m * cap;
    for (let i = 0; i < m; i++) L[o + i] = z[i]!;
    L[o + m] = Math.sqrt(dd);
    active[m] = j;
    this.sign[m] = s;
    this.pos[j] = m;
    this.m++;
    return true;
  }

  /** Remove support position k (Givens rotations restore the factor's triangle). */
  private dropActive(k: number): void {
    const { L, cap, active, sign, pos } = this;
    const m = this.m;
    pos[active[k]!] = -1;
    // Rows below k move up one; each then has one entry right of its diagonal, rotated away.
    for (let r = k; r < m - 1; r++) {
      L.copyWithin(r * cap, (r + 1) * cap, (r + 1) * cap + r + 2);
      active[r] = active[r + 1]!;
      sign[r] = sign[r + 1]!;
      pos[active[r]!] = r;
    }
    for (let i = k; i < m - 1; i++) {
      const a = L[i * cap + i]!;
      const b = L[i * cap + i + 1]!;
      const h = Math.hypot(a, b);
      const c = a / h;
      const s = b / h;
      L[i * cap + i] = h;
      L[i * cap + i + 1] = 0;
      for (let r = i + 1; r < m - 1; r++) {
        const x = L[r * cap + i]!;
        const y = L[r * cap + i + 1]!;
        L[r * cap + i] = c * x + s * y;
        L[r * cap + i + 1] = c * y - s * x;
      }
    }
    this.m--;
    // Rows from k on changed.
    this.yValid = Math.min(this.yValid, k);
  }

  /**
   * Follow the path down to l1 among the support and the working set. With fix < 0 every penalty
   * falls from the current one (the path itself); otherwise only support feature fix's own penalty
   * falls, from fixLam to the current penalty l1, the others staying at l1: that brings a feature
   * the working set missed into the solution at l1 without solving the step again. Returns false
   * if feature fix leaves the support on the way (the caller then solves the step again).
   */
  private follow(l1: number, fix = -1, fixLam = 0): boolean {
    const { n } = this.D;
    const { w, R, u } = this;
    // The penalty that moves, and how fast the working features' bounds move with it.
    let lam = fix < 0 ? this.lam : fixLam;
    const rate = fix < 0 ? 1 : 0;
    const bound = this.lam;
    let justDropped = -1;
    let justAdded = -1;
    while (lam > l1) {
      const m = this.m;
      const { d, active, sign } = this;
      // How w_S (d) and the fit (u) move as the penalty falls.
      this.direction(fix < 0 ? -1 : this.pos[fix]!);
      let step = lam - l1;
      let event = 0; // 1: a working feature enters, -1: a support feature leaves
      let which = -1;
      let enterSign = 0;
      const { wCol, wC, wA } = this;
      const edge = fix < 0 ? lam : bound;
      dotColumns(wA, wCol, n, null, this.q, u, 0);
      for (let i = 0; i < this.q; i++) {
        const a = wA[i]!;
        if (this.wIdx[i] === justDropped) continue;
        const c = wC[i]!;
        // c - t a reaches +(edge - t rate) or -(edge - t rate).
        if (rate - a > 0) {
          const t = Math.max(0, (edge - c) / (rate - a));
          if (t < step) {
            step = t;
            event = 1;
            which = i;
            enterSign = 1;
          }
        }
        if (rate + a > 0) {
          const t = Math.max(0, (edge + c) / (rate + a));
          if (t < step) {
            step = t;
            event = 1;
            which = i;
            enterSign = -1;
          }
        }
      }
      for (let k = 0; k < m; k++) {
        const dk = d[k]!;
        if (dk === 0 || active[k] === justAdded) continue;
        const t = -w[active[k]!]! / dk;
        if (t > 0 && t < step) {
          step = t;
          event = -1;
          which = k;
        }
      }
      for (let k = 0; k < m; k++) w[active[k]!]! += step * d[k]!;
      for (let i = 0; i < n; i++) R[i]! -= step * u[i]!;
      for (let i = 0; i < this.q; i++) wC[i]! -= step * wA[i]!;
      lam = event === 0 ? l1 : lam - step;
      if (fix < 0) this.lam = lam;
      justDropped = -1;
      justAdded = -1;
      if (event === 1) {
        const j = this.wIdx[which]!;
        this.popWorking(which);
        if (!this.addActive(j, enterSign)) {
          // j is a combination of the support (a full support, or a copy of a feature): it cannot
          // enter; its correlation is checked at the end of the step like any other feature's.
          if (fix >= 0) return false;
          continue;
        }
        justAdded = j;
        this.stats.kinks++;
      } else if (event === -1) {
        const j = active[which]!;
        const s = sign[which]!;
        w[j] = 0;
        this.dropActive(which);
        this.pushWorking(j, s * (fix < 0 ? lam : bound));
        justDropped = j;
        this.stats.kinks++;
        if (j === fix) return false;
      }
    }
    return true;
  }

  /** Support features whose weight has the wrong sign after a refinement (rounding at a near-zero weight) leave the support. */
  private dropSignFlips(): void {
    for (let k = this.m - 1; k >= 0; k--) {
      const j = this.active[k]!;
      const s = this.sign[k]!;
      if (this.w[j]! * s >= 0) continue;
      this.w[j] = 0;
      this.dropActive(k);
      this.pushWorking(j, s * this.lam);
      this.refine();
      k = this.m;
    }
  }

  /** One step of iterative refinement on the support at the current penalty (removes the drift of many kinks). */
  private refine(): void {
    const { n, cols } = this.D;
    const { w, R, d, z, active, sign, m, l2, lam, yc } = this;
    R.set(yc);
    for (let k = 0; k < m; k++) z[k] = w[active[k]!]!;
    addColumns(R, cols, n, active, z, m, -1);
    dotColumns(d, cols, n, active, m, R, 0);
    for (let k = 0; k < m; k++) d[k] = d[k]! - l2 * z[k]! - lam * sign[k]!;
    this.cholSolve(d);
    for (let k = 0; k < m; k++) w[active[k]!]! += d[k]!;
    addColumns(R, cols, n, active, d, m, -1);
  }
}
