import { Rng } from './random';
import { ConfigError } from './errors';

describe('Rng', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.nextUint32());
    const xb = Array.from({ length: 100 }, () => b.nextUint32());
    const xc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('a saved state resumes the stream exactly', () => {
    const a = new Rng(7);
    for (let i = 0; i < 10; i++) a.uniform();
    const saved = a.state();
    const next = Array.from({ length: 20 }, () => a.uniform());
    const b = new Rng(JSON.parse(JSON.stringify(saved)));
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(next);
    // In place, from words stored as int32 (as a checkpoint's tensors hold them).
    const c = new Rng(99);
    c.setState(Array.from(Int32Array.from(saved)) as unknown as [number, number, number, number]);
    expect(Array.from({ length: 20 }, () => c.uniform())).toEqual(next);
    expect(() => c.setState([0, 0, 0, 0])).toThrow(ConfigError);
    expect(() => c.setState([1, 2, 3] as never)).toThrow(ConfigError);
  });

  it('uniform has mean 1/2 and variance 1/12; normal has mean 0 and variance 1 (n = 200000)', () => {
    const r = new Rng(1);
    const n = 200000;
    let su = 0,
      su2 = 0,
      sn = 0,
      sn2 = 0,
      lo = 1,
      hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      const z = r.normal();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      su2 += u * u;
      sn += z;
      sn2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(su2 / n - (su / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.02);
  });

  it('permutation is a permutation, and each position is uniform over 4000 draws', () => {
    const r = new Rng(5);
    const counts = new Array(5).fill(0);
    for (let t = 0; t < 4000; t++) {
      const p = r.permutation(5);
      expect(Array.from(p).sort()).toEqual([0, 1, 2, 3, 4]);
      counts[p[0]]++;
    }
    for (const c of counts) expect(Math.abs(c - 800)).toBeLessThan(120);
  });

  it('rejects bad seeds and bad bounds with ConfigError', () => {
    expect(() => new Rng(NaN)).toThrow(ConfigError);
    expect(() => new Rng([0, 0, 0, 0])).toThrow(/not all zero/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng.int: n must be a positive integer, got 0/);
  });
});
