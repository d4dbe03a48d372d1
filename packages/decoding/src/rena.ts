// ReNA (recursive nearest agglomeration, Hoyos-Idrobo et al. 2019), the fast spatial clustering
// FREM runs before fitting: voxels are nodes of the mask's 6-neighbour grid, each edge weighs the
// squared distance between its two voxels' training series; every node is merged with its nearest
// neighbour, clusters are averaged, and the step repeats until the wanted number of clusters.
// Later rounds read their cluster means series by series (cluster-major). The first round, the
// costly one, reads the samples either from a feature-major copy (each voxel's series contiguous)
// or, as FREM's folds do, straight from the row-major matrix a row at a time.
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';

/** The 6-neighbour edges of a mask's voxels, as pairs of masked column indices. */
export interface GridEdges {
  /** Edge endpoints as masked column indices, a[e] < b[e]. */
  a: Int32Array;
  b: Int32Array;
  nVoxels: number;
}

// Every fold of a FREM fit clusters on the same mask: its grid edges are computed once.
const edgeCache = new WeakMap<NiftiImage, GridEdges>();

/** Edges of the mask's 6-neighbour grid between masked columns (C order over i, j, k). */
export function maskGridEdges(mask: NiftiImage): GridEdges {
  const cached = edgeCache.get(mask);
  if (cached) return cached;
  const [nx, ny, nz] = [mask.shape[0]!, mask.shape[1] ?? 1, mask.shape[2] ?? 1];
  // column index of voxel (i, j, k), numbered in C order as masked data are
  const column = new Int32Array(nx * ny * nz).fill(-1);
  let nVoxels = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nz; k++) {
        if (Number(mask.data[i + nx * (j + ny * k)]) !== 0) column[(i * ny + j) * nz + k] = nVoxels++;
      }
  const a = new Int32Array(3 * nVoxels);
  const b = new Int32Array(3 * nVoxels);
  let m = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nz; k++) {
        const at = (i * ny + j) * nz + k;
        const c = column[at]!;
        if (c < 0) continue;
        if (k + 1 < nz && column[at + 1]! >= 0) {
          a[m] = c;
          b[m++] = column[at + 1]!;
        }
        if (j + 1 < ny && column[at + nz]! >= 0) {
          a[m] = c;
          b[m++] = column[at + nz]!;
        }
        if (i + 1 < nx && column[at + ny * nz]! >= 0) {
          a[m] = c;
          b[m++] = column[at + ny * nz]!;
        }
      }
  const edges = { a: a.slice(0, m), b: b.slice(0, m), nVoxels };
  edgeCache.set(mask, edges);
  return edges;
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

/** ReNA's options: rounds, tie threshold, and what happens when a round would merge past the wanted count. */
export interface ReNAOptions {
  /** Most agglomeration rounds (nilearn's FREM: 20). */
  nIter?: number;
  /** Relative tolerance under which two neighbours count as equally near (1e-7). */
  threshold?: number;
  /**
   * When merging every nearest-neighbour pair would leave fewer clusters than asked: 'nilearn'
   * merges only (nodes - nClusters) of the pairs, those spanning the largest index distance, as
   * nilearn does (and may stop above the count); 'shortest' merges the closest pairs first until
   * exactly nClusters remain.
   */
  overshoot?: 'nilearn' | 'shortest';
}

/** Feature-major copy of X (out[j * rows + i] = X[i, j]), transposed in cache-sized tiles. */
export function featureMajor(X: Matrix): Float64Array {
  const n = X.rows,
    p = X.cols;
  const out = new Float64Array(n * p);
  const T = 64;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let j0 = 0; j0 < p; j0 += T) {
      const j1 = Math.min(p, j0 + T);
      for (let i = i0; i < i1; i++) {
        const o = i * p;
        for (let j = j0; j < j1; j++) out[j * n + i] = X.data[o + j]!;
      }
    }
  }
  return out;
}

// The two passes over every series, kept in small functions so they optimise on their own.
// `rows` picks samples of a full-width series (stride = all samples); without it series are compact.

