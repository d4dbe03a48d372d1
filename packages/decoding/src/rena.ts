// ReNA (recursive nearest agglomeration, Hoyos-Idrobo et al. 2019), the fast spatial clustering
// FREM runs before fitting: voxels are nodes of the mask's 6-neighbour grid, each edge weighs the
// squared distance between its two voxels' training series; every node is merged with its nearest
// neighbour, clusters are averaged, and the step repeats until the wanted number of clusters.
// The data are read feature-major (each voxel's series contiguous), so edge distances and cluster
// means run over contiguous series; a FREM fit transposes its matrix once and every fold clusters
// its training rows of that one copy.
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
    const { a, b, nVoxels } = maskGridEdges(mask);
    if (data.length !== nVoxels * nSamples) throw new Error(`mask: has ${nVoxels} voxels, the data ${data.length / nSamples} columns`);
    if (!(Number.isInteger(nClusters) && nClusters >= 1)) throw new RangeError(`nClusters: must be an integer >= 1, got ${nClusters}`);
    const thr = opts.threshold ?? 1e-7;
    const nIter = opts.nIter ?? 20;
    const overshoot = opts.overshoot ?? 'nilearn';
    if (overshoot !== 'nilearn' && overshoot !== 'shortest')
      throw new Error(`overshoot: expected "nilearn" or "shortest", got "${String(overshoot)}"`);
    // The first round reads the chosen samples of the full copy (stride nSamples); later rounds
    // read their own compact cluster means (stride n).
    const n = rows ? rows.length : nSamples;
    let stride = nSamples;
    let nodes = nVoxels;
    let ea = a,
      eb = b;
    const labels = Int32Array.from({ length: nodes }, (_, i) => i);
    for (let iter = 0; iter < nIter && nodes > nClusters; iter++) {
      const m = ea.length;
      if (m === 0) break;
      // squared distances between the two series of every edge
      const w = edgeDistances(data, stride, iter === 0 ? rows : undefined, n, ea, eb);
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
      const merged = sumSeries(data, stride, iter === 0 ? rows : undefined, n, newId, next);
      for (let c = 0; c < next; c++) {
        const q = c * n,
          f = 1 / inv[c]!;
        for (let t = 0; t < n; t++) merged[q + t]! *= f;
      }
      // edges between distinct clusters, deduplicated through sorted keys (u < v, in (u, v) order)
      const keys = new Float64Array(m);
      let nk = 0;
      for (let e = 0; e < m; e++) {
        const u = newId[ea[e]!]!,
          v = newId[eb[e]!]!;
        if (u !== v) keys[nk++] = u < v ? u * next + v : v * next + u;
      }
      const sorted = keys.subarray(0, nk).sort();
      let nu = 0;
      for (let e = 0; e < nk; e++) if (e === 0 || sorted[e] !== sorted[e - 1]) sorted[nu++] = sorted[e]!;
      ea = new Int32Array(nu);
      eb = new Int32Array(nu);
      for (let e = 0; e < nu; e++) {
        const u = Math.floor(sorted[e]! / next);
        ea[e] = u;
        eb[e] = sorted[e]! - u * next;
      }
      for (let v = 0; v < labels.length; v++) labels[v] = newId[labels[v]!]!;
      stride = n;
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
