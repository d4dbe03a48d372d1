// Region names at points from an atlas image: a probabilistic 4-D atlas (one probability map per
// region, e.g. Harvard-Oxford; the most probable region wins) or a 3-D label image. A 1 mm
// probabilistic atlas is large (Harvard-Oxford: 151x194x159x113 bytes, over 500 MB unpacked), so a
// file is streamed once and only the bytes under the requested points are kept.

// Files are read only when an atlas is given by path; the modules are looked up then (not imported
// at the top) so clustersTable, which uses this file, also bundles for browsers, where atlases
// come as NiftiImages.
function nodeFs(): typeof import('node:fs') {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!get) throw new Error('atlas: reading an atlas file by path needs Node; pass the atlas as a NiftiImage');
  return get('node:fs') as typeof import('node:fs');
}

function nodeZlib(): typeof import('node:zlib') {
  return (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } }).process.getBuiltinModule(
    'node:zlib',
  ) as typeof import('node:zlib');
}
import {
  dtypeFromCode,
  invertAffine,
  NiftiImage,
  parseHeader,
  sniffHeader,
  affineFromHeader,
  type Affine,
  type NiftiHeader,
} from '@neurodecode/nifti-io';

/** An atlas: its image (path or in memory) and its region names. */
export interface AtlasSpec {
  /** 4-D probabilistic atlas (volume t = region t) or 3-D label image (value = region index). */
  img: NiftiImage | string;
  /**
   * Region names: a list (entry t names volume t, or label value t of a 3-D atlas) or the path of a
   * CSV file with `index,name` rows (a header line is skipped).
   */
  labels: readonly string[] | string;
}

/** The region at one point; undefined when the point is outside the atlas or in no region. */
export interface AtlasHit {
  region: string;
  /** For a probabilistic atlas, the region's value at the point (e.g. percent); else 1. */
  probability: number;
}

/** Read an `index,name` CSV (header optional) into a list indexed by `index`. */
export async function readAtlasLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await nodeFs().promises.readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`atlas labels: cannot read ${path} (${(err as Error).message})`);
  }
  const names: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const comma = line.indexOf(',');
    const idx = comma < 0 ? NaN : Number(line.slice(0, comma));
    if (!Number.isInteger(idx) || idx < 0) {
      if (n === 0) continue; // header line
      throw new Error(`atlas labels: ${path} line ${n + 1}: expected "index,name", got "${line}"`);
    }
    names[idx] = line
      .slice(comma + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return names;
}

/**
 * The atlas region at each world (mm) point, via the atlas's affine (nearest atlas voxel). For a 4-D
 * atlas the region is the volume with the largest value there (ties: the lower index); a point
 * where every volume is 0, or a 3-D atlas value of 0, is in no region.
 */
export async function atlasRegionsAt(points: readonly (readonly number[])[], atlas: AtlasSpec): Promise<(AtlasHit | undefined)[]> {
  const names = typeof atlas.labels === 'string' ? await readAtlasLabels(atlas.labels) : atlas.labels;
  const sampled = typeof atlas.img === 'string' ? await sampleFile(atlas.img, points) : sampleImage(atlas.img, points);
  return sampled.map((values) => {
    if (!values) return undefined;
    if (sampled.nVolumes === 1) {
      const label = Math.round(values[0]!);
      if (label === 0 || !Number.isFinite(label)) return undefined;
      return { region: names[label] ?? `label ${label}`, probability: 1 };
    }
    let best = 0;
    for (let t = 1; t < values.length; t++) if (values[t]! > values[best]!) best = t;
    if (!(values[best]! > 0)) return undefined;
    return { region: names[best] ?? `volume ${best}`, probability: values[best]! };
  });
}

type Samples = (Float64Array | undefined)[] & { nVolumes: number };

/** Nearest atlas voxel (flat index in one volume) of each point, or -1 outside the grid. */
function atlasVoxels(points: readonly (readonly number[])[], affine: Affine, shape: readonly number[]): Int32Array {
  const inv = invertAffine(affine);
  const out = new Int32Array(points.length);
  for (let p = 0; p < points.length; p++) {
    const pt = points[p]!;
    if (pt.length !== 3 || !pt.every(Number.isFinite)) throw new Error(`points[${p}]: expected three finite mm coordinates`);
    const ijk = [0, 1, 2].map((r) => Math.round(inv[r]![0]! * pt[0]! + inv[r]![1]! * pt[1]! + inv[r]![2]! * pt[2]! + inv[r]![3]!));
    const inside = ijk.every((c, d) => c >= 0 && c < shape[d]!);
    out[p] = inside ? ijk[0]! + shape[0]! * (ijk[1]! + shape[1]! * ijk[2]!) : -1;
  }
  return out;
}

function sampleImage(img: NiftiImage, points: readonly (readonly number[])[]): Samples {
  img.assertNumeric('atlas.img');
  const vox = atlasVoxels(points, img.affine, img.shape);
  const nVol = img.nVolumes,
    vol = img.volumeSize;
  const out = Array.from(vox, (v) => {
    if (v < 0) return undefined;
    const values = new Float64Array(nVol);
    for (let t = 0; t < nVol; t++) values[t] = img.data[t * vol + v]!;
    return values;
  }) as Samples;
  out.nVolumes = nVol;
  return out;
}

