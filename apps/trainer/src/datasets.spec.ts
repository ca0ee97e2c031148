import { resolveConfig } from './config';
import { loadData } from './datasets';

const counts = (labels: Int32Array, k: number): number[] => {
  const out = new Array<number>(k).fill(0);
  for (const l of labels) out[l]++;
  return out;
};

test('trainLimit 800 / testLimit 500 on the digits: 80 / 50 of every class (not the first rows), said in the summary', async () => {
  const data = await loadData(resolveConfig({ data: { trainLimit: 800, testLimit: 500 } }).data, 0);
  expect([data.train.count, data.test.count]).toEqual([800, 500]);
  expect(counts(data.train.labels, 10)).toEqual(new Array(10).fill(80));
  expect(counts(data.test.labels, 10)).toEqual(new Array(10).fill(50));
  const train = counts(data.train.labels, 10);
  expect(data.summary).toBe(
    `train: 800 of 8,000 images, class-balanced (seed 0): ${train.map((c, k) => `${k}×${c}`).join(' ')}; ` +
      'test: 500 of 2,000 images, class-balanced (seed 0)',
  );
  // The run seed picks the subset: another seed, other images, the same class counts.
  const other = await loadData(resolveConfig({ data: { trainLimit: 800 } }).data, 1);
  expect(counts(other.train.labels, 10)).toEqual(train);
  expect(Buffer.compare(Buffer.from(other.train.images), Buffer.from(data.train.images))).not.toBe(0);
});

test('without limits, and with a limit above the size, every image is used and the summary says "all"', async () => {
  for (const data of [
    await loadData(resolveConfig({}).data, 0),
    await loadData(resolveConfig({ data: { trainLimit: 9000, testLimit: 2000 } }).data, 0),
  ]) {
    expect([data.train.count, data.test.count]).toEqual([8000, 2000]);
    expect(data.summary).toBe(
      `train: all 8,000 images: ${counts(data.train.labels, 10)
        .map((c, k) => `${k}×${c}`)
        .join(' ')}; test: all 2,000 images`,
    );
  }
});

test('a synthetic dataset with a limit keeps all 10 classes, named in the summary', async () => {
  const data = await loadData(resolveConfig({ data: { dataset: 'synthetic', count: 200, pattern: 'grating', trainLimit: 40 } }).data, 3);
  expect(data.train.count).toBe(40);
  expect(data.summary).toMatch(/^train: 40 of 160 images, class-balanced \(seed 3\): (angle \d+°×4 ){9}angle 162°×4; test: all 40 images$/);
  expect(counts(data.train.labels, data.classes.length)).toEqual(new Array(10).fill(4));
});
