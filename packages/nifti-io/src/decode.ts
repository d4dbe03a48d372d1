// Incremental decoding: bytes arrive in chunks (from a file, a gunzip stream, or a browser
// DecompressionStream) and go straight into the destination array, so 4-D data is never held
// twice. Works in Node and in browsers (no Node imports).
import { affineFromHeader } from './affine.js';
import { allocFor, dtypeFromCode, HOST_LITTLE_ENDIAN, type DtypeInfo, type NumericArray } from './dtypes.js';
import { parseExtensions, parseHeader, sniffHeader, type NiftiHeader } from './header.js';
import { NiftiImage } from './image.js';

/** How an image is decoded: output type, scaling, a size limit and a volume selection. */
export interface ReadOptions {
  /** 'native' keeps the file's type (int64 -> float64); float32/float64 convert while reading. */
  dtype?: 'native' | 'float32' | 'float64';
  /** Apply scl_slope/scl_inter (default true). Scaled native data becomes float64. */
  applyScaling?: boolean;
  /** Refuse images whose voxel data would need more bytes than this (default 8 GiB). */
  maxBytes?: number;
  /**
   * Keep only these volumes of a 4-D image (ascending indices), in that order; the others are
   * skipped as they stream past, so a large atlas costs the memory of the volumes asked for.
   */
  volumes?: readonly number[];
}

const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
/** Largest typed-array length V8 allows here. */
const MAX_ELEMENTS = 2 ** 32 - 1;

type Ctor = { new (buf: ArrayBufferLike, off: number, len: number): NumericArray; BYTES_PER_ELEMENT: number };

function viewCtor(d: DtypeInfo): Ctor | undefined {
  switch (d.name) {
    case 'uint8':
    case 'rgb24':
    case 'rgba32':
      return Uint8Array as unknown as Ctor;
    case 'int8':
      return Int8Array as unknown as Ctor;
    case 'int16':
      return Int16Array as unknown as Ctor;
    case 'uint16':
      return Uint16Array as unknown as Ctor;
    case 'int32':
      return Int32Array as unknown as Ctor;
    case 'uint32':
      return Uint32Array as unknown as Ctor;
    case 'float32':
    case 'complex64':
      return Float32Array as unknown as Ctor;
    case 'float64':
    case 'complex128':
      return Float64Array as unknown as Ctor;
    default:
      return undefined; // int64/uint64 are converted element by element
  }
}

/**
 * Incremental NIfTI decoder: feed the file's (uncompressed) bytes in chunks with `push`, then
 * call `finish` for the image. Voxel data go straight into the output array, so a 4-D image is
 * never held twice. Bytes after the voxel data are ignored, as nibabel does.
 */
export class NiftiDecoder {
  private readonly where: string;
  private readonly opts: Required<Omit<ReadOptions, 'volumes'>>;
  private readonly volumes?: readonly number[];
  /** Raw data bytes seen so far (volume selection), and the bytes of one source volume. */
  private rawSeen = 0;
  private volumeBytes = 0;
  private head: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private header?: NiftiHeader;
  private info?: DtypeInfo;
  private out?: NumericArray;
  private shape: number[] = [];
  private elemSize = 0;
  private totalElems = 0;
  private written = 0; // elements written
  private carry: Uint8Array<ArrayBufferLike> = new Uint8Array(16);
  private carryLen = 0;
  private scratch: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private slope = 1;
  private inter = 0;
  private scaling = false;
  private sameLayout = false;
  private readonly plausibleBytes: number;

  /** `plausibleBytes`: an upper bound on the data the source can hold (for early rejection). */
  constructor(where: string, opts: ReadOptions = {}, plausibleBytes = Infinity) {
    this.where = where;
    this.opts = { dtype: opts.dtype ?? 'native', applyScaling: opts.applyScaling ?? true, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES };
    this.plausibleBytes = plausibleBytes;
    this.volumes = opts.volumes;
  }

  /** True once every voxel value has arrived (further pushes are ignored). */
  get done(): boolean {
    return this.out !== undefined && this.written >= this.totalElems;
  }

  /**
   * Take the next chunk of the file. Throws (naming the source) as soon as the header is
   * invalid or the image is larger than `maxBytes` or than the source can hold.
   */
  push(chunk: Uint8Array): void {
    if (this.done) return; // trailing bytes after the data are ignored, as nibabel does
    if (!this.out) {
      // Avoid copying a whole in-memory file: only buffer while the header is incomplete.
      const buf = this.head.length ? concat(this.head, chunk) : chunk;
      this.head = buf;
      if (!this.tryStart()) {
        if (buf === chunk) this.head = chunk.slice();
        return;
      }
      const rest = buf.subarray(this.header!.vox_offset);
      this.head = new Uint8Array(0);
      if (rest.length) this.select(rest);
      return;
    }
    this.select(chunk);
  }

