// The conformance kit: the estimator contract as executable checks. Plugin authors run
// checkEstimator(() => new MyModel()) (or assertEstimatorConforms inside a node:test test).
import { isDeepStrictEqual } from 'node:util';
import { Matrix } from '@neurodecode/matrix';
import { compareLabels } from './labels.js';
import { seededRandom } from './random.js';
import type { Estimator, Label, Params, Targets } from './types.js';

/** Options of checkEstimator: size of the synthetic data and checks to skip. */
export interface ConformanceOptions {
  /** Samples per class in the synthetic data (default 20). */
  samplesPerClass?: number;
  /** Features in the synthetic data (default 6). */
  features?: number;
  /** Skip the named checks (e.g. for a model that cannot do multi-class). */
  skip?: string[];
}

/** checkEstimator's result: the checks passed, the first failed (if any) and those skipped. */
export interface ConformanceReport {
  estimator: string;
  passed: string[];
  failed: { check: string; error: string }[];
  skipped: string[];
}

// Loose view of an estimator for the checks: every method is looked up at run time.
type Probe = Estimator & {
  predict?(X: Matrix): Label[] | Float64Array;
  decisionFunction?(X: Matrix): Matrix;
  predictProba?(X: Matrix): Matrix;
  transform?(X: Matrix): Matrix;
  score?(X: Matrix, y: Targets): number;
  classes?: Label[];
};

function fail(message: string): never {
  throw new Error(message);
}

function blobs(k: number, perClass: number, p: number, seed: number): { X: Matrix; codes: number[] } {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const X = new Matrix(k * perClass, p);
  const codes: number[] = [];
  // Interleave the classes so that no contiguous slice is single-class.
  for (let i = 0; i < k * perClass; i++) {
    const c = i % k;
    codes.push(c);
    for (let j = 0; j < p; j++) X.set(i, j, gauss() + (j % k === c ? 2.5 : 0));
  }
  return { X, codes };
}

function expectThrow(fn: () => unknown, what: string, pattern?: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error)) fail(`${what} did not throw an Error`);
  if (pattern && !pattern.test(error.message)) fail(`${what} threw "${error.message}", expected it to match ${pattern}`);
}

/** A parameter change that keeps the type: numbers doubled (or +1), booleans flipped. */
function alteredParam(params: Params): [string, unknown] | undefined {
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number') return [k, v === 0 ? 1 : v * 2];
    if (typeof v === 'boolean') return [k, !v];
  }
  return undefined;
}

function outputOf(est: Probe, X: Matrix): unknown {
  if (est.kind === 'transformer') return Array.from(est.transform!(X).data);
  const pred = est.predict!(X);
  return Array.from(pred as ArrayLike<unknown>);
}

/**
 * Run the estimator contract's checks, in order, on fresh estimators from `factory`. Stops at the
 * first failure: `failed` then holds that one check and the rest are listed as skipped.
 */
