import { loadBundledDigits } from './bundled-digits';
import { createDataset, type ImageDataset } from './dataset';
import { DatasetError } from './errors';
import { stratifiedSubset } from './stratified-subset';

/** A dataset whose image i is the two bytes of i (so a subset's images name their source rows). */
function indexed(labels: number[], classes?: string[]): ImageDataset {
  const count = labels.length;
  const images = new Uint8Array(2 * count);
  for (let i = 0; i < count; i++) [images[2 * i], images[2 * i + 1]] = [i >> 8, i & 255];
  return createDataset({ name: 'indexed', images, labels: Int32Array.from(labels), count, height: 1, width: 2, channels: 1, classes });
}

const sourceRows = (d: ImageDataset): number[] => Array.from({ length: d.count }, (_, i) => (d.images[2 * i] << 8) | d.images[2 * i + 1]);

function classCounts(labels: Int32Array, classes: number): number[] {
  const out = new Array<number>(classes).fill(0);
  for (const l of labels) out[l]++;
  return out;
}

describe('stratifiedSubset', () => {
  it('800 of the 8,000 bundled training digits, by default: 80 of every class', async () => {
    const { train } = await loadBundledDigits();
    const small = stratifiedSubset(train, { count: 800, seed: 0 });
    expect(classCounts(small.labels, 10)).toEqual(new Array(10).fill(80));
    // The first 800 rows would be 782 zeros and 18 ones.
    expect(classCounts(train.labels.subarray(0, 800), 10).filter((c) => c > 0)).toHaveLength(2);
  });

  it('equal allocation: a class with too few images gives all of them, the others share the rest; the leftover goes to the lowest labels', () => {
    const d = indexed([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    // 9 of 5/3/2: class 2 gives its 2, classes 1 and 0 share 7 → 3 (all of class 1) and 4.
    expect(classCounts(stratifiedSubset(d, { count: 9 }).labels, 3)).toEqual([4, 3, 2]);
    // 5: ⌊5/3⌋ = 1 for class 2, then ⌊4/2⌋ = 2 each.
    expect(classCounts(stratifiedSubset(d, { count: 5 }).labels, 3)).toEqual([2, 2, 1]);
    // 4 of 4 equal classes of 3 → 1 each, the one left to class 0.
    expect(classCounts(stratifiedSubset(indexed([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]), { count: 5 }).labels, 4)).toEqual([2, 1, 1, 1]);
  });

  it('proportional allocation, 800 of the 8,000 bundled training digits: all 10 classes, each within 1 of its share (69–92), 800 in all', async () => {
    const { train } = await loadBundledDigits();
    const full = classCounts(train.labels, 10);
    const small = stratifiedSubset(train, { count: 800, seed: 0, allocation: 'proportional' });
    const counts = classCounts(small.labels, 10);
    expect(small.count).toBe(800);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(800);
    counts.forEach((c, k) => expect(Math.abs(c - (800 * full[k]) / 8000)).toBeLessThan(1));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(68);
    // The first 800 rows would be 782 zeros and 18 ones.
    expect(classCounts(train.labels.subarray(0, 800), 10).filter((c) => c > 0)).toHaveLength(2);
    expect([small.height, small.width, small.channels, small.classes]).toEqual([28, 28, 1, train.classes]);
  });

  it('proportional, largest remainder: whole shares exact, leftover images go to the largest remainders, ties to the lower label', () => {
    const p = 'proportional' as const;
    // 3 classes of 5, 3, 2 images; 5 of 10 → shares 2.5, 1.5, 1: floors 2+1+1 = 4, one more to the tie 0.5/0.5 → class 0.
    const d = indexed([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    expect(classCounts(stratifiedSubset(d, { count: 5, allocation: p }).labels, 3)).toEqual([3, 1, 1]);
    // 7 of 10 → 3.5, 2.1, 1.4: floors 6, the one left goes to class 0 (0.5 > 0.4 > 0.1).
    expect(classCounts(stratifiedSubset(d, { count: 7, allocation: p }).labels, 3)).toEqual([4, 2, 1]);
    // 1 of 10 → the largest class, whatever the seed.
    for (let seed = 0; seed < 5; seed++) expect(Array.from(stratifiedSubset(d, { count: 1, seed, allocation: p }).labels)).toEqual([0]);
  });

  it('keeps distinct source images in source order, each with its own label', () => {
    const labels = Array.from({ length: 300 }, (_, i) => (i * 7) % 5);
    const d = indexed(labels);
    const s = stratifiedSubset(d, { count: 37, seed: 3 });
    const rows = sourceRows(s);
    expect(new Set(rows).size).toBe(37);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    rows.forEach((r, i) => expect(s.labels[i]).toBe(labels[r]));
  });

  it('the same seed gives the same subset, another seed another one', () => {
    const d = indexed(Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100)));
    const a = sourceRows(stratifiedSubset(d, { count: 100, seed: 1 }));
    expect(sourceRows(stratifiedSubset(d, { count: 100, seed: 1 }))).toEqual(a);
    const b = sourceRows(stratifiedSubset(d, { count: 100, seed: 2 }));
    expect(b).not.toEqual(a);
    // Different images, same class counts: 10 per class either way.
    expect(classCounts(stratifiedSubset(d, { count: 100, seed: 2 }).labels, 10)).toEqual(new Array(10).fill(10));
  });

  it('a count at or above the dataset size returns the dataset itself', () => {
    const d = indexed([0, 1, 1, 2]);
    expect(stratifiedSubset(d, { count: 4 })).toBe(d);
    expect(stratifiedSubset(d, { count: 50 })).toBe(d);
  });

  it('unlabelled images (label −1) form a stratum: a wholly unlabelled dataset gives a uniform seeded sample', () => {
    // 20 images, 5 kept, 2,000 seeds: each image is kept with probability 1/4, i.e. 500 ± 19.4 (binomial sd) times.
    const d = indexed(new Array(20).fill(-1));
    const hits = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const r of sourceRows(stratifiedSubset(d, { count: 5, seed }))) hits[r]++;
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(5 * 19.4);
    // Mixed: 30 unlabelled + 10 labelled, 20 kept → 15 unlabelled, 5 labelled in proportion; 10 and 10 by default.
    const mixedSource = indexed([...new Array(30).fill(-1), ...new Array(10).fill(0)]);
    expect(
      Array.from(stratifiedSubset(mixedSource, { count: 20, allocation: 'proportional' }).labels).filter((l) => l === -1),
    ).toHaveLength(15);
    expect(Array.from(stratifiedSubset(mixedSource, { count: 20 }).labels).filter((l) => l === -1)).toHaveLength(10);
  });

  it('rejects a count that is not a positive integer and a seed that is not finite', () => {
    const d = indexed([0, 1]);
    for (const count of [0, -1, 1.5, NaN]) {
      expect(() => stratifiedSubset(d, { count })).toThrow(DatasetError);
    }
    expect(() => stratifiedSubset(d, { count: 0 })).toThrow('stratifiedSubset: option count must be an integer ≥ 1, got 0');
    expect(() => stratifiedSubset(d, { count: 1, seed: Infinity })).toThrow('option seed must be a finite number, got Infinity');
    expect(() => stratifiedSubset(d, { count: 1, allocation: 'random' as 'equal' })).toThrow(
      "option allocation must be 'equal' or 'proportional'",
    );
  });
});
