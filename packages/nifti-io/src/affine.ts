// Voxel -> world affines: sform when sform_code > 0, else the qform quaternion, else pixdim
// (NIfTI method 1). And the reverse: header fields from an affine.
import type { Affine, NiftiHeader } from './header.js';

/**
 * The voxel-to-mm affine a header implies, by NIfTI's rules: the sform rows when sform_code > 0,
 * else the qform quaternion, offsets and pixdim when qform_code > 0, else a diagonal of pixdim
 * 1..3 (0 read as 1) with no offset (method 1, as nibabel falls back to).
 * @param where Names the source in errors.
 * @throws Error `<where>: affine ...` when the result has a non-finite entry or a singular 3x3 part.
 */
export function affineFromHeader(h: NiftiHeader, where: string): Affine {
  let a: Affine;
  if (h.sform_code > 0) {
    a = [h.srow_x.slice(), h.srow_y.slice(), h.srow_z.slice(), [0, 0, 0, 1]];
  } else if (h.qform_code > 0) {
    a = qformAffine(h);
  } else {
    const p = h.pixdim;
    a = [
      [p[1] || 1, 0, 0, 0],
      [0, p[2] || 1, 0, 0],
      [0, 0, p[3] || 1, 0],
      [0, 0, 0, 1],
    ];
  }
  checkAffine(a, where);
  return a;
}

/**
 * The qform affine of a header: the rotation from the unit quaternion (quatern_b/c/d, with a
 * computed as sqrt(1 - b^2 - c^2 - d^2), clamped at 0), scaled by pixdim 1..3 with qfac
 * (pixdim[0] < 0 flips the third axis), plus qoffset_x/y/z. Ignores qform_code.
 */
export function qformAffine(h: NiftiHeader): Affine {
  const b = h.quatern_b,
    c = h.quatern_c,
    d = h.quatern_d;
  let a2 = 1 - (b * b + c * c + d * d);
  // Rounding in float32 fields can push a^2 a hair below zero; the standard says treat it as 0.
  if (a2 < 1e-7) a2 = 0;
  const a = Math.sqrt(a2);
  const qfac = h.pixdim[0]! < 0 ? -1 : 1;
  const i = h.pixdim[1]!,
    j = h.pixdim[2]!,
    k = h.pixdim[3]! * qfac;
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  return [
    [R[0]![0]! * i, R[0]![1]! * j, R[0]![2]! * k, h.qoffset_x],
    [R[1]![0]! * i, R[1]![1]! * j, R[1]![2]! * k, h.qoffset_y],
    [R[2]![0]! * i, R[2]![1]! * j, R[2]![2]! * k, h.qoffset_z],
    [0, 0, 0, 1],
  ];
}

/** Determinant of the upper-left 3x3 (rotation and zooms) part of an affine. */
export function det3(a: Affine): number {
  return (
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!)
  );
}

/**
 * Throw unless `a` is a 4x4 array of rows of finite numbers whose 3x3 part is invertible
 * (|det| >= 1e-12). Errors start with `<where>:`.
 */
export function checkAffine(a: Affine, where: string): void {
  if (!Array.isArray(a) || a.length !== 4 || a.some((row) => !Array.isArray(row) || row.length !== 4)) {
    throw new Error(`${where}: affine must be a 4x4 array of rows`);
  }
  for (const row of a)
    for (const v of row) {
      if (!Number.isFinite(v)) throw new Error(`${where}: affine contains a non-finite value (${v})`);
    }
  if (Math.abs(det3(a)) < 1e-12) throw new Error(`${where}: affine is singular (zero determinant)`);
}

/** Voxel sizes: the column norms of the 3x3 part. */
export function zoomsFromAffine(a: Affine): [number, number, number] {
  const z = [0, 1, 2].map((c) => Math.hypot(a[0]![c]!, a[1]![c]!, a[2]![c]!));
  return z as [number, number, number];
}

/** Set sform and qform fields (and pixdim 1..3) of a header from an affine. */
export function setHeaderAffine(h: NiftiHeader, a: Affine): void {
  h.srow_x = a[0]!.slice(0, 4);
  h.srow_y = a[1]!.slice(0, 4);
  h.srow_z = a[2]!.slice(0, 4);
  if (h.sform_code <= 0) h.sform_code = 2;
  const zooms = zoomsFromAffine(a);
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => a[r]![c]! / (zooms[c] || 1)));
  let qfac = 1;
  if (det3([...R.map((row) => [...row, 0]), [0, 0, 0, 1]]) < 0) {
    qfac = -1;
    for (let r = 0; r < 3; r++) R[r]![2] = -R[r]![2]!;
  }
  const [qb, qc, qd] = quaternionFromRotation(R);
  h.quatern_b = qb;
  h.quatern_c = qc;
  h.quatern_d = qd;
  h.qoffset_x = a[0]![3]!;
  h.qoffset_y = a[1]![3]!;
  h.qoffset_z = a[2]![3]!;
  if (h.qform_code <= 0) h.qform_code = h.sform_code;
  h.pixdim[0] = qfac;
  h.pixdim[1] = zooms[0];
  h.pixdim[2] = zooms[1];
  h.pixdim[3] = zooms[2];
}