export function checkEstimator(factory: () => Estimator, opts: ConformanceOptions = {}): ConformanceReport {
  const perClass = opts.samplesPerClass ?? 20;
  const p = opts.features ?? 6;
  const probe = factory() as Probe;
  const report: ConformanceReport = { estimator: probe.constructor?.name ?? 'estimator', passed: [], failed: [], skipped: [] };
  const kind = probe.kind;
  const isClassifier = kind === 'classifier';
  const bin = blobs(2, perClass, p, 1);
  const tri = blobs(3, perClass, p, 2);
  const yNum = bin.codes.map((c) => [3, 7][c]!);
  const yStr = bin.codes.map((c) => ['house', 'face'][c]!);
  const yTri = tri.codes.map((c) => ['b', 'c', 'a'][c]!);
  const yReg = Float64Array.from({ length: bin.X.rows }, (_, i) => bin.X.get(i, 0) - 0.5 * bin.X.get(i, 1) + 0.1 * (i % 3));
  const yFit: Targets = kind === 'regressor' ? yReg : yStr;
  const fresh = () => factory() as Probe;

  // Checks build on each other (a broken getParams breaks clone, a broken fit breaks the rest),
  // so the first failure ends the run: one message about the first broken invariant.
  const run = (name: string, fn: () => void, when = true) => {
    if (!when || opts.skip?.includes(name) || report.failed.length > 0) {
      report.skipped.push(name);
      return;
    }
    try {
      fn();
      report.passed.push(name);
    } catch (e) {
      report.failed.push({ check: name, error: e instanceof Error ? e.message : String(e) });
    }
  };

  run('kind', () => {
    if (!['classifier', 'regressor', 'transformer'].includes(kind)) fail(`kind is ${JSON.stringify(kind)}`);
  });
  run('params-round-trip', () => {
    const a = fresh();
    const params = a.getParams();
    if (!isDeepStrictEqual(fresh().getParams(), params)) fail('two constructions give different getParams()');
    a.setParams(params);
    if (!isDeepStrictEqual(a.getParams(), params)) fail('setParams(getParams()) changed the parameters');
    if (!isDeepStrictEqual(a.clone().getParams(), params)) fail('clone() has different parameters');
  });
  run('unfitted-before-fit', () => {
    const a = fresh();
    if (a.fitted !== false) fail(`fitted is ${String(a.fitted)} before fit`);
    const X = bin.X;
    if (kind === 'transformer') expectThrow(() => a.transform!(X), 'transform before fit', /fit/);
    else expectThrow(() => a.predict!(X), 'predict before fit', /fit/);
  });
  run('fit-returns-this', () => {
    const a = fresh();
    if (a.fit(bin.X, yFit) !== a) fail('fit did not return this');
    if (a.fitted !== true) fail('fitted is not true after fit');
  });
  run('clone-unfitted-independent', () => {
    const a = fresh().fit(bin.X, yFit);
    const before = a.getParams();
    const c = a.clone() as Probe;
    if (c === a) fail('clone returned the same object');
    if (c.fitted) fail('clone of a fitted estimator is fitted');
    if (!isDeepStrictEqual(c.getParams(), before)) fail('clone has different parameters');
    const change = alteredParam(before);
    if (change) {
      c.setParams({ [change[0]]: change[1] });
      if (!isDeepStrictEqual(a.getParams(), before)) fail(`setParams on the clone changed the original (${change[0]})`);
    }
    if (!a.fitted) fail('cloning unfitted the original');
  });
  run('set-params', () => {
    const a = fresh();
    const change = alteredParam(a.getParams());
    if (change) {
      a.setParams({ [change[0]]: change[1] });
      if (!isDeepStrictEqual(a.getParams()[change[0]], change[1])) fail(`setParams({${change[0]}}) was not reflected by getParams`);
    }
    expectThrow(() => a.setParams({ noSuchParameter__x: 1 }), 'setParams with an unknown name', /noSuchParameter/);
  });
  run('output-shape', () => {
    const a = fresh().fit(bin.X, yFit);
    if (kind === 'transformer') {
      const t = a.transform!(bin.X);
      if (t.rows !== bin.X.rows) fail(`transform returned ${t.rows} rows for ${bin.X.rows}`);
      return;
    }
    const pred = a.predict!(bin.X);
    if (pred.length !== bin.X.rows) fail(`predict returned ${pred.length} values for ${bin.X.rows} rows`);
    if (kind === 'regressor') {
      if (!(pred instanceof Float64Array)) fail('regressor predict must return a Float64Array');
      if (!pred.every(Number.isFinite)) fail('regressor predict returned non-finite values');
    } else {
      const classes = a.classes!;
      for (const v of pred as Label[]) if (!classes.includes(v)) fail(`predict returned ${JSON.stringify(v)}, not one of classes`);
    }
  });
  run(
    'classes-sorted',
    () => {
      const a = fresh().fit(tri.X, yTri);
      const expected = [...new Set(yTri)].sort(compareLabels);
      if (!isDeepStrictEqual(a.classes, expected)) fail(`classes ${JSON.stringify(a.classes)}, expected ${JSON.stringify(expected)}`);
    },
    isClassifier,
  );
  run('deterministic', () => {
    const a = outputOf(fresh().fit(bin.X, yFit), bin.X);
    const b = outputOf(fresh().fit(bin.X, yFit), bin.X);
    if (!isDeepStrictEqual(a, b)) fail('two fits with the same parameters gave different outputs');
  });
  run(
    'numeric-and-string-labels',
    () => {
      const num = fresh().fit(bin.X, yNum);
      if (!isDeepStrictEqual(num.classes, [3, 7])) fail(`numeric classes ${JSON.stringify(num.classes)}, expected [3,7]`);
      for (const v of num.predict!(bin.X) as Label[]) if (typeof v !== 'number') fail('numeric labels predicted as non-numbers');
      const str = fresh().fit(bin.X, yStr);
      if (!isDeepStrictEqual(str.classes, ['face', 'house']))
        fail(`string classes ${JSON.stringify(str.classes)}, expected ["face","house"]`);
      for (const v of str.predict!(bin.X) as Label[]) if (typeof v !== 'string') fail('string labels predicted as non-strings');
    },
    isClassifier,
  );
  run(
    'multiclass',
    () => {
      const a = fresh().fit(tri.X, yTri);
      const pred = a.predict!(tri.X) as Label[];
      if (pred.length !== tri.X.rows) fail('wrong prediction length on three classes');
      for (const v of pred) if (!a.classes!.includes(v)) fail(`three-class predict returned ${JSON.stringify(v)}, not one of classes`);
    },
    isClassifier,
  );
  run(
    'decision-function-shape',
    () => {
      const a = fresh().fit(bin.X, yStr);
      const d = a.decisionFunction!(bin.X);
      if (d.rows !== bin.X.rows || d.cols !== 1) fail(`binary decisionFunction is ${d.rows}x${d.cols}, expected ${bin.X.rows}x1`);
      const pred = a.predict!(bin.X) as Label[];
      for (let i = 0; i < d.rows; i++) {
        if (d.data[i]! > 0 && pred[i] !== a.classes![1]) fail(`row ${i}: positive score but predicted ${String(pred[i])}, not classes[1]`);
      }
      const m = fresh().fit(tri.X, yTri).decisionFunction!(tri.X);
      if (m.rows !== tri.X.rows || m.cols !== 3) fail(`three-class decisionFunction is ${m.rows}x${m.cols}, expected ${tri.X.rows}x3`);
    },
    isClassifier && typeof probe.decisionFunction === 'function',
  );
  run(
    'predict-proba',
    () => {
      for (const [X, y, k] of [
        [bin.X, yStr, 2],
        [tri.X, yTri, 3],
      ] as const) {
        const pr = fresh().fit(X, y).predictProba!(X);
        if (pr.rows !== X.rows || pr.cols !== k) fail(`predictProba is ${pr.rows}x${pr.cols}, expected ${X.rows}x${k}`);
        for (let i = 0; i < pr.rows; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) {
            const v = pr.get(i, c);
            if (!(v >= 0 && v <= 1)) fail(`row ${i}: probability ${v} outside [0, 1]`);
            s += v;
          }
          if (Math.abs(s - 1) > 1e-9) fail(`row ${i}: probabilities sum to ${s}`);
        }
      }
    },
    isClassifier && typeof probe.predictProba === 'function',
  );
  run(
    'score-range',
    () => {
      const s = fresh().fit(bin.X, yFit).score!(bin.X, yFit);
      if (isClassifier && !(s >= 0 && s <= 1)) fail(`accuracy ${s} outside [0, 1]`);
      if (kind === 'regressor' && !(Number.isFinite(s) && s <= 1)) fail(`R^2 ${s} is not finite and <= 1`);
    },
    kind !== 'transformer',
  );
  run('rejects-nan', () => {
    const bad = bin.X.clone();
    bad.set(3, 1, NaN);
    expectThrow(() => fresh().fit(bad, yFit), 'fit on X with NaN', /X/);
    const a = fresh().fit(bin.X, yFit);
    if (kind === 'transformer') expectThrow(() => a.transform!(bad), 'transform on X with NaN', /X/);
    else expectThrow(() => a.predict!(bad), 'predict on X with NaN', /X/);
  });
  run('rejects-length-mismatch', () => {
    const short = (yFit as ArrayLike<Label>).length - 1;
    const y = Array.from(yFit as ArrayLike<Label>).slice(0, short);
    expectThrow(() => fresh().fit(bin.X, y as Targets), 'fit with y one shorter than X', /\by\b.*length/);
  });
  run('rejects-wrong-width', () => {
    const a = fresh().fit(bin.X, yFit);
    const narrow = bin.X.selectCols([0, 1]);
    if (kind === 'transformer') expectThrow(() => a.transform!(narrow), 'transform with fewer columns', /column/);
    else expectThrow(() => a.predict!(narrow), 'predict with fewer columns', /column/);
  });
  run(
    'rejects-single-class',
    () => {
      const single = yStr.map(() => 'face');
      expectThrow(() => fresh().fit(bin.X, single), 'fit with a single class', /single class|one class|two/);
    },
    isClassifier,
  );
  run('json-round-trip', () => {
    const fresh2 = fresh();
    if (typeof fresh2.toJSON !== 'function' || typeof fresh2.fromJSON !== 'function') {
      fail('no toJSON/fromJSON, so a fitted model cannot be saved and applied later');
    }
    for (const [X, y] of (isClassifier
      ? [
          [bin.X, yStr],
          [tri.X, yTri],
        ]
      : [[bin.X, yFit]]) as [Matrix, Targets][]) {
      const a = fresh().fit(X, y);
      const text = JSON.stringify(a.toJSON!());
      const b = fresh().fromJSON!(JSON.parse(text)) as Probe;
      if (b.fitted !== true) fail('fromJSON(toJSON()) of a fitted estimator is not fitted');
      if (!isDeepStrictEqual(outputOf(b, X), outputOf(a, X))) fail('the restored estimator predicts differently from the original');
      for (const m of ['decisionFunction', 'predictProba'] as const) {
        if (typeof a[m] === 'function' && !isDeepStrictEqual(Array.from(b[m]!(X).data), Array.from(a[m]!(X).data)))
          fail(`the restored estimator's ${m} differs`);
      }
      if (!isDeepStrictEqual(b.getParams(), a.getParams())) fail('the restored estimator has different parameters');
    }
    const unfitted = fresh().fromJSON!(JSON.parse(JSON.stringify(fresh().toJSON!())));
    if (unfitted.fitted) fail('fromJSON(toJSON()) of an unfitted estimator is fitted');
  });
  return report;
}

/** Run checkEstimator and throw one error naming the first broken check (for use inside a test). */
export function assertEstimatorConforms(factory: () => Estimator, opts?: ConformanceOptions): ConformanceReport {
  const report = checkEstimator(factory, opts);
  const first = report.failed[0];
  if (first) throw new Error(`${report.estimator} breaks the estimator contract (check "${first.check}"): ${first.error}`);
  return report;
}
