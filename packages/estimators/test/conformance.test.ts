import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '@neurodecode/matrix';
import {
  BUILTIN_ESTIMATORS, LinearSVC, Pipeline, SelectPercentile, StandardScaler,
  type Classifier, type Label, type Targets,
} from '../src/index.js';
import { assertEstimatorConforms, checkEstimator } from '../src/testing.js';

for (const entry of BUILTIN_ESTIMATORS) {
  test(`built-in "${entry.name}" passes checkEstimator`, () => {
    const report = assertEstimatorConforms(() => entry.create());
    assert.ok(report.passed.length >= 10, `only ${report.passed.length} checks ran`);
    assert.ok(report.passed.includes('json-round-trip'), 'saved and restored through JSON');
  });
}

test('a Pipeline (scaler + percentile + svc) passes checkEstimator', () => {
  assertEstimatorConforms(() => new Pipeline([
    ['scale', new StandardScaler()],
    ['select', new SelectPercentile({ percentile: 50 })],
    ['svc', new LinearSVC()],
  ]));
});

test('LinearSVC on the Gram path passes checkEstimator', () => {
  assertEstimatorConforms(() => new LinearSVC({ solver: 'gram', loss: 'hinge' }));
});

// A plugin that breaks the contract in several ways: the kit must say which.
class Sloppy implements Classifier {
  readonly kind = 'classifier' as const;
  classes: Label[] = [];
  fitted = false;
  private params: Record<string, unknown>;
  constructor(params: Record<string, unknown> = {}) {
    this.params = { ...params, learned: 0 };
  }
  fit(_X: Matrix, y?: Targets): this {
    this.classes = [...new Set(Array.from(y as ArrayLike<Label>))];
    this.fitted = true;
    return this;
  }
  predict(X: Matrix): Label[] {
    return new Array(X.rows).fill(this.classes[0]);
  }
  score(): number {
    return 2;
  }
  getParams() {
    return this.params;
  }
  setParams(p: Record<string, unknown>): this {
    Object.assign(this.params, p);
    return this;
  }
  clone(): Classifier {
    return this;
  }
}

test('checkEstimator stops at the first broken rule, and finds each one in turn', () => {
  const first = checkEstimator(() => new Sloppy());
  assert.deepEqual(first.failed.map((f) => f.check), ['unfitted-before-fit'], 'exactly one failure: the first');
  assert.ok(first.passed.includes('kind') && first.skipped.includes('rejects-nan'), 'later checks are skipped');
  assert.throws(() => assertEstimatorConforms(() => new Sloppy()), /^Error: Sloppy breaks the estimator contract \(check "unfitted-before-fit"\): predict before fit did not throw an Error$/);
  // Skipping each reported failure exposes the next one: every broken rule is found.
  const found: string[] = [];
  for (;;) {
    const report = checkEstimator(() => new Sloppy(), { skip: found });
    if (report.failed.length === 0) break;
    assert.equal(report.failed.length, 1);
    found.push(report.failed[0]!.check);
  }
  for (const check of ['json-round-trip', 'unfitted-before-fit', 'clone-unfitted-independent', 'set-params', 'classes-sorted', 'score-range', 'rejects-nan', 'rejects-length-mismatch', 'rejects-single-class']) {
    assert.ok(found.includes(check), `${check} should fail; found: ${found.join(', ')}`);
  }
});

test('Pipeline params use step__param names; clone is independent; predictions compose', () => {
  const X = Matrix.from([[0, 10], [1, 12], [2, 11], [3, 30], [4, 33], [5, 31]]);
  const y = ['a', 'a', 'a', 'b', 'b', 'b'];
  const pipe = new Pipeline([['scale', new StandardScaler()], ['svc', new LinearSVC({ C: 2 })]]);
  assert.equal(pipe.getParams()['svc__C'], 2);
  assert.equal(pipe.getParams()['scale__withMean'], true);
  pipe.setParams({ svc__C: 10 });
  assert.equal((pipe.namedStep('svc') as LinearSVC).getParams().C, 10);
  assert.throws(() => pipe.setParams({ svc__gamma: 1 }), /step "svc" has no parameter "gamma"/);
  assert.throws(() => pipe.setParams({ nope__C: 1 }), /no step named "nope"/);
  assert.throws(() => pipe.setParams({ C: 1 }), /step__param/);
  const copy = pipe.clone();
  copy.setParams({ svc__C: 0.5 });
  assert.equal(pipe.getParams()['svc__C'], 10);
  pipe.fit(X, y);
  assert.equal(copy.fitted, false);
  const scaler = new StandardScaler().fit(X);
  const svc = new LinearSVC({ C: 10 }).fit(scaler.transform(X), y);
  assert.deepEqual(pipe.predict(X), svc.predict(scaler.transform(X)));
  assert.deepEqual(Array.from(pipe.decisionFunction!(X).data), Array.from(svc.decisionFunction(scaler.transform(X)).data));
  assert.deepEqual(pipe.classes, ['a', 'b']);
  assert.equal(pipe.score(X, y), 1);
  assert.throws(() => new Pipeline([['svc', new LinearSVC()], ['scale', new StandardScaler()]]), /"svc" is a classifier; every step but the last must be a transformer/);
});

test('toJSON/fromJSON: a restored pipeline predicts as the original; wrong class or format is refused', () => {
  const X = Matrix.from([[0, 10], [1, 12], [2, 11], [3, 30], [4, 33], [5, 31]]);
  const y = ['a', 'a', 'a', 'b', 'b', 'b'];
  const make = () => new Pipeline([['scale', new StandardScaler()], ['svc', new LinearSVC({ C: 3 })]]);
  const pipe = make().fit(X, y);
  const restored = make().fromJSON(JSON.stringify(pipe.toJSON()));
  assert.deepEqual(Array.from(restored.decisionFunction!(X).data), Array.from(pipe.decisionFunction!(X).data));
  const svcJson = new LinearSVC().fit(X, y).toJSON();
  assert.throws(() => new StandardScaler().fromJSON(svcJson), /json: holds a LinearSVC, not a StandardScaler/);
  assert.throws(() => new LinearSVC().fromJSON({ ...svcJson, format: 'other' } as never), /not a saved estimator/);
  assert.throws(() => new Pipeline([['svc', new LinearSVC()]]).fromJSON(pipe.toJSON()), /steps scale, svc do not match this pipeline's svc/);
});
