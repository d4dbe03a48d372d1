// The spatial structure of the features: which columns of X are 3-D neighbours. Gradient,
// divergence, TV and the graph Laplacian act on this mask graph (forward differences along i, j
// and k between voxels that are both in the mask), so voxels on the mask border are not pulled
// towards the zero background.

/** The mask's grid and the voxel behind each feature column, for the spatial penalties. */
export interface MaskGeometry {
  /** Grid shape [nx, ny, nz]. */
  shape: [number, number, number];
  /** Linear index (C order: i slowest) of the voxel behind each feature column. */
  indices: Int32Array;
  /** Voxel size in mm when known (used by the screening-percentile adjustment). */
  zooms?: [number, number, number];
}

/** Forward-neighbour tables of the mask graph for the kept feature columns. */
export interface NeighbourTables {
  nFeatures: number;
  /** next[d * n + v] = column of the forward neighbour of v along axis d, or -1. */
  next: Int32Array;
  /** prev[d * n + v] = column whose forward neighbour along axis d is v, or -1. */
  prev: Int32Array;
  /** Number of neighbours of each column (the degree in the mask graph). */
  degree: Int32Array;
}

export function checkGeometry(geom: MaskGeometry, nFeatures: number, arg = 'maskIndices'): void {
  const [nx, ny, nz] = geom.shape;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`maskShape: expected three positive integers, got [${geom.shape.join(', ')}]`);
  }
  if (geom.indices.length === 0) throw new Error(`${arg}: the mask has no voxels`);
  if (geom.indices.length !== nFeatures) {
    throw new Error(`${arg}: ${geom.indices.length} mask voxels do not match the ${nFeatures} columns of X`);
  }
  const total = nx * ny * nz;
  const seen = new Uint8Array(total);
  for (const idx of geom.indices) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= total)
      throw new Error(`${arg}: index ${idx} is outside the grid [${nx}, ${ny}, ${nz}]`);
    if (seen[idx]) throw new Error(`${arg}: voxel ${idx} appears twice`);
    seen[idx] = 1;
  }
}

/** Features laid out on a line (used when no mask geometry is given). */
export function lineGeometry(nFeatures: number): MaskGeometry {
  return { shape: [Math.max(1, nFeatures), 1, 1], indices: Int32Array.from({ length: nFeatures }, (_, i) => i) };
}

/** Neighbour tables for the subset `columns` of the geometry's voxels (e.g. after screening). */
export function neighbourTables(geom: MaskGeometry, columns?: ArrayLike<number>): NeighbourTables {
  const [nx, ny, nz] = geom.shape;
  const cols = columns ?? Int32Array.from({ length: geom.indices.length }, (_, i) => i);
  const n = cols.length;
  const total = nx * ny * nz;
  // Voxel -> column lookup; a Map keeps memory small when the grid is large and the mask sparse.
  const useArray = total <= 64 * 1024 * 1024;
  const lookupArr = useArray ? new Int32Array(total).fill(-1) : undefined;
  const lookupMap = useArray ? undefined : new Map<number, number>();
  for (let c = 0; c < n; c++) {
    const lin = geom.indices[cols[c]!]!;
    if (lookupArr) lookupArr[lin] = c;
    else lookupMap!.set(lin, c);
  }
  const find = (lin: number): number => (lookupArr ? lookupArr[lin]! : (lookupMap!.get(lin) ?? -1));
  const next = new Int32Array(3 * n).fill(-1);
  const prev = new Int32Array(3 * n).fill(-1);
  const degree = new Int32Array(n);
  const strides = [ny * nz, nz, 1];
  for (let c = 0; c < n; c++) {
    const lin = geom.indices[cols[c]!]!;
    const i = Math.floor(lin / (ny * nz));
    const j = Math.floor(lin / nz) % ny;
    const k = lin % nz;
    const coord = [i, j, k];
    const size = [nx, ny, nz];
    for (let d = 0; d < 3; d++) {
      if (coord[d]! + 1 >= size[d]!) continue;
      const other = find(lin + strides[d]!);
      if (other < 0) continue;
      next[d * n + c] = other;
      prev[d * n + other] = c;
      degree[c]!++;
      degree[other]!++;
    }
  }
  return { nFeatures: n, next, prev, degree };
}

/** grad[d * n + v] = w[next_d(v)] - w[v] where the neighbour exists, else 0. */
export function gradient(t: NeighbourTables, w: Float64Array, grad: Float64Array): void {
  const n = t.nFeatures;
  for (let d = 0; d < 3; d++) {
    const off = d * n;
    for (let v = 0; v < n; v++) {
      const nb = t.next[off + v]!;
      grad[off + v] = nb >= 0 ? w[nb]! - w[v]! : 0;
    }
  }
}

/** The negative adjoint of `gradient` (so that <grad w, g> = -<w, div g>). */
export function divergence(t: NeighbourTables, g: Float64Array, out: Float64Array): void {
  const n = t.nFeatures;
  out.fill(0);
  for (let d = 0; d < 3; d++) {
    const off = d * n;
    for (let v = 0; v < n; v++) {
      const gv = g[off + v]!;
      if (t.next[off + v]! >= 0) out[v]! += gv;
      const p = t.prev[off + v]!;
      if (p >= 0) out[v]! -= g[off + p]!;
    }
  }
}

/** Graph Laplacian L w = -div(grad w) = sum over neighbours of (w_v - w_u). */
export function laplacian(t: NeighbourTables, w: Float64Array, out: Float64Array): void {
  const n = t.nFeatures;
  for (let v = 0; v < n; v++) out[v] = t.degree[v]! * w[v]!;
  for (let d = 0; d < 3; d++) {
    const off = d * n;
    for (let v = 0; v < n; v++) {
      const nb = t.next[off + v]!;
      if (nb >= 0) {
        out[v]! -= w[nb]!;
        out[nb]! -= w[v]!;
      }
    }
  }
}

/** Isotropic total variation: sum over voxels of the l2 norm of the forward-difference vector. */
export function totalVariation(t: NeighbourTables, w: Float64Array): number {
  const n = t.nFeatures;
  let tv = 0;
  for (let v = 0; v < n; v++) {
    let s = 0;
    for (let d = 0; d < 3; d++) {
      const nb = t.next[d * n + v]!;
      if (nb >= 0) {
        const diff = w[nb]! - w[v]!;
        s += diff * diff;
      }
    }
    tv += Math.sqrt(s);
  }
  return tv;
}

/** 0.5 * ||grad w||^2 (the Graph-Net smoothness term). */
export function gradientEnergy(t: NeighbourTables, w: Float64Array): number {
  const n = t.nFeatures;
  let e = 0;
  for (let d = 0; d < 3; d++) {
    for (let v = 0; v < n; v++) {
      const nb = t.next[d * n + v]!;
      if (nb >= 0) {
        const diff = w[nb]! - w[v]!;
        e += diff * diff;
      }
    }
  }
  return 0.5 * e;
}

/** Upper bound of ||grad||^2 (= largest Laplacian eigenvalue <= 2 * max degree). */
export function gradientNormSquaredBound(t: NeighbourTables): number {
  let maxDeg = 0;
  for (const d of t.degree) if (d > maxDeg) maxDeg = d;
  return Math.max(2 * maxDeg, 1e-12);
}
