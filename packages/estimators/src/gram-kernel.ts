// X X' for wide row-major matrices (few samples, tens of thousands of voxels), the cost that
// dominates exact LinearSVC fits and the Decoder's per-fold work.

/**
 * X X^T (n x n, row-major) of an n x p row-major matrix. Tiles of 2 x 4 output entries share
 * each loaded value of X between several products (6 loads per 8 multiply-adds), over column
 * blocks that keep the six rows in cache: about 1.5-2x the speed of a row-pair loop.
 */
export function tiledRowGram(data: Float64Array, n: number, p: number): Float64Array {
  const K = new Float64Array(n * n);
  const block = 1024;
  for (let start = 0; start < p; start += block) {
    const end = Math.min(p, start + block);
    let a = 0;
    for (; a + 1 < n; a += 2) {
      const oa = a * p;
      const oa1 = oa + p;
      let b = a;
      for (; b + 3 < n; b += 4) {
        const o0 = b * p;
        const o1 = o0 + p;
        const o2 = o1 + p;
        const o3 = o2 + p;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        for (let j = start; j < end; j++) {
          const x0 = data[oa + j]!;
          const x1 = data[oa1 + j]!;
          const y0 = data[o0 + j]!;
          const y1 = data[o1 + j]!;
          const y2 = data[o2 + j]!;
          const y3 = data[o3 + j]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
        }
        const k0 = a * n + b;
        const k1 = k0 + n;
        K[k0]! += s00;
        K[k0 + 1]! += s01;
        K[k0 + 2]! += s02;
        K[k0 + 3]! += s03;
        K[k1]! += s10;
        K[k1 + 1]! += s11;
        K[k1 + 2]! += s12;
        K[k1 + 3]! += s13;
      }
      for (; b < n; b++) {
        const ob = b * p;
        let s0 = 0;
        let s1 = 0;
        for (let j = start; j < end; j++) {
          const y = data[ob + j]!;
          s0 += data[oa + j]! * y;
          s1 += data[oa1 + j]! * y;
        }
        K[a * n + b]! += s0;
        K[(a + 1) * n + b]! += s1;
      }
    }
    if (a < n) {
      const oa = a * p;
      let s = 0;
      for (let j = start; j < end; j++) s += data[oa + j]! * data[oa + j]!;
      K[a * n + a]! += s;
    }
  }
  // The tiles filled the upper triangle (and a few lower entries next to the diagonal, which are
  // equal by symmetry): mirror the upper one.
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) K[b * n + a] = K[a * n + b]!;
  return K;
}
