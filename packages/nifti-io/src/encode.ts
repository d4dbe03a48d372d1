// Header + raw bytes for writing an image (shared by the Node writer and the browser encoder).
import { affineFromHeader, affinesClose, setHeaderAffine } from './affine.js';
import { dtypeFromName, HOST_LITTLE_ENDIAN } from './dtypes.js';
import { serializeHeader, type NiftiHeader } from './header.js';
import type { NiftiImage } from './image.js';

/**
 * The bytes of an image ready to write: the serialised header (little-endian; NIfTI-2 when an axis
 * exceeds 32767), the voxel data as a view of the image's own buffer (not copied), and the header
 * fields used. dim, datatype and bitpix come from the image; the sform/qform fields are rewritten
 * only when they do not already describe the image's affine (within 1e-6), so a read-write round
 * trip keeps them; scaling is reset to none since values in memory are already scaled.
 * @throws Error on a big-endian host.
 */
export function encodeHeader(img: NiftiImage): { header: Uint8Array; data: Uint8Array; fields: NiftiHeader } {
  if (!HOST_LITTLE_ENDIAN) throw new Error('writeNifti: big-endian hosts are not supported');
  const info = dtypeFromName(img.dtype);
  const h: NiftiHeader = {
    ...img.header,
    dim: img.header.dim.slice(),
    pixdim: img.header.pixdim.slice(),
    srow_x: img.header.srow_x.slice(),
    srow_y: img.header.srow_y.slice(),
    srow_z: img.header.srow_z.slice(),
  };
  h.littleEndian = true;
  const shape = img.shape;
  if (shape.some((n) => n > 32767)) h.version = 2;
  h.dim = [shape.length, ...shape, ...Array(7 - shape.length).fill(1)];
  while (h.pixdim.length < 8) h.pixdim.push(1);
  h.datatype = info.code;
  h.bitpix = info.bytes * 8;
  // Keep the header's own sform/qform fields when they already describe this affine exactly,
  // so a read -> write round trip changes nothing.
  let current: number[][] | undefined;
  try {
    current = affineFromHeader(h, 'header');
  } catch {
    current = undefined;
  }
  if (!current || !affinesClose(current, img.affine, 1e-6)) setHeaderAffine(h, img.affine);
  if (!(h.scl_slope === 0 || Number.isNaN(h.scl_slope)) && !(h.scl_slope === 1 && h.scl_inter === 0)) {
    // Data in memory are already scaled.
    h.scl_slope = 1;
    h.scl_inter = 0;
  }
  const header = serializeHeader(h);
  h.vox_offset = header.length;
  const data = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return { header, data, fields: h };
}

/** The whole uncompressed file in one buffer (for browsers and small images). */
export function encodeNifti(img: NiftiImage): Uint8Array {
  const { header, data } = encodeHeader(img);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