  /** Pass on the parts of `chunk` that belong to the selected volumes (all of it without a selection). */
  private select(chunk: Uint8Array): void {
    const vols = this.volumes;
    if (!vols) return this.consume(chunk);
    const vb = this.volumeBytes;
    let pos = this.rawSeen;
    const end = pos + chunk.length;
    this.rawSeen = end;
    // The next selected volume at or after pos is found from how much has been written.
    while (pos < end && !this.done) {
      const k = Math.floor((this.written * this.elemSize + this.carryLen) / vb);
      const start = vols[k]! * vb,
        stop = start + vb;
      if (stop <= pos) break; // cannot happen: written data never runs ahead of the stream
      if (start >= end) return;
      const from = Math.max(start, pos),
        to = Math.min(stop, end);
      this.consume(chunk.subarray(from - (end - chunk.length), to - (end - chunk.length)));
      pos = to;
    }
  }

  /**
   * The decoded image.
   * @throws Error `<where>: file is truncated ...` when the header or the voxel data are incomplete.
   */
  finish(): NiftiImage {
    if (!this.out) {
      if (this.head.length < 4) throw new Error(`${this.where}: file is truncated (${this.head.length} bytes, no header)`);
      sniffHeader(this.head.subarray(0, 4), this.where);
      this.tryStart();
      throw new Error(`${this.where}: file is truncated before the voxel data (got ${this.head.length} bytes)`);
    }
    if (this.written < this.totalElems) {
      const need = this.totalElems * this.elemSize;
      const got = this.written * this.elemSize + this.carryLen;
      throw new Error(
        `${this.where}: file is truncated or dimensions are inconsistent with its size: shape [${this.shape.join(', ')}] ` +
          `needs ${need} data bytes after vox_offset, found ${got}`,
      );
    }
    const h = this.header!;
    const affine = affineFromHeader(h, this.where);
    return new NiftiImage({ data: this.out, shape: this.shape, affine, header: h, dtype: this.outDtype() });
  }

  private outDtype() {
    const info = this.info!;
    if (!info.numeric) return info.name;
    return this.out instanceof Float32Array ? 'float32' : undefined;
  }

  /** Parse the header once enough bytes are in; allocate the destination. */
  private tryStart(): boolean {
    if (this.head.length < 4) return false;
    const { size } = sniffHeader(this.head.subarray(0, 4), this.where);
    if (this.head.length < size) return false;
    const h = this.header ?? parseHeader(this.head, this.where);
    this.header = h;
    if (this.head.length < h.vox_offset) {
      if (h.vox_offset > 64 * 1024 * 1024) throw new Error(`${this.where}: vox_offset ${h.vox_offset} is implausibly large`);
      return false;
    }
    h.extensions = parseExtensions(h, this.head.subarray(0, h.vox_offset), this.where);
    const info = dtypeFromCode(h.datatype, this.where);
    if (h.bitpix !== info.bytes * 8) {
      throw new Error(`${this.where}: bitpix ${h.bitpix} does not match datatype ${info.name} (${info.bytes * 8} bits)`);
    }
    this.info = info;
    const rank = h.dim[0]!;
    const shape = h.dim.slice(1, rank + 1);
    while (shape.length > 3 && shape[shape.length - 1] === 1 && shape.length > 4) shape.pop();
    while (shape.length < 3) shape.push(1);
    const sourceElems = shape.reduce((a, b) => a * b, 1) * info.components;
    this.elemSize = info.bytes / info.components;
    if (this.volumes) this.selectVolumes(shape, h);
    this.shape = shape;
    const nvox = shape.reduce((a, b) => a * b, 1);
    this.totalElems = nvox * info.components;
    const wantFloat = this.opts.dtype !== 'native';
    if (wantFloat && !info.numeric) {
      throw new Error(`${this.where}: ${info.name} data cannot be converted to ${this.opts.dtype} (not a numeric datatype)`);
    }
    const slope = h.scl_slope,
      inter = h.scl_inter;
    this.scaling =
      this.opts.applyScaling &&
      info.numeric &&
      Number.isFinite(slope) &&
      slope !== 0 &&
      !(slope === 1 && (inter === 0 || !Number.isFinite(inter)));
    if (this.scaling) {
      this.slope = slope;
      this.inter = Number.isFinite(inter) ? inter : 0;
    }
    const outName =
      this.opts.dtype === 'float32' ? 'float32' : this.opts.dtype === 'float64' ? 'float64' : this.scaling ? 'float64' : info.name;
    const outBytesPer =
      outName === 'float32' ? 4 : outName === 'float64' || info.name === 'int64' || info.name === 'uint64' ? 8 : this.elemSize;
    const needBytes = this.totalElems * outBytesPer;
    if (this.totalElems > MAX_ELEMENTS || needBytes > this.opts.maxBytes) {
      throw new Error(
        `${this.where}: shape [${shape.join(', ')}] would need ${(needBytes / 1024 ** 3).toFixed(1)} GiB, over the ${(this.opts.maxBytes / 1024 ** 3).toFixed(1)} GiB limit`,
      );
    }
    if (sourceElems * this.elemSize > this.plausibleBytes) {
      throw new Error(
        `${this.where}: dimensions are inconsistent with the file size: shape [${shape.join(', ')}] needs ${this.totalElems * this.elemSize} data bytes, more than the file can hold`,
      );
    }
    if (h.scl_slope !== 1 || h.scl_inter !== 0) {
      // Record the scaling the file had; values in memory are already scaled when applied.
      if (this.scaling) {
        h.scl_slope = 1;
        h.scl_inter = 0;
      }
    }
    // int64/uint64 are held as float64 natively (allocFor), or float32 when that was asked for.
    this.out = allocFor(outName as Parameters<typeof allocFor>[0], this.totalElems);
    this.sameLayout =
      h.littleEndian === HOST_LITTLE_ENDIAN &&
      !this.scaling &&
      viewCtor(info) !== undefined &&
      this.out.BYTES_PER_ELEMENT === this.elemSize &&
      (outName === info.name || !info.numeric);
    return true;
  }