/** Squared Euclidean distance between the two series of every edge. */
function edgeDistances(
  data: Float64Array,
  stride: number,
  rows: Int32Array | undefined,
  n: number,
  ea: Int32Array,
  eb: Int32Array,
): Float64Array {
  const m = ea.length;
  const w = new Float64Array(m);
  if (rows) {
    for (let e = 0; e < m; e++) {
      const ou = ea[e]! * stride,
        ov = eb[e]! * stride;
      let s = 0;
      for (let t = 0; t < n; t++) {
        const r = rows[t]!;
        const d = data[ou + r]! - data[ov + r]!;
        s += d * d;
      }
      w[e] = s;
    }
  } else {
    for (let e = 0; e < m; e++) {
      const ou = ea[e]! * stride,
        ov = eb[e]! * stride;
      let s = 0;
      for (let t = 0; t < n; t++) {
        const d = data[ou + t]! - data[ov + t]!;
        s += d * d;
      }
      w[e] = s;
    }
  }
  return w;
}

/** Per cluster, the sum of its nodes' series (compact, cluster-major). */
function sumSeries(
  data: Float64Array,
  stride: number,
  rows: Int32Array | undefined,
  n: number,
  cluster: Int32Array,
  k: number,
): Float64Array {
  const out = new Float64Array(k * n);
  for (let v = 0; v < cluster.length; v++) {
    const o = v * stride,
      q = cluster[v]! * n;
    if (rows) for (let t = 0; t < n; t++) out[q + t]! += data[o + rows[t]!]!;
    else for (let t = 0; t < n; t++) out[q + t]! += data[o + t]!;
  }
  return out;
}

/**
 * The edges between distinct clusters once nodes are renumbered by `newId` (k clusters): each
 * pair once, as (u, v) with u < v, sorted by u then v. A counting sort on u, then each node's few
 * neighbours sorted in place: linear time, where sorting packed keys costs m log m.
 */
function clusterEdges(ea: Int32Array, eb: Int32Array, newId: Int32Array, k: number): [Int32Array, Int32Array] {
  const m = ea.length;
  const start = new Int32Array(k + 1);
  for (let e = 0; e < m; e++) {
    const u = newId[ea[e]!]!,
      v = newId[eb[e]!]!;
    if (u !== v) start[Math.min(u, v) + 1]!++;
  }
  for (let u = 0; u < k; u++) start[u + 1]! += start[u]!;
  const fill = start.slice(0, k);
  const other = new Int32Array(start[k]!);
  for (let e = 0; e < m; e++) {
    const u = newId[ea[e]!]!,
      v = newId[eb[e]!]!;
    if (u < v) other[fill[u]!++] = v;
    else if (v < u) other[fill[v]!++] = u;
  }
  const outA = new Int32Array(other.length);
  const outB = new Int32Array(other.length);
  let nu = 0;
  for (let u = 0; u < k; u++) {
    const lo = start[u]!,
      hi = start[u + 1]!;
    // insertion sort: a grid node has at most a few dozen neighbouring clusters
    for (let i = lo + 1; i < hi; i++) {
      const x = other[i]!;
      let j = i - 1;
      while (j >= lo && other[j]! > x) {
        other[j + 1] = other[j]!;
        j--;
      }
      other[j + 1] = x;
    }
    for (let i = lo; i < hi; i++) {
      if (i > lo && other[i] === other[i - 1]) continue;
      outA[nu] = u;
      outB[nu++] = other[i]!;
    }
  }
  return [outA.slice(0, nu), outB.slice(0, nu)];
}

/** How ReNA's first round reads the samples: edge distances and per-cluster sums (cluster-major). */
interface FirstRound {
  distances(ea: Int32Array, eb: Int32Array): Float64Array;
  sums(cluster: Int32Array, k: number): Float64Array;
}

/** edgeDistances over the rows `rows` of a row-major X: row by row, each edge's sum in the same order. */
function edgeDistancesByRow(X: Matrix, rows: Int32Array, ea: Int32Array, eb: Int32Array): Float64Array {
  const m = ea.length,
    p = X.cols,
    d = X.data;
  const w = new Float64Array(m);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t]! * p;
    for (let e = 0; e < m; e++) {
      const diff = d[o + ea[e]!]! - d[o + eb[e]!]!;
      w[e]! += diff * diff;
    }
  }
  return w;
}

/** The columns of each cluster, in ascending order: members[start[c] .. start[c + 1]) (a stable counting sort). */
function clusterMembers(cluster: Int32Array, k: number): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(k + 1);
  for (let v = 0; v < cluster.length; v++) start[cluster[v]! + 1]!++;
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, k);
  const members = new Int32Array(cluster.length);
  for (let v = 0; v < cluster.length; v++) members[fill[cluster[v]!]!++] = v;
  return { start, members };
}

