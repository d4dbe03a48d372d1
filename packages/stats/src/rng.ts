// Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32) so a permutation run is
// reproducible from its seed alone, whatever the number of threads.

/**
 * Seeded pseudo-random numbers: xoshiro128** with its state seeded through splitmix32, so every
 * permutation of a run is reproducible from the seed alone, whatever the number of threads.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed An integer in [0, 2^32).
   * @throws Error `seed: ...` for anything else.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new Error(`seed: expected an integer in [0, 2^32), got ${seed}`);
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates) written into `out`. */
  permutation(n: number, out: Int32Array = new Int32Array(n)): Int32Array {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Row r >= firstRow of the result picks, for each subject s, one of its choices[s] maps uniformly
 * (row-major rows x subjects); rows before firstRow stay 0. Replayable from the seed.
 */
export function subjectDraws(choices: readonly number[], rows: number, seed: number, firstRow = 0): Int32Array {
  const rng = new Rng(seed);
  const S = choices.length;
  const out = new Int32Array(rows * S);
  for (let r = firstRow; r < rows; r++) for (let s = 0; s < S; s++) out[r * S + s] = rng.int(choices[s]!);
  return out;
}