/** (b, c, d) of the unit quaternion with a >= 0 for a proper rotation matrix. */
function quaternionFromRotation(R: number[][]): [number, number, number] {
  const r = (i: number, j: number) => R[i]![j]!;
  const trace = r(0, 0) + r(1, 1) + r(2, 2);
  let a: number, b: number, c: number, d: number;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    a = 0.25 / s;
    b = (r(2, 1) - r(1, 2)) * s;
    c = (r(0, 2) - r(2, 0)) * s;
    d = (r(1, 0) - r(0, 1)) * s;
  } else if (r(0, 0) > r(1, 1) && r(0, 0) > r(2, 2)) {
    const s = 2 * Math.sqrt(1 + r(0, 0) - r(1, 1) - r(2, 2));
    a = (r(2, 1) - r(1, 2)) / s;
    b = 0.25 * s;
    c = (r(0, 1) + r(1, 0)) / s;
    d = (r(0, 2) + r(2, 0)) / s;
  } else if (r(1, 1) > r(2, 2)) {
    const s = 2 * Math.sqrt(1 + r(1, 1) - r(0, 0) - r(2, 2));
    a = (r(0, 2) - r(2, 0)) / s;
    b = (r(0, 1) + r(1, 0)) / s;
    c = 0.25 * s;
    d = (r(1, 2) + r(2, 1)) / s;
  } else {
    const s = 2 * Math.sqrt(1 + r(2, 2) - r(0, 0) - r(1, 1));
    a = (r(1, 0) - r(0, 1)) / s;
    b = (r(0, 2) + r(2, 0)) / s;
    c = (r(1, 2) + r(2, 1)) / s;
    d = 0.25 * s;
  }
  const n = Math.hypot(a, b, c, d) || 1;
  if (a < 0) {
    a = -a;
    b = -b;
    c = -c;
    d = -d;
  }
  return [b / n, c / n, d / n];
}

/** Multiply a 4x4 affine by a voxel coordinate. */
export function applyAffine(a: Affine, i: number, j: number, k: number): [number, number, number] {
  return [
    a[0]![0]! * i + a[0]![1]! * j + a[0]![2]! * k + a[0]![3]!,
    a[1]![0]! * i + a[1]![1]! * j + a[1]![2]! * k + a[1]![3]!,
    a[2]![0]! * i + a[2]![1]! * j + a[2]![2]! * k + a[2]![3]!,
  ];
}

/** Inverse of a 4x4 affine (last row 0 0 0 1). */
export function invertAffine(a: Affine): Affine {
  const d = det3(a);
  if (Math.abs(d) < 1e-12) throw new Error('invertAffine: affine is singular');
  const m = (r: number, c: number) => a[r]![c]!;
  const inv3 = [
    [(m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) / d, (m(0, 2) * m(2, 1) - m(0, 1) * m(2, 2)) / d, (m(0, 1) * m(1, 2) - m(0, 2) * m(1, 1)) / d],
    [(m(1, 2) * m(2, 0) - m(1, 0) * m(2, 2)) / d, (m(0, 0) * m(2, 2) - m(0, 2) * m(2, 0)) / d, (m(0, 2) * m(1, 0) - m(0, 0) * m(1, 2)) / d],
    [(m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0)) / d, (m(0, 1) * m(2, 0) - m(0, 0) * m(2, 1)) / d, (m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0)) / d],
  ];
  const t = [0, 1, 2].map((r) => -(inv3[r]![0]! * m(0, 3) + inv3[r]![1]! * m(1, 3) + inv3[r]![2]! * m(2, 3)));
  return [
    [...inv3[0]!, t[0]!],
    [...inv3[1]!, t[1]!],
    [...inv3[2]!, t[2]!],
    [0, 0, 0, 1],
  ];
}

/** Product a*b of two 4x4 affines. */
export function multiplyAffines(a: Affine, b: Affine): Affine {
  const out: Affine = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r]![k]! * b[k]![c]!;
      out[r]![c] = s;
    }
  return out;
}

/** True when every entry of the two 4x4 affines differs by at most `tol` (absolute, default 1e-5). */
export function affinesClose(a: Affine, b: Affine, tol = 1e-5): boolean {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) if (Math.abs(a[r]![c]! - b[r]![c]!) > tol) return false;
  return true;
}
