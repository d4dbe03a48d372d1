// Fitted state as JSON: typed arrays and matrices tagged with their type, non-finite numbers
// spelled out (JSON has no NaN or Infinity), everything else as plain JSON. Numbers round-trip
// exactly (JavaScript prints the shortest string that parses back to the same double).
import { Matrix } from '@neurodecode/matrix';

/** Format tag of an estimator's toJSON() output; fromJSON refuses any other. */
export const ESTIMATOR_JSON_FORMAT = 'neurodecode-estimator/1';

/** What toJSON() returns: the class, its hyper-parameters and its fitted state (null when unfitted). */
export interface EstimatorJSON {
  format: typeof ESTIMATOR_JSON_FORMAT;
  estimator: string;
  params: unknown;
  state: unknown;
}

type Tagged = { $type: string; values: unknown[]; rows?: number; cols?: number };

const TYPED: Record<string, new (values: ArrayLike<number>) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
};

function num(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function unnum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new Error(`state: ${JSON.stringify(v)} is not a number`);
}

/** A JSON-safe copy of `value`. Functions and class instances other than Matrix are refused. */
export function encodeValue(value: unknown, path = 'state'): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return num(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Matrix) return { $type: 'Matrix', rows: value.rows, cols: value.cols, values: Array.from(value.data, num) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    if (!TYPED[name]) throw new Error(`${path}: cannot save a ${name}`);
    return { $type: name, values: Array.from(value as unknown as ArrayLike<number>, num) };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeValue(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const json = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof json === 'function') return json.call(value);
      throw new Error(`${path}: cannot save a ${(value as object).constructor?.name ?? 'object'} (it has no toJSON)`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeValue(v, `${path}.${k}`);
    return out;
  }
  throw new Error(`${path}: cannot save a ${typeof value}`);
}

/** The inverse of encodeValue. */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value && typeof value === 'object') {
    const t = value as Tagged;
    if (typeof t.$type === 'string' && Array.isArray(t.values)) {
      if (t.$type === 'Matrix') return new Matrix(t.rows!, t.cols!, Float64Array.from(t.values, unnum));
      const Ctor = TYPED[t.$type];
      if (!Ctor) throw new Error(`state: unknown array type ${t.$type}`);
      return new Ctor(t.values.map(unnum));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
    return out;
  }
  return value;
}

/** Build toJSON()'s object from the estimator's name, parameters and fitted state (undefined when unfitted). */
export function toEstimatorJSON(estimator: string, params: unknown, state: unknown): EstimatorJSON {
  return {
    format: ESTIMATOR_JSON_FORMAT,
    estimator,
    params: encodeValue(params, 'params'),
    state: state === undefined ? null : encodeValue(state),
  };
}

/** Check that `json` is an EstimatorJSON written by `estimator` and decode its parts. */
export function readEstimatorJSON(json: unknown, estimator: string): { params: Record<string, unknown>; state: unknown } {
  const j = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<EstimatorJSON> | null;
  if (!j || typeof j !== 'object' || j.format !== ESTIMATOR_JSON_FORMAT) {
    throw new Error(`json: not a saved estimator (expected format "${ESTIMATOR_JSON_FORMAT}", got ${JSON.stringify(j?.format)})`);
  }
  if (j.estimator !== estimator) throw new Error(`json: holds a ${j.estimator}, not a ${estimator}`);
  return { params: (decodeValue(j.params) ?? {}) as Record<string, unknown>, state: j.state === null ? undefined : decodeValue(j.state) };
}
