// Seeded randomness for shuffles. Streams do not reproduce numpy's MT19937, so shuffled folds
// differ from scikit-learn's for the same seed (unshuffled splits match exactly).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** xoshiro128** seeded through splitmix32: fast, 128-bit state, good equidistribution. */
export function createRandom(seed = 0): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed: expected a finite number, got ${seed}`);
  let s = (Math.floor(seed) >>> 0) ^ Math.floor(seed / 4294967296);
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(),
    b = splitmix(),
    c = splitmix(),
    d = splitmix();
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    next: () => nextUint32() / 4294967296,
    int(n: number): number {
      // Rejection sampling keeps every value equally likely (no modulo bias).
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const r = nextUint32();
        if (r < limit) return r % n;
      }
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** In-place Fisher-Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: any }>(arr: T, random: Random): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
  return arr;
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, random: Random): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, random);
}