/**
 * Per sample of `rows` and cluster, the sum of the cluster's columns of X, its columns added in
 * ascending order (as sumSeries adds them): written at out[t * rowStride + c * colStride], so
 * the same loop gives a row-major (rows x k) or a cluster-major (k x rows) layout. Each sum runs
 * in a register over its gathered columns; adding every column into an output slot instead
 * makes consecutive columns of one cluster wait on each other through memory.
 */
function clusterSumsByRow(
  X: Matrix,
  rows: Int32Array,
  cluster: Int32Array,
  k: number,
  out: Float64Array,
  rowStride: number,
  colStride: number,
): Float64Array {
  const { start, members } = clusterMembers(cluster, k);
  const p = X.cols,
    d = X.data;
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t]! * p,
      q = t * rowStride;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = start[c]!, end = start[c + 1]!; j < end; j++) s += d[o + members[j]!]!;
      out[q + c * colStride] = s;
    }
  }
  return out;
}

/** A fitted clustering: the cluster of every voxel, and the cluster sizes. */
export class ReNA {
  readonly labels: Int32Array;
  readonly sizes: Float64Array;
  constructor(labels: Int32Array, nClusters: number) {
    this.labels = labels;
    this.sizes = new Float64Array(nClusters);
    for (const l of labels) this.sizes[l]!++;
  }
  get nClusters(): number {
    return this.sizes.length;
  }

  /** Cluster the columns of X (rows = samples) into about nClusters on the mask's grid. */
  static fit(X: Matrix, mask: NiftiImage, nClusters: number, opts: ReNAOptions = {}): ReNA {
    return ReNA.fitFeatureMajor(featureMajor(X), X.rows, undefined, mask, nClusters, opts);
  }

  /**
   * Cluster from feature-major data (`data[v * nSamples + i]`, see featureMajor) using only the
   * samples in `rows` (all when undefined): one transposed copy serves every fold of a fit.
   */
  static fitFeatureMajor(
    data: Float64Array,
    nSamples: number,
    rows: Int32Array | undefined,
    mask: NiftiImage,
    nClusters: number,
    opts: ReNAOptions = {},
  ): ReNA {
    const { nVoxels } = maskGridEdges(mask);
    if (data.length !== nVoxels * nSamples) throw new Error(`mask: has ${nVoxels} voxels, the data ${data.length / nSamples} columns`);
    const n = rows ? rows.length : nSamples;
    return ReNA.agglomerate(
      {
        distances: (ea, eb) => edgeDistances(data, nSamples, rows, n, ea, eb),
        sums: (cluster, k) => sumSeries(data, nSamples, rows, n, cluster, k),
      },
      n,
      mask,
      nClusters,
      opts,
    );
  }

  /**
   * Cluster the columns of X using only its rows `rows` (all when undefined), reading X as it is
   * (row-major): the first round streams each sample's row through the edge list, which reads
   * the data once in order instead of hopping between voxel series. The same clustering as
   * fitFeatureMajor on the transposed copy, to the last bit (every sum adds the same terms in the
   * same order). With `allRowDistances` (ReNA.allRowDistances of X) the first round's distances
   * are those minus the left-out rows' terms instead: for cross-validation folds that leave out
   * a tenth of the rows, a tenth of the work, equal up to rounding.
   */
  static fitRows(
    X: Matrix,
    rows: Int32Array | undefined,
    mask: NiftiImage,
    nClusters: number,
    opts: ReNAOptions = {},
    allRowDistances?: Float64Array,
  ): ReNA {
    const { a, nVoxels } = maskGridEdges(mask);
    if (X.cols !== nVoxels) throw new Error(`mask: has ${nVoxels} voxels, the data ${X.cols} columns`);
    if (allRowDistances && allRowDistances.length !== a.length)
      throw new Error(`allRowDistances: has ${allRowDistances.length} values, the mask grid ${a.length} edges`);
    const picked = rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
    const distances = (ea: Int32Array, eb: Int32Array): Float64Array => {
      if (!allRowDistances) return edgeDistancesByRow(X, picked, ea, eb);
      const kept = new Uint8Array(X.rows);
      for (const r of picked) kept[r] = 1;
      const out = [];
      for (let r = 0; r < X.rows; r++) if (!kept[r]) out.push(r);
      const left = edgeDistancesByRow(X, Int32Array.from(out), ea, eb);
      // max(0, ...): rounding must not make a distance negative (ReNA floors them at its threshold).
      return allRowDistances.map((d, e) => Math.max(0, d - left[e]!));
    };
    return ReNA.agglomerate(
      {
        distances,
        sums: (cluster, k) => clusterSumsByRow(X, picked, cluster, k, new Float64Array(k * picked.length), 1, picked.length),
      },
      picked.length,
      mask,
      nClusters,
      opts,
    );
  }

