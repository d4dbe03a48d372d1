// NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: parse, serialise, and the affine.
/** One header extension (after the header, before the voxel data). */
export interface NiftiExtension {
  /** The extension's ecode (e.g. 4 for AFNI, 6 for a comment). */
  code: number;
  /** Its content, without the 8-byte esize/ecode prefix. */
  data: Uint8Array;
}

/** Header fields under their NIfTI names (both versions map onto this). */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  dim_info: number;
  dim: number[]; // 8 entries, dim[0] = rank
  intent_p1: number;
  intent_p2: number;
  intent_p3: number;
  intent_code: number;
  datatype: number;
  bitpix: number;
  slice_start: number;
  pixdim: number[]; // 8 entries, pixdim[0] = qfac
  vox_offset: number;
  scl_slope: number;
  scl_inter: number;
  slice_end: number;
  slice_code: number;
  xyzt_units: number;
  cal_max: number;
  cal_min: number;
  slice_duration: number;
  toffset: number;
  descrip: string;
  aux_file: string;
  qform_code: number;
  sform_code: number;
  quatern_b: number;
  quatern_c: number;
  quatern_d: number;
  qoffset_x: number;
  qoffset_y: number;
  qoffset_z: number;
  srow_x: number[];
  srow_y: number[];
  srow_z: number[];
  intent_name: string;
  magic: string;
  extensions: NiftiExtension[];
}

/** A voxel-to-mm affine: 4 rows of 4 numbers, the last row 0 0 0 1. */
export type Affine = number[][];

function readString(bytes: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && bytes[end] !== 0) end++;
  // Byte-for-byte (ISO-8859-1), so writeString restores the same bytes. TextDecoder('latin1')
  // would decode windows-1252 instead and turn 0x80-0x9f into characters that do not round-trip.
  return String.fromCharCode(...bytes.subarray(off, end));
}

function writeString(bytes: Uint8Array, off: number, len: number, s: string): void {
  for (let i = 0; i < len; i++) bytes[off + i] = i < s.length ? s.charCodeAt(i) & 0xff : 0;
}

/** The header size for the file's first 4 bytes, with its byte order, or an error. */
export function sniffHeader(first4: Uint8Array, where: string): { version: 1 | 2; littleEndian: boolean; size: number } {
  const dv = new DataView(first4.buffer, first4.byteOffset, 4);
  for (const le of [true, false]) {
    const n = dv.getInt32(0, le);
    if (n === 348) return { version: 1, littleEndian: le, size: 348 };
    if (n === 540) return { version: 2, littleEndian: le, size: 540 };
  }
  throw new Error(`${where}: not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)`);
}

/**
 * Parse a NIfTI-1 or NIfTI-2 header of either byte order from the start of a file's bytes
 * (extensions are read separately by {@link parseExtensions}).
 * @param where Names the source in errors.
 * @throws Error `<where>: ...` when the bytes are not a NIfTI header or are truncated inside it.
 */
