/**
 * Seeded randomness. Every random choice in infomax (weight initialisation,
 * negative sampling, views, batch order) draws from an {@link Rng} made from a
 * seed, so the same seed and backend give the same numbers.
 */
import { ConfigError } from './errors';

const TWO_POW_32 = 4294967296;

/** State of an {@link Rng}: four 32-bit words; JSON-serialisable for checkpoints. */
export type RngState = readonly [number, number, number, number];

/**
 * A small, fast, seedable generator (xoshiro128**, Blackman & Vigna 2018),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 *
 * @example
 * const rng = new Rng(42);
 * const order = rng.permutation(10); // same order for every run with seed 42
 */
export class Rng {
  private s: Uint32Array;

  /**
   * @param seed any finite number (integers recommended); or a saved {@link RngState}.
   * @throws ConfigError when the seed is not a finite number or the state is all zeros.
   */
  constructor(seed: number | RngState) {
    this.s = new Uint32Array(4);
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) {
        throw new ConfigError(`Rng: seed must be a finite number, got ${seed}`);
      }
      let x = (Math.floor(seed) ^ Math.floor(seed / TWO_POW_32)) >>> 0;
      for (let i = 0; i < 4; i++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        this.s[i] = (z ^ (z >>> 16)) >>> 0;
      }
    } else {
      this.setState(seed);
    }
  }

  /**
   * Moves this generator to a saved state, in place: for a generator others hold (an
   * objective's views), where `new Rng(state)` would make another one.
   * @throws ConfigError when the state is not four 32-bit words, not all zero.
   */
  setState(state: RngState): void {
    if (state.length !== 4 || state.every((w) => w >>> 0 === 0) || state.some((w) => !Number.isInteger(w))) {
      throw new ConfigError('Rng: state must be four 32-bit words, not all zero');
    }
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Uniform integer in [0, n).
   * @throws ConfigError when n is not a positive integer.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new ConfigError(`Rng.int: n must be a positive integer, got ${n}`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** A seed for a tfjs op (`tf.randomNormal(shape, 0, 1, 'float32', seed)`). */
  tfSeed(): number {
    return this.nextUint32();
  }

  /** An independent generator whose stream is fixed by this one's next draw. */
  fork(): Rng {
    return new Rng(this.nextUint32() * TWO_POW_32 + this.nextUint32());
  }

  /** The current state, to save in a checkpoint and restore with `new Rng(state)`. */
  state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
