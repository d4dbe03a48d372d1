// k-nearest neighbours (scikit-learn's KNeighborsClassifier with the brute-force algorithm and
// the Euclidean metric): predict the majority class among the k training rows closest to a row.
import { Matrix } from '@neurodecode/matrix';
import {
  BaseClassifier,
  checkClassification,
  type BatchedKernel,
  type ClassifierState,
  type FoldPredictor,
  type FoldPredictorSizes,
  type Targets,
} from '@neurodecode/estimators';

/** Hyper-parameters, as scikit-learn names them (camel-cased). */
export interface KNeighborsParams {
  /** Number of neighbours that vote (>= 1). */
  nNeighbors: number;
  /** 'uniform': one vote each; 'distance': votes weighted by 1 / distance (an exact match wins). */
  weights: 'uniform' | 'distance';
}

/** The defaults scikit-learn uses. */
export const KNN_DEFAULTS: KNeighborsParams = { nNeighbors: 5, weights: 'uniform' };

interface KnnState extends ClassifierState {
  /** Training rows (a copy) and their class codes. */
  X: Matrix;
  codes: Int32Array;
}

function checkParams(p: KNeighborsParams): void {
  if (!Number.isInteger(p.nNeighbors) || p.nNeighbors < 1)
    throw new RangeError(`KNeighborsClassifier: nNeighbors must be an integer >= 1, got ${p.nNeighbors}`);
  if (p.weights !== 'uniform' && p.weights !== 'distance')
    throw new RangeError(`KNeighborsClassifier: weights must be "uniform" or "distance", got ${JSON.stringify(p.weights)}`);
}

/**
 * Votes of the k nearest training rows for one query row, added into `votes` (one slot per
 * class). `dist`, `order` are scratch of length >= nTrain. Ties in distance keep the training
 * order, as scikit-learn's stable sort does.
 */
function vote(
  train: Float64Array,
  codes: Int32Array,
  nTrain: number,
  query: Float64Array,
  qOffset: number,
  p: number,
  k: number,
  weights: KNeighborsParams['weights'],
  dist: Float64Array,
  order: Int32Array,
  votes: Float64Array,
): void {
  for (let i = 0; i < nTrain; i++) {
    let d = 0;
    for (let j = 0, o = i * p; j < p; j++, o++) {
      const diff = train[o]! - query[qOffset + j]!;
      d += diff * diff;
    }
    dist[i] = d;
  }
  // Partial selection sort: k is small, so k passes over n beat sorting all n.
  const kk = Math.min(k, nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;
  for (let a = 0; a < kk; a++) {
    let best = a;
    for (let b = a + 1; b < nTrain; b++) {
      const db = dist[order[b]!]!,
        dBest = dist[order[best]!]!;
      if (db < dBest || (db === dBest && order[b]! < order[best]!)) best = b;
    }
    const t = order[a]!;
    order[a] = order[best]!;
    order[best] = t;
  }
  if (weights === 'distance' && dist[order[0]!] === 0) {
    // An exact match: only the zero-distance neighbours vote (scikit-learn's rule).
    for (let a = 0; a < kk && dist[order[a]!] === 0; a++) votes[codes[order[a]!]!]! += 1;
    return;
  }
  for (let a = 0; a < kk; a++) {
    const i = order[a]!;
    votes[codes[i]!]! += weights === 'distance' ? 1 / Math.sqrt(dist[i]!) : 1;
  }
}

/** k-nearest-neighbours classifier; `predictProba` gives the share of (weighted) votes. */
export class KNeighborsClassifier extends BaseClassifier<KNeighborsParams, KnnState> {
  constructor(params: Partial<KNeighborsParams> = {}) {
    super('KNeighborsClassifier', KNN_DEFAULTS, params);
  }

  fit(X: Matrix, y?: Targets): this {
    checkParams(this.params);
    const { X: m, classes, codes } = checkClassification(X, y);
    this.state = { classes, nFeatures: m.cols, X: m.clone(), codes: Int32Array.from(codes) };
    return this;
  }

  /** Probability of each class (columns in `classes` order): the neighbours' vote shares. */
  predictProba(X: Matrix): Matrix {
    return this.scores(this.checkInput(X, 'predictProba'));
  }

  protected scores(X: Matrix): Matrix {
    const s = this.fittedState('predict');
    const k = s.classes.length;
    const n = s.X.rows;
    const out = new Matrix(X.rows, k);
    const dist = new Float64Array(n);
    const order = new Int32Array(n);
    const votes = new Float64Array(k);
    for (let r = 0; r < X.rows; r++) {
      votes.fill(0);
      vote(s.X.data, s.codes, n, X.data, r * X.cols, X.cols, this.params.nNeighbors, this.params.weights, dist, order, votes);
      let total = 0;
      for (let c = 0; c < k; c++) total += votes[c]!;
      for (let c = 0; c < k; c++) out.data[r * k + c] = votes[c]! / total;
    }
    return out;
  }

  /**
   * The searchlight's fast path: the same votes on the sphere's buffers, without building a
   * Matrix and a fitted copy of the training rows for every sphere and fold.
   */
  batchedKernel(): BatchedKernel {
    const params = this.getParams();
    checkParams(params);
    return {
      name: 'knn',
      params,
      createFoldPredictor(sizes: FoldPredictorSizes): FoldPredictor {
        const dist = new Float64Array(sizes.maxTrain);
        const order = new Int32Array(sizes.maxTrain);
        const votes = new Float64Array(sizes.nClasses);
        return (train, trainCodes, nTrain, test, nTest, p, out) => {
          for (let t = 0; t < nTest; t++) {
            votes.fill(0);
            vote(train, trainCodes, nTrain, test, t * p, p, params.nNeighbors, params.weights, dist, order, votes);
            let best = 0;
            for (let c = 1; c < votes.length; c++) if (votes[c]! > votes[best]!) best = c;
            out[t] = best;
          }
        };
      },
    };
  }
}
