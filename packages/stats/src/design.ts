// The mass-univariate GLM of nilearn's permuted_ols: one tested variable, optional confounds, an
// intercept added unless the tested variable is the intercept (model_intercept), everything
// normalised so a t statistic is two dot products per voxel:
//   targets y (per voxel, unit norm, confounds regressed out), tested x (unit norm, orthogonal to
//   the confounds), orthonormal confounds Z;  b = y.x,  a2 = |y.Z|^2,  t = b sqrt(dof / (1 - a2 - b^2)).
// Intercept tests permute by flipping the signs of the subjects' rows; other tests shuffle the rows
// of x and Z together (Freedman & Lane's scheme as nilearn implements it).

/** The design of a group test, as {@link buildDesign} takes it: one row per subject map. */
export interface DesignInput {
  /** Number of subjects (rows). */
  n: number;
  /** The tested variable (default: a column of ones, the group mean). */
  tested?: ArrayLike<number>;
  /** Confounding variables, one array of n values per column. */
  confounds?: readonly ArrayLike<number>[];
  /** Add an intercept to the confounds unless the test is already on the intercept (default true). */
  modelIntercept?: boolean;
}

/**
 * A design ready for the permutation kernel: the tested variable and confounds orthonormalised so a
 * voxel's t statistic is two dot products (see {@link prepareTargets}).
 */
export interface Design {
  /** Number of subjects (rows). */
  n: number;
  /** True: permute by sign flips (the tested variable is the intercept); false: shuffle rows. */
  interceptTest: boolean;
  /** Tested variable, unit norm, orthogonal to the confounds. */
  x: Float64Array;
  /** Orthonormal confound columns. */
  Z: Float64Array[];
  /** Residual degrees of freedom of the t statistic: n - 1 - columns of Z. */
  dof: number;
}

const isConstant = (col: ArrayLike<number>): boolean => {
  for (let i = 1; i < col.length; i++) if (col[i] !== col[0]) return false;
  return true;
};

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Orthonormal basis of the columns' span (modified Gram-Schmidt, twice; rank-deficient columns dropped). */
export function orthonormalize(cols: readonly ArrayLike<number>[], n: number): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const col of cols) {
    const v = Float64Array.from(col);
    const norm0 = Math.sqrt(dot(v, v));
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        const c = dot(v, q);
        for (let i = 0; i < n; i++) v[i]! -= c * q[i]!;
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm <= 1e-10 * norm0) continue;
    for (let i = 0; i < n; i++) v[i]! /= norm;
    basis.push(v);
  }
  return basis;
}

/**
 * Build the design of nilearn's `permuted_ols`: a single intercept is kept across the tested
 * variable and the confounds, an intercept is added to the confounds when `modelIntercept` and the
 * test is not on the intercept, the confounds are orthonormalised and the tested variable is
 * orthogonalised against them and scaled to unit norm. A constant tested variable (or one constant
 * confound with a non-constant tested variable) makes it a sign-flip test.
 * @throws Error naming `subjects`, `tested`, `confounds[j]` or `design` for fewer than 2 maps, a
 * column of the wrong length or with non-finite values, an all-zero tested variable, one explained
 * by the confounds, or no residual degree of freedom.
 */
