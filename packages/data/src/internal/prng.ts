/**
 * A tiny seeded generator for batch order and synthetic data. `@infomax/data`
 * depends on no other infomax package (DESIGN), so it carries its own instead of
 * the engine's `Rng`. Algorithm: sfc32 (Doty-Humphrey's Small Fast Counting
 * generator, PractRand), seeded by hashing the seed through a 32-bit mixer.
 */

/** A deterministic stream of random numbers. */
export interface Prng {
  /** Next unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) (32 random bits). */
  uniform(): number;
  /** Uniform integer in [0, n), n ≤ 2^32, without modulo bias. */
  int(n: number): number;
}

/** Creates the generator for `seed` (any finite number; integers recommended). */
export function createPrng(seed: number): Prng {
  let a = mix32(Math.floor(seed) >>> 0);
  let b = mix32((Math.floor(seed / 4294967296) ^ 0x6a09e667) >>> 0);
  let c = mix32(0xbb67ae85 ^ a);
  let counter = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs of sfc32 still resemble the seed; discard them.
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    uniform: () => nextUint32() / 4294967296,
    int: (n: number) => {
      // Rejection sampling: drop the top sliver that would make low values likelier.
      const limit = Math.floor(4294967296 / n) * n;
      let x = nextUint32();
      while (x >= limit) x = nextUint32();
      return x % n;
    },
  };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, prng: Prng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}
