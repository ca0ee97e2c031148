import { createPrng, permutation } from './prng';

describe('createPrng / permutation', () => {
  it('same seed gives the same stream; nearby seeds give different ones', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const c = createPrng(8);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    const sc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(sc.filter((v, i) => v === sa[i]).length).toBe(0);
  });

  it('int(10) over 100,000 draws: every bin within 3% of 10,000; uniform() in [0, 1) with mean ≈ 0.5', () => {
    const prng = createPrng(123);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100000; i++) bins[prng.int(10)]++;
    for (const b of bins) expect(Math.abs(b - 10000)).toBeLessThan(300);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100000; i++) {
      const u = prng.uniform();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / 100000 - 0.5)).toBeLessThan(0.005);
  });

  it('permutation(1000) holds each index once, and each position is uniform over many seeds', () => {
    const p = permutation(1000, createPrng(1));
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Where index 0 lands, over 5,000 shuffles of 5: each of the 5 positions ≈ 1,000 times.
    const where = new Array<number>(5).fill(0);
    const prng = createPrng(2);
    for (let t = 0; t < 5000; t++) where[permutation(5, prng).indexOf(0)]++;
    for (const w of where) expect(Math.abs(w - 1000)).toBeLessThan(120);
  });
});
