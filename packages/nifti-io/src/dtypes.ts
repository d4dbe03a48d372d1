// NIfTI datatype codes and how each maps to a JavaScript typed array.

/**
 * Names of the NIfTI data types this package reads and writes (nibabel's spellings). int64 and
 * uint64 are held as float64 in memory; rgb24, rgba32 and complex types are not numeric.
 */
export type DtypeName =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'rgb24'
  | 'rgba32'
  | 'complex64'
  | 'complex128';

/** The typed arrays voxel data is held in (int64/uint64 as Float64Array, rgb as Uint8Array, complex interleaved). */
export type NumericArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** One NIfTI data type: its header code, name, size in the file and whether it is arithmetic. */
export interface DtypeInfo {
  /** The header's `datatype` code (2 = uint8, 4 = int16, 16 = float32, ...). */
  code: number;
  /** Its name. */
  name: DtypeName;
  /** Bytes per voxel in the file. */
  bytes: number;
  /** Values per voxel (3 for rgb24, 2 for complex). */
  components: number;
  /** True when arithmetic on the voxel values makes sense. */
  numeric: boolean;
}

const TABLE: DtypeInfo[] = [
  { code: 2, name: 'uint8', bytes: 1, components: 1, numeric: true },
  { code: 4, name: 'int16', bytes: 2, components: 1, numeric: true },
  { code: 8, name: 'int32', bytes: 4, components: 1, numeric: true },
  { code: 16, name: 'float32', bytes: 4, components: 1, numeric: true },
  { code: 32, name: 'complex64', bytes: 8, components: 2, numeric: false },
  { code: 64, name: 'float64', bytes: 8, components: 1, numeric: true },
  { code: 128, name: 'rgb24', bytes: 3, components: 3, numeric: false },
  { code: 256, name: 'int8', bytes: 1, components: 1, numeric: true },
  { code: 512, name: 'uint16', bytes: 2, components: 1, numeric: true },
  { code: 768, name: 'uint32', bytes: 4, components: 1, numeric: true },
  { code: 1024, name: 'int64', bytes: 8, components: 1, numeric: true },
  { code: 1280, name: 'uint64', bytes: 8, components: 1, numeric: true },
  { code: 1792, name: 'complex128', bytes: 16, components: 2, numeric: false },
  { code: 2304, name: 'rgba32', bytes: 4, components: 4, numeric: false },
];

const BY_CODE = new Map(TABLE.map((d) => [d.code, d]));
const BY_NAME = new Map(TABLE.map((d) => [d.name, d]));

const UNSUPPORTED: Record<number, string> = { 1536: 'float128', 2048: 'complex256', 1: 'binary (1 bit)' };

/**
 * The data type of a header `datatype` code.
 * @throws Error `<where>: datatype N (...) is not supported` for float128, complex256 and 1-bit data,
 * `<where>: unknown datatype code N` for codes outside the standard.
 */
export function dtypeFromCode(code: number, where: string): DtypeInfo {
  const d = BY_CODE.get(code);
  if (d) return d;
  const known = UNSUPPORTED[code];
  if (known) throw new Error(`${where}: datatype ${code} (${known}) is not supported`);
  throw new Error(`${where}: unknown datatype code ${code}`);
}

/**
 * The data type of a name.
 * @throws Error `unknown dtype "..."` for a name outside {@link DtypeName}.
 */
export function dtypeFromName(name: DtypeName): DtypeInfo {
  const d = BY_NAME.get(name);
  if (!d) throw new Error(`unknown dtype "${name}"`);
  return d;
}

/** The in-memory array class for voxels of this dtype (int64 is held as float64, checked). */
export function allocFor(name: DtypeName, length: number): NumericArray {
  switch (name) {
    case 'uint8':
    case 'rgb24':
    case 'rgba32':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'float32':
    case 'complex64':
      return new Float32Array(length);
    case 'float64':
    case 'complex128':
    case 'int64':
    case 'uint64':
      return new Float64Array(length);
  }
}

/** The dtype a typed array is written as. */
export function dtypeOfArray(a: NumericArray): DtypeName {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

/** True when this machine stores multi-byte numbers little-endian (every platform Node runs on). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
