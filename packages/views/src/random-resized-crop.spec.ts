import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, Rng } from '@infomax/engine';
import { randomResizedCrop, sampleCropBox } from './random-resized-crop';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

/** Images whose pixel (y, x) holds [y, x]: a crop says which box it came from. */
function coordinateImages(batch: number, height: number, width: number): tf.Tensor4D {
  const v: number[] = [];
  for (let b = 0; b < batch; b++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) v.push(y, x);
  return tf.tensor4d(v, [batch, height, width, 2]);
}

/** Read each output's box back from its corners, checking the inside is the bilinear ramp between them. */
function boxesOf(y: tf.Tensor4D): Array<{ top: number; left: number; height: number; width: number }> {
  const [, oh, ow] = y.shape;
  return y.arraySync().map((img) => {
    const top = img[0][0][0];
    const left = img[0][0][1];
    const height = img[oh - 1][0][0] - top + 1;
    const width = img[0][ow - 1][1] - left + 1;
    const ramp = img.flatMap((row, i) => row.flatMap((_, j) => [top + (i * (height - 1)) / (oh - 1), left + (j * (width - 1)) / (ow - 1)]));
    expectClose(img.flat(2), ramp, 1e-3);
    return { top, left, height, width };
  });
}

describe('randomResizedCrop (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('scale [1, 1], ratio [1, 1] on square images is the identity', () => {
    const x = testImages([2, 9, 9, 3]);
    const y = randomResizedCrop(x, { rng: 1, scale: [1, 1], ratio: [1, 1] });
    expectClose(y.dataSync(), x.dataSync(), 1e-6);
    tf.dispose([x, y]);
  });

  it('32x32 → 16x16: every crop is a whole-pixel box inside the image with area in scale and ratio in range', () => {
    const x = coordinateImages(24, 32, 32);
    const y = randomResizedCrop(x, { rng: 2, size: 16, scale: [0.2, 1], ratio: [3 / 4, 4 / 3] });
    expect(y.shape).toEqual([24, 16, 16, 2]);
    const boxes = boxesOf(y);
    for (const box of boxes) {
      for (const v of Object.values(box)) expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-3);
      const [top, left, h, w] = [box.top, box.left, box.height, box.width].map(Math.round);
      expect(top >= 0 && left >= 0 && top + h <= 32 && left + w <= 32).toBe(true);
      // Rounding each side to whole pixels moves the area by at most about (h + w) / 2 + 1/4 pixels.
      const slack = (h + w) / 2 + 0.25;
      expect(h * w).toBeGreaterThanOrEqual(0.2 * 1024 - slack);
      expect(w / h).toBeGreaterThanOrEqual((3 / 4) * (1 - 1 / h) - 1e-9);
      expect(w / h).toBeLessThanOrEqual((4 / 3) * (1 + 1 / h) + 1e-9);
    }
    expect(new Set(boxes.map((b) => JSON.stringify(b))).size).toBeGreaterThan(20);
    tf.dispose([x, y]);
  });

  it('the same seed gives the same crops; another seed and an advancing Rng differ', () => {
    const x = coordinateImages(4, 16, 16);
    const crop = (rng: number | Rng) => tf.tidy(() => boxesOf(randomResizedCrop(x, { rng, size: [8, 6] })));
    expect(crop(5)).toEqual(crop(5));
    expect(crop(6)).not.toEqual(crop(5));
    const rng = new Rng(5);
    expect(crop(rng)).toEqual(crop(5));
    expect(crop(rng)).not.toEqual(crop(5));
    tf.dispose(x);
  });

  it('when no box fits (ratio [2, 2], whole area) it falls back to the centred box of ratio 2', () => {
    expect(sampleCropBox(new Rng(1), 32, 32, [1, 1], [2, 2])).toEqual({ top: 8, left: 0, height: 16, width: 32 });
    const x = coordinateImages(1, 32, 32);
    const y = randomResizedCrop(x, { rng: 1, size: [16, 32], scale: [1, 1], ratio: [2, 2] });
    expect(boxesOf(y)[0]).toEqual({ top: 8, left: 0, height: 16, width: 32 });
    tf.dispose([x, y]);
  });

  it('rejects bad size, scale and ratio with typed errors; leaves no tensors behind', () => {
    const x = testImages([2, 8, 8, 1]);
    expect(() => randomResizedCrop(x, { rng: 1, size: 0 })).toThrow(
      /randomResizedCrop: option 'size': expected an integer in 1\.\.∞, got 0$/,
    );
    expect(() => randomResizedCrop(x, { rng: 1, scale: [0, 1] })).toThrow(ConfigError);
    expect(() => randomResizedCrop(x, { rng: 1, scale: [0.5, 1.5] })).toThrow(
      /randomResizedCrop: option 'scale\[1\]': expected a number in \(0, 1\], got 1.5$/,
    );
    expect(() => randomResizedCrop(x, { rng: 1, ratio: [2, 1] })).toThrow(
      /randomResizedCrop: option 'ratio': expected \[lo, hi\] with 0 < lo ≤ hi, got \[2, 1\]$/,
    );
    expect(() => randomResizedCrop(x, { rng: 1, size: [4, 4, 1] as never })).toThrow(
      /option 'size': expected a positive integer or \[height, width\] of positive integers, got \[4, 4, 1\]$/,
    );
    expect(() => randomResizedCrop(x, { rng: 1, scales: [0.5, 1] } as never)).toThrow(
      /randomResizedCrop: option 'scales': unknown key; known keys: size, scale, ratio$/,
    );
    const rng = new Rng(3);
    expectNoLeak(() => randomResizedCrop(x, { rng, size: 6 }));
    // null, as a config file's empty value, means the default: the input's size.
    const same = randomResizedCrop(x, { rng: 1, size: null as never, scale: null as never });
    expect(same.shape).toEqual([2, 8, 8, 1]);
    same.dispose();
    x.dispose();
  });
});
