import { Rng } from '@infomax/engine';
import { downsample, robustRange } from './curves';

describe('robustRange', () => {
  it('0..100: p1 = 1, p99 = 99, every value inside, nothing clipped', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    expect(robustRange(values)).toEqual({ lo: 0, hi: 100, outside: 0 });
  });

  it('0..100 and −1000: p1 = 0.01, p99 = 98.99 (interpolated), low end cut at p1 − ½·span, one value outside', () => {
    const values = [...Array.from({ length: 101 }, (_, i) => i), -1000];
    const [p1, p99] = [0.01, 98.99];
    const r = robustRange(values);
    expect(r.lo).toBeCloseTo(p1 - 0.5 * (p99 - p1), 10);
    expect(r.hi).toBe(100);
    expect(r.outside).toBe(1);
  });

  it('a short curve is never clipped by one outlier; an empty one gets [0, 1]; a constant ±0.5', () => {
    expect(robustRange([0.5, 0.6, 0.55, -210, 0.52])).toEqual({ lo: -210, hi: 0.6, outside: 0 });
    expect(robustRange([])).toEqual({ lo: 0, hi: 1, outside: 0 });
    expect(robustRange([2, 2, 2])).toEqual({ lo: 1.5, hi: 2.5, outside: 0 });
  });
});

describe('downsample', () => {
  const rng = new Rng(5);
  const points = Array.from({ length: 100000 }, (_, i): [number, number] => [i + 1, Math.sin(i / 900) + rng.normal() * 0.1]);
  points[61234][1] = 40;

  it('keeps each pixel column’s first, lowest, highest and last point: the same min and max per column as every point', () => {
    const columns = 460;
    const xr: [number, number] = [1, 100000];
    const kept = downsample(points, xr, columns);
    expect(kept.length).toBeLessThanOrEqual(4 * columns);
    expect(kept.length).toBeGreaterThan(2 * columns);
    const column = ([x]: [number, number]) => Math.floor(((x - xr[0]) * columns) / (xr[1] - xr[0]));
    const byColumn = (pts: Array<[number, number]>) => {
      const out = new Map<number, { min: number; max: number; first: number; last: number }>();
      for (const p of pts) {
        const c = out.get(column(p));
        if (!c) out.set(column(p), { min: p[1], max: p[1], first: p[0], last: p[0] });
        else Object.assign(c, { min: Math.min(c.min, p[1]), max: Math.max(c.max, p[1]), last: p[0] });
      }
      return out;
    };
    expect(byColumn(kept)).toEqual(byColumn(points));
    expect(kept).toContainEqual([61235, 40]);
    // In order, no point twice.
    for (let i = 1; i < kept.length; i++) expect(kept[i][0]).toBeGreaterThan(kept[i - 1][0]);
  });

  it('returns a curve no longer than four points per column as it is', () => {
    const short = points.slice(0, 1000);
    expect(downsample(short, [1, 1000], 460)).toBe(short);
  });
});
