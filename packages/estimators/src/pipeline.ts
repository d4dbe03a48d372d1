// Pipeline: transformers chained in front of a final estimator, fitted and cloned as one, with
// nested hyper-parameters addressed as `step__param` (for grid search).
import type { Matrix } from '@neurodecode/matrix';
import { ESTIMATOR_JSON_FORMAT, readEstimatorJSON, type EstimatorJSON } from './serialize.js';
import type { AnyEstimator, BatchedKernel, EstimatorKind, FitOptions, Label, Params, Targets, Transformer } from './types.js';

/** A named step of a Pipeline. */
export type PipelineStep = [name: string, estimator: AnyEstimator];

/** Transformers followed by a final estimator; parameters are named step__param as in scikit-learn. */
export class Pipeline {
  readonly steps: ReadonlyArray<Readonly<PipelineStep>>;
  /** Present when the final step has it. */
  decisionFunction?: (X: Matrix) => Matrix;
  /** Present when the final step has it. */
  predictProba?: (X: Matrix) => Matrix;

  constructor(steps: PipelineStep[]) {
    if (!Array.isArray(steps) || steps.length === 0) throw new TypeError('steps: expected a non-empty array of [name, estimator] pairs');
    const seen = new Set<string>();
    steps.forEach((step, i) => {
      if (!Array.isArray(step) || step.length !== 2) throw new TypeError(`steps: entry ${i} must be a [name, estimator] pair`);
      const [name, est] = step;
      if (typeof name !== 'string' || !/^[A-Za-z0-9-]+(_[A-Za-z0-9-]+)*$/.test(name)) {
        throw new TypeError(`steps: name ${JSON.stringify(name)} must be letters, digits, dashes or single underscores`);
      }
      if (seen.has(name)) throw new TypeError(`steps: name "${name}" is used twice`);
      seen.add(name);
      if (!est || typeof est.fit !== 'function' || typeof est.getParams !== 'function') {
        throw new TypeError(`steps: "${name}" is not an estimator (no fit/getParams)`);
      }
      if (i < steps.length - 1 && est.kind !== 'transformer') {
        throw new TypeError(`steps: "${name}" is a ${est.kind}; every step but the last must be a transformer`);
      }
    });
    this.steps = steps.map(([n, e]) => [n, e] as const);
    const final = this.finalStep;
    if (typeof (final as { decisionFunction?: unknown }).decisionFunction === 'function') {
      this.decisionFunction = (X) => (final as { decisionFunction(X: Matrix): Matrix }).decisionFunction(this.transformThrough(X));
    }
    if (typeof (final as { predictProba?: unknown }).predictProba === 'function') {
      this.predictProba = (X) => (final as { predictProba(X: Matrix): Matrix }).predictProba(this.transformThrough(X));
    }
  }

  get finalStep(): AnyEstimator {
    return this.steps[this.steps.length - 1]![1];
  }

  get kind(): EstimatorKind {
    return this.finalStep.kind;
  }

  get fitted(): boolean {
    return this.steps.every(([, e]) => e.fitted);
  }

  /** The estimator of a named step. */
  namedStep(name: string): AnyEstimator {
    const step = this.steps.find(([n]) => n === name);
    if (!step) throw new RangeError(`Pipeline: no step named "${name}"; steps: ${this.steps.map(([n]) => n).join(', ')}`);
    return step[1];
  }

  get classes(): Label[] {
    const final = this.finalStep;
    if (final.kind !== 'classifier') throw new Error(`Pipeline: the final step is a ${final.kind}, which has no classes`);
    return final.classes;
  }

  getParams(): Params {
    const out: Params = {};
    for (const [name, est] of this.steps) {
      for (const [k, v] of Object.entries(est.getParams())) out[`${name}__${k}`] = v;
    }
    return out;
  }

  setParams(params: Params): this {
    const grouped = new Map<string, Params>();
    for (const [key, value] of Object.entries(params)) {
      const cut = key.indexOf('__');
      if (cut < 0)
        throw new RangeError(`Pipeline: parameter "${key}" must be written step__param (steps: ${this.steps.map(([n]) => n).join(', ')})`);
      const stepName = key.slice(0, cut);
      this.namedStep(stepName);
      if (!grouped.has(stepName)) grouped.set(stepName, {});
      grouped.get(stepName)![key.slice(cut + 2)] = value;
    }
    // Validate every step before changing any, so a bad name leaves the pipeline untouched.
    for (const [stepName, p] of grouped) {
      const allowed = Object.keys(this.namedStep(stepName).getParams());
      for (const k of Object.keys(p)) {
        if (!allowed.includes(k))
          throw new RangeError(`Pipeline: step "${stepName}" has no parameter "${k}"; valid: ${allowed.join(', ')}`);
      }
    }
    for (const [stepName, p] of grouped) this.namedStep(stepName).setParams(p);
    return this;
  }

