import { DatasetError } from './errors';
import { gratingPeriod, syntheticDataset } from './synthetic';

/** Naive detector: the class whose grating orientation has the largest Fourier amplitude in the image. */
function detectGrating(img: Uint8Array, h: number, w: number, classes: number): number {
  const k = (2 * Math.PI) / gratingPeriod(h, w);
  let best = -1;
  let bestAmp = -Infinity;
  for (let c = 0; c < classes; c++) {
    const th = (Math.PI * c) / classes;
    let re = 0;
    let im = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = img[y * w + x] - 127.5;
        const a = k * (x * Math.cos(th) + y * Math.sin(th));
        re += v * Math.cos(a);
        im += v * Math.sin(a);
      }
    }
    const amp = re * re + im * im;
    if (amp > bestAmp) {
      bestAmp = amp;
      best = c;
    }
  }
  return best;
}

/** Naive detector: the grid cell with the brightest mean. */
function detectBlob(img: Uint8Array, h: number, w: number, classes: number): number {
  const g = Math.ceil(Math.sqrt(classes));
  const sums = new Array<number>(g * g).fill(0);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sums[Math.floor((y * g) / h) * g + Math.floor((x * g) / w)] += img[y * w + x];
  return sums.slice(0, classes).indexOf(Math.max(...sums.slice(0, classes)));
}

describe('syntheticDataset', () => {
  it.each([
    ['grating', detectGrating],
    ['blobs', detectBlob],
  ] as const)('%s, 10 classes, 28×28, noise 0.1: a plain-loop detector recovers every label of 300 images', (pattern, detect) => {
    const ds = syntheticDataset({ count: 300, pattern, classes: 10, seed: 5 });
    let right = 0;
    for (let n = 0; n < ds.count; n++) if (detect(ds.images.subarray(n * 784, (n + 1) * 784), 28, 28, 10) === ds.labels[n]) right++;
    expect(right).toBe(300);
    expect(Array.from(ds.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('same seed → identical bytes; another seed → different phases/jitter; RGB has 3 channels and a tint', () => {
    const a = syntheticDataset({ count: 20, seed: 1 });
    const b = syntheticDataset({ count: 20, seed: 1 });
    const c = syntheticDataset({ count: 20, seed: 2 });
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(c.images))).not.toBe(0);
    const rgb = syntheticDataset({ count: 4, channels: 3, height: 16, width: 20, noise: 0, seed: 3 });
    expect([rgb.channels, rgb.height, rgb.width, rgb.images.length]).toEqual([3, 16, 20, 4 * 16 * 20 * 3]);
    let differ = 0;
    for (let p = 0; p < 16 * 20; p++) if (rgb.images[p * 3] !== rgb.images[p * 3 + 1]) differ++;
    expect(differ).toBeGreaterThan(100);
  });

  it('noise 0: a grating image is exactly 0.5 + 0.35·cos(…), so pixel range is within [38, 217]', () => {
    const ds = syntheticDataset({ count: 10, noise: 0 });
    expect(Math.min(...ds.images)).toBeGreaterThanOrEqual(Math.floor(255 * 0.15));
    expect(Math.max(...ds.images)).toBeLessThanOrEqual(Math.ceil(255 * 0.85));
  });

  it('rejects bad options', () => {
    expect(() => syntheticDataset({ count: 0 })).toThrow(DatasetError);
    expect(() => syntheticDataset({ count: 5, classes: 1 })).toThrow(/classes/);
    expect(() => syntheticDataset({ count: 5, pattern: 'blobs', classes: 64, height: 16, width: 16 })).toThrow(/at most 16/);
    expect(() => syntheticDataset({ count: 5, noise: 2 })).toThrow(/noise/);
  });
});
