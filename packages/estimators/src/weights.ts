// Class and sample weights, validated once and combined into one weight per sample (liblinear and
// scikit-learn multiply C, or the loss, of each sample by its class weight and sample weight).
import type { Label } from './types.js';

/** null (all 1), 'balanced' (n / (k * count of the class)), or a weight per class label. */
export type ClassWeight = null | 'balanced' | Record<string, number>;

/** Checks sample weights (length n, finite, >= 0, not all 0) and copies them; undefined passes through. */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | undefined, n: number, who: string): Float64Array | undefined {
  if (sampleWeight === undefined) return undefined;
  if (sampleWeight.length !== n)
    throw new RangeError(`sampleWeight: length ${sampleWeight.length} does not match the ${n} samples (${who})`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = sampleWeight[i]!;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`sampleWeight: entry ${i} is ${v}; weights must be finite and >= 0 (${who})`);
    total += v;
  }
  if (total === 0) throw new RangeError(`sampleWeight: every weight is 0 (${who})`);
  return Float64Array.from(sampleWeight);
}

/**
 * The weight of each sample: its class weight times its sample weight, or undefined when both
 * are absent. Throws on a class weight naming a class absent from y, or a bad value.
 */
export function combinedSampleWeights(
  who: string,
  classes: readonly Label[],
  codes: Int32Array,
  classWeight: ClassWeight | undefined,
  sampleWeight?: ArrayLike<number>,
): Float64Array | undefined {
  const n = codes.length;
  const sw = checkSampleWeight(sampleWeight, n, who);
  if (classWeight === null || classWeight === undefined) return sw;
  const perClass = new Float64Array(classes.length).fill(1);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < n; i++) counts[codes[i]!]!++;
    for (let c = 0; c < classes.length; c++) perClass[c] = n / (classes.length * counts[c]!);
  } else if (typeof classWeight === 'object') {
    const names = classes.map(String);
    for (const [key, value] of Object.entries(classWeight)) {
      const c = names.indexOf(key);
      if (c < 0) throw new RangeError(`classWeight: class "${key}" is not in y (classes: ${names.join(', ')})`);
      if (!Number.isFinite(value) || value < 0)
        throw new RangeError(`classWeight: the weight of "${key}" is ${value}; it must be finite and >= 0`);
      perClass[c] = value;
    }
  } else {
    throw new RangeError(`classWeight: expected null, 'balanced' or a map from class to weight, got ${JSON.stringify(classWeight)}`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = perClass[codes[i]!]! * (sw ? sw[i]! : 1);
  return out;
}