  clone(): Pipeline {
    return new Pipeline(this.steps.map(([n, e]) => [n, e.clone() as AnyEstimator]));
  }

  fit(X: Matrix, y?: Targets, opts?: FitOptions): this {
    let Xt = X;
    // A Gram matrix describes the raw X only: once a step has transformed X it is wrong.
    const withoutGram = opts?.gram !== undefined ? { ...opts, gram: undefined } : opts;
    for (let i = 0; i < this.steps.length - 1; i++) Xt = (this.steps[i]![1] as Transformer).fitTransform(Xt, y, withoutGram);
    this.finalStep.fit(Xt, y, this.steps.length > 1 ? withoutGram : opts);
    return this;
  }

  /** Only a pipeline that does not transform X (a single step) can use the Gram matrix of X. */
  acceptsGram(nSamples: number, nFeatures: number): boolean {
    return this.steps.length === 1 && this.finalStep.acceptsGram?.(nSamples, nFeatures) === true;
  }

  /** X passed through every step but the last. */
  transformThrough(X: Matrix): Matrix {
    let Xt = X;
    for (let i = 0; i < this.steps.length - 1; i++) {
      const step = this.steps[i]![1] as Transformer;
      if (!step.fitted) throw new Error(`Pipeline: not fitted; call fit(X, y) before using it (step "${this.steps[i]![0]}")`);
      Xt = step.transform(Xt);
    }
    return Xt;
  }

  predict(X: Matrix): Label[] | Float64Array {
    const final = this.finalStep;
    if (final.kind === 'transformer') throw new Error('Pipeline: the final step is a transformer; use transform');
    return final.predict(this.transformThrough(X));
  }

  score(X: Matrix, y: Targets): number {
    const final = this.finalStep;
    if (final.kind === 'transformer') throw new Error('Pipeline: the final step is a transformer; it has no score');
    return final.score(this.transformThrough(X), y);
  }

  transform(X: Matrix): Matrix {
    const final = this.finalStep;
    if (final.kind !== 'transformer') throw new Error(`Pipeline: the final step is a ${final.kind}; use predict`);
    return final.transform(this.transformThrough(X));
  }

  fitTransform(X: Matrix, y?: Targets, opts?: FitOptions): Matrix {
    return this.fit(X, y, opts).transform(X);
  }

  /** Every step's toJSON(), by name. */
  toJSON(): EstimatorJSON {
    const steps = this.steps.map(([name, est]) => {
      if (typeof est.toJSON !== 'function')
        throw new Error(`Pipeline: step "${name}" (${est.constructor.name}) has no toJSON, so the pipeline cannot be saved`);
      return [name, est.toJSON()];
    });
    return { format: ESTIMATOR_JSON_FORMAT, estimator: 'Pipeline', params: null, state: { steps } };
  }

  /** Restore each step from toJSON()'s output; the step names and classes must match. */
  fromJSON(json: EstimatorJSON | string): this {
    const j = typeof json === 'string' ? JSON.parse(json) : json;
    readEstimatorJSON({ ...j, state: null, params: null }, 'Pipeline');
    const saved = (j.state as { steps?: [string, EstimatorJSON][] } | null)?.steps;
    if (!saved) return this;
    if (saved.length !== this.steps.length || saved.some(([n], i) => n !== this.steps[i]![0])) {
      throw new Error(
        `Pipeline: json: steps ${saved.map(([n]) => n).join(', ')} do not match this pipeline's ${this.steps.map(([n]) => n).join(', ')}`,
      );
    }
    this.steps.forEach(([name, est], i) => {
      if (typeof est.fromJSON !== 'function') throw new Error(`Pipeline: step "${name}" has no fromJSON`);
      est.fromJSON(saved[i]![1]);
    });
    return this;
  }

  /** The searchlight's batched path applies only to a bare estimator. */
  batchedKernel(): BatchedKernel | undefined {
    return undefined;
  }
}