export function buildDesign(input: DesignInput): Design {
  const { n } = input;
  if (!Number.isInteger(n) || n < 2) throw new Error(`subjects: need at least 2 maps, got ${n}`);
  const tested = input.tested ?? new Float64Array(n).fill(1);
  if (tested.length !== n) throw new Error(`tested: expected ${n} values (one per map), got ${tested.length}`);
  let confounds = (input.confounds ?? []).slice();
  confounds.forEach((c, j) => {
    if (c.length !== n) throw new Error(`confounds[${j}]: expected ${n} values (one per map), got ${c.length}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(c[i]!)) throw new Error(`confounds[${j}]: value ${i + 1} is not a finite number`);
  });
  let interceptTest = isConstant(tested);
  if (interceptTest && tested[0] === 0) throw new Error('tested: the tested variable is all zeros');
  let modelIntercept = input.modelIntercept ?? true;
  // nilearn: keep a single intercept across tested and confounding variables.
  const constants = confounds.map((c, j) => (isConstant(c) ? j : -1)).filter((j) => j >= 0);
  if ((interceptTest && constants.length === 1) || constants.length > 1) {
    confounds = confounds.filter((_c, j) => !constants.includes(j));
    modelIntercept = true;
  } else if (!interceptTest && constants.length === 1) {
    interceptTest = true;
  }
  if (modelIntercept && !interceptTest) confounds.push(new Float64Array(n).fill(1));
  const Z = orthonormalize(confounds, n);
  const x = Float64Array.from(tested);
  for (const q of Z) {
    const c = dot(x, q);
    for (let i = 0; i < n; i++) x[i]! -= c * q[i]!;
  }
  const norm = Math.sqrt(dot(x, x));
  if (!(norm > 1e-10)) throw new Error('tested: the tested variable is explained by the confounds');
  for (let i = 0; i < n; i++) x[i]! /= norm;
  const dof = n - 1 - Z.length;
  if (dof < 1) throw new Error(`design: ${n} maps leave no degrees of freedom for ${Z.length} confound columns`);
  return { n, interceptTest, x, Z, dof };
}

/**
 * Targets ready for the t statistic: each voxel's column (rows = subjects, Y[i * V + v]) scaled to
 * unit norm, the confounds regressed out, scaled again. A voxel whose values are all 0 stays 0
 * (its t is 0; nilearn would give NaN).
 */
export function prepareTargets(Y: ArrayLike<number>, n: number, design: Design, float32 = false): Float64Array {
  const V = Y.length / n;
  const out = Float64Array.from(Y);
  const normalise = () => {
    if (float32) return normaliseFloat32(out, n, V);
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += out[i * V + v]! ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let i = 0; i < n; i++) out[i * V + v]! *= inv;
    }
  };
  normalise();
  if (design.Z.length > 0) {
    for (const q of design.Z) {
      for (let v = 0; v < V; v++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += out[i * V + v]! * q[i]!;
        for (let i = 0; i < n; i++) out[i * V + v]! -= c * q[i]!;
      }
    }
    normalise();
  }
  return out;
}

/**
 * nilearn's first normalisation on float32 maps, step by step in float32: squares, numpy's
 * pairwise sum over the subjects (8 accumulators), square root, division. It makes the t maps
 * agree with nilearn's to ~1e-14 instead of ~1e-7, which matters only where TFCE or a cluster
 * threshold sits exactly on a value (TFCE heights land within 1e-15 of the map's maximum).
 */
function normaliseFloat32(out: Float64Array, n: number, V: number): void {
  const f = Math.fround;
  const acc = new Float64Array(8);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < n; i++) out[i * V + v] = f(out[i * V + v]!);
    const sq = (i: number) => f(out[i * V + v]! * out[i * V + v]!);
    let total: number;
    if (n < 8) {
      total = 0;
      for (let i = 0; i < n; i++) total = f(total + sq(i));
    } else {
      for (let j = 0; j < 8; j++) acc[j] = sq(j);
      const blocks = n - (n % 8);
      for (let i = 8; i < blocks; i += 8) for (let j = 0; j < 8; j++) acc[j] = f(acc[j]! + sq(i + j));
      total = f(f(f(acc[0]! + acc[1]!) + f(acc[2]! + acc[3]!)) + f(f(acc[4]! + acc[5]!) + f(acc[6]! + acc[7]!)));
      for (let i = blocks; i < n; i++) total = f(total + sq(i));
    }
    const norm = f(Math.sqrt(total));
    for (let i = 0; i < n; i++) out[i * V + v] = norm > 0 ? f(out[i * V + v]! / norm) : 0;
  }
}

/** t from the dot products b = y.x and a2 = |y.Z|^2. */
export function tFromDots(b: number, a2: number, dof: number): number {
  const rss = 1 - a2 - b * b;
  if (b === 0) return 0;
  return b * Math.sqrt(dof / (rss > 1e-300 ? rss : 1e-300));
}
