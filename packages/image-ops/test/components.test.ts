import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelComponents } from '../src/index.js';

/** Union-find over every pair of neighbouring voxels: slow, obviously right. */
function bruteForce(inside: Uint8Array, [nx, ny, nz]: number[], connectivity: number): number[] {
  const parent = Array.from(inside, (_v, i) => i);
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a])));
  const idx = (i: number, j: number, k: number) => i + nx * (j + ny * k);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (!inside[idx(i, j, k)]) continue;
    for (let dk = -1; dk <= 1; dk++) for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) {
      const order = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
      if (order === 0 || (order === 2 && connectivity < 18) || (order === 3 && connectivity < 26)) continue;
      const a = i + di, b = j + dj, c = k + dk;
      if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz || !inside[idx(a, b, c)]) continue;
      parent[find(idx(i, j, k))] = find(idx(a, b, c));
    }
  }
  return Array.from(inside, (v, i) => (v ? find(i) : -1));
}

test('labelComponents partitions voxels exactly as a brute-force union-find, for 6/18/26 connectivity', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const shape = [9, 7, 6];
  const inside = new Uint8Array(9 * 7 * 6).map(() => (rand() < 0.35 ? 1 : 0));
  for (const connectivity of [6, 18, 26] as const) {
    const { labels, count, sizes } = labelComponents(inside, shape, { connectivity });
    const roots = bruteForce(inside, shape, connectivity);
    // Same partition: label <-> root is a bijection.
    const labelOfRoot = new Map<number, number>();
    const rootOfLabel = new Map<number, number>();
    for (let v = 0; v < inside.length; v++) {
      if (!inside[v]) { assert.equal(labels[v], 0); continue; }
      assert.ok(labels[v] >= 1 && labels[v] <= count);
      assert.equal(labelOfRoot.get(roots[v]) ?? labels[v], labels[v]);
      assert.equal(rootOfLabel.get(labels[v]) ?? roots[v], roots[v]);
      labelOfRoot.set(roots[v], labels[v]);
      rootOfLabel.set(labels[v], roots[v]);
    }
    assert.equal(count, labelOfRoot.size);
    const counted = new Int32Array(count);
    for (const l of labels) if (l) counted[l - 1]++;
    assert.deepEqual(Array.from(sizes), Array.from(counted));
  }
});

test('labelComponents: diagonal neighbours join only with 18/26, and bad input is named', () => {
  const inside = new Uint8Array(8);
  inside[0] = 1; // (0,0,0)
  inside[3] = 1; // (1,1,0): an edge neighbour
  inside[7] = 1; // (1,1,1): a face neighbour of (1,1,0)
  assert.equal(labelComponents(inside, [2, 2, 2]).count, 2);
  assert.equal(labelComponents(inside, [2, 2, 2], { connectivity: 18 }).count, 1);
  assert.throws(() => labelComponents(inside, [2, 2, 3]), /inside: expected 12 values/);
  assert.throws(() => labelComponents(inside, [2, 2, 2], { connectivity: 8 as 6 }), /connectivity: expected 6, 18 or 26/);
});