/** Stream the file once, keeping only the bytes of the requested voxels in every volume. */
async function sampleFile(path: string, points: readonly (readonly number[])[]): Promise<Samples> {
  const magic = Buffer.alloc(2);
  try {
    const fh = await nodeFs().promises.open(path, 'r');
    try {
      await fh.read(magic, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new Error(`atlas.img: cannot read ${path} (${(err as Error).message})`);
  }
  const gz = magic[0] === 0x1f && magic[1] === 0x8b;
  const file = nodeFs().createReadStream(path, { highWaterMark: 1 << 20 });
  const source = gz ? file.pipe(nodeZlib().createGunzip({ chunkSize: 1 << 20 })) : file;
  if (gz) file.on('error', (e) => source.destroy(e));

  let head = Buffer.alloc(0);
  let header: NiftiHeader | undefined;
  let plan: Plan | undefined;
  let pos = 0; // byte position of the current chunk's start in the unpacked file
  let next = 0; // next entry of plan.order to fill
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let buf = chunk;
      if (!header) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 4) continue;
        const { size } = sniffHeader(head.subarray(0, 4), path);
        if (head.length < size) continue;
        header = parseHeader(head.subarray(0, size), path);
        plan = makePlan(header, path, points);
        buf = head;
      }
      const p = plan!;
      const end = pos + buf.length;
      while (next < p.order.length && p.offsets[p.order[next]!]! < end) {
        const at = p.order[next]!;
        p.bytes[at] = buf[p.offsets[at]! - pos]!;
        next++;
      }
      pos = end;
      if (next >= p.order.length) break;
    }
  } catch (err) {
    throw new Error(`atlas.img: ${path}: ${(err as Error).message}`);
  } finally {
    file.destroy();
    if (source !== file) source.destroy();
  }
  if (!header || !plan || next < plan.order.length) throw new Error(`atlas.img: ${path}: file ends before its voxel data`);
  return decodeSamples(header, plan);
}

/** Which unpacked-file bytes to keep: offsets[n], visited in increasing order through `order`. */
interface Plan {
  offsets: Float64Array;
  order: Int32Array;
  bytes: Uint8Array;
  vox: Int32Array;
  nVol: number;
  elem: number;
}

function makePlan(h: NiftiHeader, path: string, points: readonly (readonly number[])[]): Plan {
  const info = dtypeFromCode(h.datatype, path);
  if (!info.numeric) throw new Error(`atlas.img: ${path}: ${info.name} data cannot be an atlas`);
  const shape = h.dim.slice(1, 1 + h.dim[0]!);
  const nVol = shape.slice(3).reduce((a, b) => a * b, 1);
  const vox = atlasVoxels(points, affineFromHeader(h, path), shape);
  const vol = shape[0]! * shape[1]! * shape[2]!;
  const elem = info.bytes;
  const inside = Array.from(vox).filter((v) => v >= 0).length;
  const offsets = new Float64Array(inside * nVol * elem);
  let n = 0;
  for (let p = 0; p < vox.length; p++) {
    if (vox[p]! < 0) continue;
    for (let t = 0; t < nVol; t++) for (let b = 0; b < elem; b++) offsets[n++] = h.vox_offset + (t * vol + vox[p]!) * elem + b;
  }
  const order = Int32Array.from(offsets.keys()).sort((a, b) => offsets[a]! - offsets[b]!);
  return { offsets, order, bytes: new Uint8Array(offsets.length), vox, nVol, elem };
}

function decodeSamples(h: NiftiHeader, plan: Plan): Samples {
  const info = dtypeFromCode(h.datatype, 'atlas');
  const view = new DataView(plan.bytes.buffer);
  const little = h.littleEndian;
  const slope = h.scl_slope && Number.isFinite(h.scl_slope) ? h.scl_slope : 1;
  const inter = h.scl_slope && Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
  const read = (off: number): number => {
    switch (info.name) {
      case 'uint8':
        return view.getUint8(off);
      case 'int8':
        return view.getInt8(off);
      case 'int16':
        return view.getInt16(off, little);
      case 'uint16':
        return view.getUint16(off, little);
      case 'int32':
        return view.getInt32(off, little);
      case 'uint32':
        return view.getUint32(off, little);
      case 'float32':
        return view.getFloat32(off, little);
      case 'float64':
        return view.getFloat64(off, little);
      default:
        throw new Error(`atlas: ${info.name} atlases are not supported`);
    }
  };
  let n = 0;
  const out = Array.from(plan.vox, (v) => {
    if (v < 0) return undefined;
    const values = new Float64Array(plan.nVol);
    for (let t = 0; t < plan.nVol; t++, n++) values[t] = read(n * plan.elem) * slope + inter;
    return values;
  }) as Samples;
  out.nVolumes = plan.nVol;
  return out;
}
