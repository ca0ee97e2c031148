import { createDataset, split, subset } from './dataset';
import { DatasetError } from './errors';
import { greyImages, pixel } from './test-utils/fixtures';

const make = (count: number) =>
  createDataset({
    name: 'toy',
    images: greyImages(count, 3, 2),
    labels: Int32Array.from({ length: count }, (_, i) => i % 4),
    count,
    height: 3,
    width: 2,
    channels: 1,
    classes: ['a', 'b', 'c', 'd'],
  });

describe('createDataset', () => {
  it('rejects arrays that disagree with the sizes, and labels outside the classes', () => {
    const ok = make(5);
    const bad = [
      { ...ok, images: new Uint8Array(29) },
      { ...ok, labels: new Int32Array(4) },
      { ...ok, height: 0 },
      { ...ok, labels: Int32Array.of(0, 1, 2, 3, 4) },
    ];
    for (const fields of bad) {
      expect(() => createDataset(fields)).toThrow(DatasetError);
    }
    expect(() => createDataset({ ...ok, labels: Int32Array.of(0, 1, 2, 3, 4) })).toThrow(/labels\[4\].*in \[-1, 4\)/);
  });
});

describe('subset', () => {
  it('copies the chosen images and labels in the given order', () => {
    const ds = make(6);
    const s = subset(ds, [4, 1, 4]);
    expect(s.count).toBe(3);
    expect(Array.from(s.labels)).toEqual([0, 1, 0]);
    [4, 1, 4].forEach((src, i) => {
      for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) expect(s.images[(i * 3 + y) * 2 + x]).toBe(pixel(src, y, x, 0));
    });
    expect(() => subset(ds, [6])).toThrow(/subset: option indices\[0\]/);
  });
});

describe('split', () => {
  it('N=100, testFraction 0.25: 75/25, disjoint, together every image once, same seed same parts', () => {
    const ds = make(100);
    const a = split(ds, { testFraction: 0.25, seed: 3 });
    const b = split(ds, { testFraction: 0.25, seed: 3 });
    const c = split(ds, { testFraction: 0.25, seed: 4 });
    expect([a.train.count, a.test.count]).toEqual([75, 25]);
    // Image n is identified by its first pixel (n*37 mod 256 is distinct for n < 256... up to 100 here).
    const ids = (d: typeof ds) => Array.from({ length: d.count }, (_, i) => d.images[i * 6]);
    const all = [...ids(a.train), ...ids(a.test)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, n) => pixel(n, 0, 0, 0)).sort((x, y) => x - y));
    expect(ids(b.test)).toEqual(ids(a.test));
    expect(ids(c.test)).not.toEqual(ids(a.test));
    expect(a.train.name).toBe('toy/train');
  });

  it('rejects a fraction outside (0, 1) or one that leaves a part empty', () => {
    expect(() => split(make(10), { testFraction: 1 })).toThrow(/testFraction/);
    expect(() => split(make(10), { testFraction: 0.01 })).toThrow(/empty part/);
  });
});