  /** Squared distances over every row of X between the two series of each mask-grid edge (for fitRows). */
  static allRowDistances(X: Matrix, mask: NiftiImage): Float64Array {
    const { a, b, nVoxels } = maskGridEdges(mask);
    if (X.cols !== nVoxels) throw new Error(`mask: has ${nVoxels} voxels, the data ${X.cols} columns`);
    return edgeDistancesByRow(
      X,
      Int32Array.from({ length: X.rows }, (_, i) => i),
      a,
      b,
    );
  }

  /** The rounds of ReNA; the first reads the samples through `first`, later ones their own cluster means. */
  private static agglomerate(first: FirstRound, n: number, mask: NiftiImage, nClusters: number, opts: ReNAOptions): ReNA {
    const { a, b, nVoxels } = maskGridEdges(mask);
    if (!(Number.isInteger(nClusters) && nClusters >= 1)) throw new RangeError(`nClusters: must be an integer >= 1, got ${nClusters}`);
    const thr = opts.threshold ?? 1e-7;
    const nIter = opts.nIter ?? 20;
    const overshoot = opts.overshoot ?? 'nilearn';
    if (overshoot !== 'nilearn' && overshoot !== 'shortest')
      throw new Error(`overshoot: expected "nilearn" or "shortest", got "${String(overshoot)}"`);
    // Later rounds read their own compact cluster means (cluster-major, stride n).
    let data: Float64Array = new Float64Array(0);
    let nodes = nVoxels;
    let ea = a,
      eb = b;
    const labels = Int32Array.from({ length: nodes }, (_, i) => i);
    for (let iter = 0; iter < nIter && nodes > nClusters; iter++) {
      const m = ea.length;
      if (m === 0) break;
      // squared distances between the two series of every edge
      const w = iter === 0 ? first.distances(ea, eb) : edgeDistances(data, n, undefined, n, ea, eb);
      const nearest = new Float64Array(nodes).fill(Infinity);
      for (let e = 0; e < m; e++) {
        const d = (w[e] = Math.max(thr, w[e]!));
        if (d < nearest[ea[e]!]!) nearest[ea[e]!] = d;
        if (d < nearest[eb[e]!]!) nearest[eb[e]!] = d;
      }
      // nearest-neighbour edges (near ties within the threshold kept, as nilearn)
      const chosen = new Int32Array(m);
      let nChosen = 0;
      for (let e = 0; e < m; e++) {
        const d = w[e]! * (1 - thr);
        if (d < nearest[ea[e]!]! || d < nearest[eb[e]!]!) chosen[nChosen++] = e;
      }
      const parent = Int32Array.from({ length: nodes }, (_, i) => i);
      const merge = (e: number) => {
        const ra = find(parent, ea[e]!),
          rb = find(parent, eb[e]!);
        if (ra === rb) return false;
        parent[ra] = rb;
        return true;
      };
      let comps = nodes;
      if (nodes - nChosen >= nClusters) {
        for (let c = 0; c < nChosen; c++) if (merge(chosen[c]!)) comps--;
      } else {
        const list = chosen.subarray(0, nChosen);
        if (overshoot === 'shortest') {
          list.sort((x, y) => w[x]! - w[y]!);
          for (let c = 0; c < nChosen && comps > nClusters; c++) if (merge(list[c]!)) comps--;
        } else {
          // edges are stored a < b in (a, b) order; nilearn takes the widest index spans first
          list.sort((x, y) => eb[y]! - ea[y]! - (eb[x]! - ea[x]!) || ea[x]! - ea[y]! || eb[x]! - eb[y]!);
          for (let c = 0; c < nodes - nClusters; c++) if (merge(list[c]!)) comps--;
        }
      }
      if (comps === nodes) break;
      // number the new clusters by their first node (as connected components are numbered)
      const newId = new Int32Array(nodes);
      const rootId = new Int32Array(nodes).fill(-1);
      let next = 0;
      for (let v = 0; v < nodes; v++) {
        const r = find(parent, v);
        if (rootId[r] === -1) rootId[r] = next++;
        newId[v] = rootId[r]!;
      }
      // unweighted means of the merged nodes' series, as nilearn reduces its data
      const inv = new Float64Array(next);
      for (let v = 0; v < nodes; v++) inv[newId[v]!]!++;
      const merged = iter === 0 ? first.sums(newId, next) : sumSeries(data, n, undefined, n, newId, next);
      for (let c = 0; c < next; c++) {
        const q = c * n,
          f = 1 / inv[c]!;
        for (let t = 0; t < n; t++) merged[q + t]! *= f;
      }
      // edges between distinct clusters, deduplicated, in (u, v) order with u < v
      [ea, eb] = clusterEdges(ea, eb, newId, next);
      for (let v = 0; v < labels.length; v++) labels[v] = newId[labels[v]!]!;
      data = merged;
      nodes = next;
    }
    return new ReNA(labels, nodes);
  }