export function parseHeader(bytes: Uint8Array, where: string): NiftiHeader {
  if (bytes.length < 4) throw new Error(`${where}: file is truncated (no header)`);
  const { version, littleEndian: le, size } = sniffHeader(bytes.subarray(0, 4), where);
  if (bytes.length < size) throw new Error(`${where}: file is truncated inside the ${size}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
  const h = {} as NiftiHeader;
  h.version = version;
  h.littleEndian = le;
  if (version === 1) {
    h.magic = readString(bytes, 344, 4);
    if (h.magic !== 'n+1' && h.magic !== 'ni1') throw new Error(`${where}: wrong magic "${h.magic}" (expected "n+1")`);
    if (h.magic === 'ni1') throw new Error(`${where}: a .hdr/.img pair (magic "ni1") is not supported; convert to .nii`);
    h.dim_info = bytes[39]!;
    h.dim = Array.from({ length: 8 }, (_, i) => dv.getInt16(40 + 2 * i, le));
    h.intent_p1 = dv.getFloat32(56, le);
    h.intent_p2 = dv.getFloat32(60, le);
    h.intent_p3 = dv.getFloat32(64, le);
    h.intent_code = dv.getInt16(68, le);
    h.datatype = dv.getInt16(70, le);
    h.bitpix = dv.getInt16(72, le);
    h.slice_start = dv.getInt16(74, le);
    h.pixdim = Array.from({ length: 8 }, (_, i) => dv.getFloat32(76 + 4 * i, le));
    h.vox_offset = dv.getFloat32(108, le);
    h.scl_slope = dv.getFloat32(112, le);
    h.scl_inter = dv.getFloat32(116, le);
    h.slice_end = dv.getInt16(120, le);
    h.slice_code = bytes[122]!;
    h.xyzt_units = bytes[123]!;
    h.cal_max = dv.getFloat32(124, le);
    h.cal_min = dv.getFloat32(128, le);
    h.slice_duration = dv.getFloat32(132, le);
    h.toffset = dv.getFloat32(136, le);
    h.descrip = readString(bytes, 148, 80);
    h.aux_file = readString(bytes, 228, 24);
    h.qform_code = dv.getInt16(252, le);
    h.sform_code = dv.getInt16(254, le);
    [h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z] = Array.from({ length: 6 }, (_, i) =>
      dv.getFloat32(256 + 4 * i, le),
    ) as [number, number, number, number, number, number];
    h.srow_x = Array.from({ length: 4 }, (_, i) => dv.getFloat32(280 + 4 * i, le));
    h.srow_y = Array.from({ length: 4 }, (_, i) => dv.getFloat32(296 + 4 * i, le));
    h.srow_z = Array.from({ length: 4 }, (_, i) => dv.getFloat32(312 + 4 * i, le));
    h.intent_name = readString(bytes, 328, 16);
  } else {
    h.magic = readString(bytes, 4, 4);
    if (h.magic !== 'n+2' && h.magic !== 'ni2') throw new Error(`${where}: wrong magic "${h.magic}" (expected "n+2")`);
    if (h.magic === 'ni2') throw new Error(`${where}: a .hdr/.img pair (magic "ni2") is not supported; convert to .nii`);
    const i64 = (off: number): number => {
      const v = dv.getBigInt64(off, le);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new Error(`${where}: header field at byte ${off} holds ${v}, beyond the safe integer range`);
      }
      return Number(v);
    };
    h.datatype = dv.getInt16(12, le);
    h.bitpix = dv.getInt16(14, le);
    h.dim = Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i));
    h.intent_p1 = dv.getFloat64(80, le);
    h.intent_p2 = dv.getFloat64(88, le);
    h.intent_p3 = dv.getFloat64(96, le);
    h.pixdim = Array.from({ length: 8 }, (_, i) => dv.getFloat64(104 + 8 * i, le));
    h.vox_offset = i64(168);
    h.scl_slope = dv.getFloat64(176, le);
    h.scl_inter = dv.getFloat64(184, le);
    h.cal_max = dv.getFloat64(192, le);
    h.cal_min = dv.getFloat64(200, le);
    h.slice_duration = dv.getFloat64(208, le);
    h.toffset = dv.getFloat64(216, le);
    h.slice_start = i64(224);
    h.slice_end = i64(232);
    h.descrip = readString(bytes, 240, 80);
    h.aux_file = readString(bytes, 320, 24);
    h.qform_code = dv.getInt32(344, le);
    h.sform_code = dv.getInt32(348, le);
    [h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z] = Array.from({ length: 6 }, (_, i) =>
      dv.getFloat64(352 + 8 * i, le),
    ) as [number, number, number, number, number, number];
    h.srow_x = Array.from({ length: 4 }, (_, i) => dv.getFloat64(400 + 8 * i, le));
    h.srow_y = Array.from({ length: 4 }, (_, i) => dv.getFloat64(432 + 8 * i, le));
    h.srow_z = Array.from({ length: 4 }, (_, i) => dv.getFloat64(464 + 8 * i, le));
    h.slice_code = dv.getInt32(496, le);
    h.xyzt_units = dv.getInt32(500, le);
    h.intent_code = dv.getInt32(504, le);
    h.intent_name = readString(bytes, 508, 16);
    h.dim_info = bytes[524]!;
  }
  h.extensions = [];
  // NIfTI-1 stores vox_offset as a float; readers (nibabel included) use its integer part.
  h.vox_offset = Math.floor(h.vox_offset);
  const rank = h.dim[0]!;
  if (!(rank >= 1 && rank <= 7)) throw new Error(`${where}: dim[0] = ${rank} is outside 1..7`);
  for (let i = 1; i <= rank; i++) {
    if (!(h.dim[i]! >= 1)) throw new Error(`${where}: dim[${i}] = ${h.dim[i]} must be at least 1`);
  }
  if (!(h.vox_offset >= size) || !Number.isFinite(h.vox_offset)) {
    throw new Error(`${where}: vox_offset ${h.vox_offset} lies inside the ${size}-byte header`);
  }
  return h;
}

/** Parse the extension blocks between the header and vox_offset (bytes = file start..vox_offset). */
export function parseExtensions(h: NiftiHeader, bytes: Uint8Array, where: string): NiftiExtension[] {
  const start = h.version === 1 ? 348 : 540;
  const out: NiftiExtension[] = [];
  if (bytes.length < start + 4 || bytes[start] === 0) return out;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let off = start + 4;
  while (off + 8 <= bytes.length) {
    const esize = dv.getInt32(off, h.littleEndian);
    const ecode = dv.getInt32(off + 4, h.littleEndian);
    // Zero padding after the last extension (some writers round vox_offset up further) ends the list.
    if (esize === 0 && ecode === 0) break;
    if (esize < 8 || off + esize > bytes.length) {
      throw new Error(`${where}: header extension at byte ${off} has size ${esize}, which runs past vox_offset ${bytes.length}`);
    }
    out.push({ code: ecode, data: bytes.slice(off + 8, off + esize) });
    off += esize;
  }
  return out;
}

/** Serialise a header (with its extensions) in little-endian order; returns header+extensions bytes of length vox_offset. */
export function serializeHeader(h: NiftiHeader): Uint8Array {
  const size = h.version === 1 ? 348 : 540;
  let extTotal = 0;
  // Each extension is padded to a multiple of 16 bytes, as the standard asks.
  const extSizes = h.extensions.map((e) => {
    const esize = Math.ceil((e.data.length + 8) / 16) * 16;
    extTotal += esize;
    return esize;
  });
  const voxOffset = Math.ceil((size + 4 + extTotal) / 16) * 16;
  const bytes = new Uint8Array(voxOffset);
  const dv = new DataView(bytes.buffer);
  const le = true;
  if (h.version === 1) {
    dv.setInt32(0, 348, le);
    bytes[38] = 'r'.charCodeAt(0);
    bytes[39] = h.dim_info;
    h.dim.forEach((v, i) => dv.setInt16(40 + 2 * i, v, le));
    dv.setFloat32(56, h.intent_p1, le);
    dv.setFloat32(60, h.intent_p2, le);
    dv.setFloat32(64, h.intent_p3, le);
    dv.setInt16(68, h.intent_code, le);
    dv.setInt16(70, h.datatype, le);
    dv.setInt16(72, h.bitpix, le);
    dv.setInt16(74, h.slice_start, le);
    h.pixdim.forEach((v, i) => dv.setFloat32(76 + 4 * i, v, le));
    dv.setFloat32(108, voxOffset, le);
    dv.setFloat32(112, h.scl_slope, le);
    dv.setFloat32(116, h.scl_inter, le);
    dv.setInt16(120, h.slice_end, le);
    bytes[122] = h.slice_code;
    bytes[123] = h.xyzt_units;
    dv.setFloat32(124, h.cal_max, le);
    dv.setFloat32(128, h.cal_min, le);
    dv.setFloat32(132, h.slice_duration, le);
    dv.setFloat32(136, h.toffset, le);
    writeString(bytes, 148, 80, h.descrip);
    writeString(bytes, 228, 24, h.aux_file);
    dv.setInt16(252, h.qform_code, le);
    dv.setInt16(254, h.sform_code, le);
    [h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z].forEach((v, i) => dv.setFloat32(256 + 4 * i, v, le));
    h.srow_x.forEach((v, i) => dv.setFloat32(280 + 4 * i, v, le));
    h.srow_y.forEach((v, i) => dv.setFloat32(296 + 4 * i, v, le));
    h.srow_z.forEach((v, i) => dv.setFloat32(312 + 4 * i, v, le));
    writeString(bytes, 328, 16, h.intent_name);
    writeString(bytes, 344, 4, 'n+1');
  } else {
    dv.setInt32(0, 540, le);
    bytes.set([0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 4);
    dv.setInt16(12, h.datatype, le);
    dv.setInt16(14, h.bitpix, le);
    h.dim.forEach((v, i) => dv.setBigInt64(16 + 8 * i, BigInt(v), le));
    dv.setFloat64(80, h.intent_p1, le);
    dv.setFloat64(88, h.intent_p2, le);
    dv.setFloat64(96, h.intent_p3, le);
    h.pixdim.forEach((v, i) => dv.setFloat64(104 + 8 * i, v, le));
    dv.setBigInt64(168, BigInt(voxOffset), le);
    dv.setFloat64(176, h.scl_slope, le);
    dv.setFloat64(184, h.scl_inter, le);
    dv.setFloat64(192, h.cal_max, le);
    dv.setFloat64(200, h.cal_min, le);
    dv.setFloat64(208, h.slice_duration, le);
    dv.setFloat64(216, h.toffset, le);
    dv.setBigInt64(224, BigInt(h.slice_start), le);
    dv.setBigInt64(232, BigInt(h.slice_end), le);
    writeString(bytes, 240, 80, h.descrip);
    writeString(bytes, 320, 24, h.aux_file);
    dv.setInt32(344, h.qform_code, le);
    dv.setInt32(348, h.sform_code, le);
    [h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z].forEach((v, i) => dv.setFloat64(352 + 8 * i, v, le));
    h.srow_x.forEach((v, i) => dv.setFloat64(400 + 8 * i, v, le));
    h.srow_y.forEach((v, i) => dv.setFloat64(432 + 8 * i, v, le));
    h.srow_z.forEach((v, i) => dv.setFloat64(464 + 8 * i, v, le));
    dv.setInt32(496, h.slice_code, le);
    dv.setInt32(500, h.xyzt_units, le);
    dv.setInt32(504, h.intent_code, le);
    writeString(bytes, 508, 16, h.intent_name);
    bytes[524] = h.dim_info;
  }
  if (h.extensions.length) {
    bytes[size] = 1;
    let off = size + 4;
    h.extensions.forEach((e, i) => {
      dv.setInt32(off, extSizes[i]!, le);
      dv.setInt32(off + 4, e.code, le);
      bytes.set(e.data, off + 8);
      off += extSizes[i]!;
    });
  }
  return bytes;
}

/** A blank header (NIfTI-1, float32, unit voxels) to fill in. */
export function emptyHeader(): NiftiHeader {
  return {
    version: 1,
    littleEndian: true,
    dim_info: 0,
    dim: [3, 1, 1, 1, 1, 1, 1, 1],
    intent_p1: 0,
    intent_p2: 0,
    intent_p3: 0,
    intent_code: 0,
    datatype: 16,
    bitpix: 32,
    slice_start: 0,
    pixdim: [1, 1, 1, 1, 1, 1, 1, 1],
    vox_offset: 352,
    scl_slope: 1,
    scl_inter: 0,
    slice_end: 0,
    slice_code: 0,
    xyzt_units: 10,
    cal_max: 0,
    cal_min: 0,
    slice_duration: 0,
    toffset: 0,
    descrip: '',
    aux_file: '',
    qform_code: 0,
    sform_code: 0,
    quatern_b: 0,
    quatern_c: 0,
    quatern_d: 0,
    qoffset_x: 0,
    qoffset_y: 0,
    qoffset_z: 0,
    srow_x: [1, 0, 0, 0],
    srow_y: [0, 1, 0, 0],
    srow_z: [0, 0, 1, 0],
    intent_name: '',
    magic: 'n+1',
    extensions: [],
  };
}