  /** Check the volume selection against the 4-D shape and make the header describe the result. */
  private selectVolumes(shape: number[], h: NiftiHeader): void {
    const vols = this.volumes!;
    const nVol = shape.length >= 4 ? shape.slice(3).reduce((a, b) => a * b, 1) : 1;
    if (shape.length > 4) throw new Error(`${this.where}: volumes: only 4-D images can be read by volume, shape is [${shape.join(', ')}]`);
    if (vols.length === 0) throw new Error(`${this.where}: volumes: the list of volumes to read is empty`);
    vols.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= nVol) throw new Error(`${this.where}: volumes: index ${v} is outside 0..${nVol - 1}`);
      if (i > 0 && v <= vols[i - 1]!)
        throw new Error(`${this.where}: volumes: indices must be ascending without repeats, got ${vols.join(', ')}`);
    });
    this.volumeBytes = shape[0]! * shape[1]! * shape[2]! * this.info!.bytes;
    if (shape.length === 3) shape.push(1);
    shape[3] = vols.length;
    h.dim[0] = 4;
    h.dim[4] = vols.length;
  }

  private consume(chunk: Uint8Array): void {
    let off = 0;
    const es = this.elemSize;
    if (this.carryLen) {
      const take = Math.min(es - this.carryLen, chunk.length);
      this.carry.set(chunk.subarray(0, take), this.carryLen);
      this.carryLen += take;
      off = take;
      if (this.carryLen < es) return;
      this.convert(this.carry.subarray(0, es), 1);
      this.carryLen = 0;
    }
    const remainingElems = this.totalElems - this.written;
    const whole = Math.min(Math.floor((chunk.length - off) / es), remainingElems);
    if (whole > 0) this.convert(chunk.subarray(off, off + whole * es), whole);
    off += whole * es;
    if (this.written < this.totalElems && off < chunk.length) {
      const left = chunk.length - off; // < es
      this.carry.set(chunk.subarray(off, off + left), 0);
      this.carryLen = left;
    }
  }

  /** Convert `n` elements from raw file bytes into the destination. */
  private convert(bytes: Uint8Array, n: number): void {
    const out = this.out!;
    const info = this.info!;
    const at = this.written;
    if (this.sameLayout) {
      new Uint8Array(out.buffer, out.byteOffset + at * this.elemSize, n * this.elemSize).set(bytes);
      this.written += n;
      return;
    }
    const es = this.elemSize;
    const le = this.header!.littleEndian;
    // Get an aligned, host-endian copy of the bytes when needed (one reused scratch buffer).
    let src = bytes;
    if (le !== HOST_LITTLE_ENDIAN || bytes.byteOffset % es !== 0) {
      if (this.scratch.length < bytes.length) this.scratch = new Uint8Array(Math.max(bytes.length, 1 << 20));
      src = this.scratch.subarray(0, bytes.length);
      src.set(bytes);
      if (le !== HOST_LITTLE_ENDIAN && es > 1) swapBytes(src, es);
    }
    const Ctor = viewCtor(info);
    if (Ctor) {
      const view = new Ctor(src.buffer, src.byteOffset, n);
      out.set(view as unknown as ArrayLike<number>, at);
    } else {
      const big =
        info.name === 'int64' ? new BigInt64Array(src.buffer, src.byteOffset, n) : new BigUint64Array(src.buffer, src.byteOffset, n);
      const lim = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < n; i++) {
        const v = big[i]!;
        if (v > lim || v < -lim) {
          throw new Error(
            `${this.where}: ${info.name} voxel ${at + i} holds ${v}, outside the exactly representable range (|v| <= 2^53-1)`,
          );
        }
        out[at + i] = Number(v);
      }
    }
    if (this.scaling) {
      const s = this.slope,
        c = this.inter;
      for (let i = at, end = at + n; i < end; i++) out[i] = out[i]! * s + c;
    }
    this.written += n;
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decode an uncompressed NIfTI file held in memory. */
export function parseNifti(bytes: Uint8Array, where = 'buffer', opts: ReadOptions = {}): NiftiImage {
  const dec = new NiftiDecoder(where, opts, bytes.length);
  dec.push(bytes);
  return dec.finish();
}

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Deflate cannot expand data by more than about 1032:1, which bounds a .gz file's content. */
export const MAX_DEFLATE_RATIO = 1032;