  /** Cluster means of the columns of X (rows = samples). */
  transform(X: Matrix): Matrix {
    if (X.cols !== this.labels.length) throw new Error(`X: has ${X.cols} columns, the clustering was fitted on ${this.labels.length}`);
    const k = this.nClusters;
    const out = new Matrix(X.rows, k);
    const inv = this.sizes.map((s) => 1 / s);
    for (let i = 0; i < X.rows; i++) {
      const o = i * X.cols,
        q = i * k;
      for (let j = 0; j < X.cols; j++) out.data[q + this.labels[j]!]! += X.data[o + j]!;
      for (let c = 0; c < k; c++) out.data[q + c]! *= inv[c]!;
    }
    return out;
  }

  /**
   * Cluster means of the given samples of feature-major data (see featureMajor), as a row-major
   * matrix (rows = those samples): transform() without a second full-width pass per fold.
   */
  transformFeatureMajor(data: Float64Array, nSamples: number, rows: Int32Array): Matrix {
    const p = this.labels.length,
      k = this.nClusters,
      n = rows.length;
    if (data.length !== p * nSamples) throw new Error(`data: has ${data.length / nSamples} columns, the clustering was fitted on ${p}`);
    const sums = new Float64Array(k * n);
    for (let v = 0; v < p; v++) {
      const o = v * nSamples,
        q = this.labels[v]! * n;
      for (let t = 0; t < n; t++) sums[q + t]! += data[o + rows[t]!]!;
    }
    const out = new Matrix(n, k);
    for (let c = 0; c < k; c++) {
      const f = 1 / this.sizes[c]!;
      for (let t = 0; t < n; t++) out.data[t * k + c] = sums[c * n + t]! * f;
    }
    return out;
  }

  /** Cluster means of the rows `rows` of X (row-major): transformFeatureMajor's values without the transposed copy. */
  transformRows(X: Matrix, rows: Int32Array): Matrix {
    const p = this.labels.length,
      k = this.nClusters;
    if (X.cols !== p) throw new Error(`X: has ${X.cols} columns, the clustering was fitted on ${p}`);
    const out = new Matrix(rows.length, k);
    clusterSumsByRow(X, rows, this.labels, k, out.data, k, 1);
    for (let t = 0; t < rows.length; t++) {
      const q = t * k;
      for (let c = 0; c < k; c++) out.data[q + c] = out.data[q + c]! * (1 / this.sizes[c]!);
    }
    return out;
  }

  /** Each voxel gets its cluster's value (nilearn's inverse_transform). */
  inverseTransform(w: Float64Array): Float64Array {
    if (w.length !== this.nClusters) throw new Error(`w: has ${w.length} values, the clustering has ${this.nClusters} clusters`);
    return Float64Array.from(this.labels, (l) => w[l]!);
  }

  /**
   * Voxel weights of a linear model fitted on cluster means: each voxel gets its cluster's weight
   * divided by the cluster size, so voxelWeights(w) . x equals w . transform(x) exactly.
   */
  voxelWeights(w: Float64Array): Float64Array {
    if (w.length !== this.nClusters) throw new Error(`w: has ${w.length} values, the clustering has ${this.nClusters} clusters`);
    return Float64Array.from(this.labels, (l) => w[l]! / this.sizes[l]!);
  }
}
