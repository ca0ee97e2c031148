import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, Rng, ShapeError } from '@infomax/engine';
import { colorJitter } from './color-jitter';
import { expectClose, expectNoLeak, testValues } from './test-utils/helpers';

/** Images with values in [low, high], so that moderate jitter never clips. */
function midImages(shape: [number, number, number, number], low: number, high: number, seed = 1): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(
    Array.from(testValues(n, seed), (v) => low + (high - low) * v),
    shape,
  );
}

/** Per pixel luma and chroma magnitude in YIQ. */
function lumaChroma(v: ArrayLike<number>): { luma: number[]; chroma: number[] } {
  const luma: number[] = [];
  const chroma: number[] = [];
  for (let p = 0; p < v.length; p += 3) {
    const [r, g, b] = [v[p], v[p + 1], v[p + 2]];
    luma.push(0.299 * r + 0.587 * g + 0.114 * b);
    chroma.push(Math.hypot(0.595716 * r - 0.274453 * g - 0.321263 * b, 0.211456 * r - 0.522591 * g + 0.311135 * b));
  }
  return { luma, chroma };
}

describe('colorJitter (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('all strengths 0 is the identity, returned as a copy', () => {
    const x = midImages([2, 3, 3, 3], 0, 1);
    const y = colorJitter(x, { rng: 1 });
    expectClose(y.dataSync(), x.dataSync(), 0);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('brightness 0.5 multiplies each image by one factor in [0.5, 1.5], and the gradient is that factor', () => {
    const [batch, per] = [8, 4 * 4 * 3];
    const x = midImages([batch, 4, 4, 3], 0.05, 0.6);
    const y = colorJitter(x, { rng: 2, brightness: 0.5 });
    const xv = x.dataSync();
    const yv = y.dataSync();
    const factors = Array.from({ length: batch }, (_, b) => yv[b * per] / xv[b * per]);
    factors.forEach((f) => expect(f >= 0.5 && f <= 1.5).toBe(true));
    expectClose(
      yv,
      Array.from(xv, (v, i) => v * factors[Math.floor(i / per)]),
      1e-6,
    );
    expect(new Set(factors.map((f) => f.toFixed(4))).size).toBe(batch);
    const g = tf.grad((v: tf.Tensor) => tf.sum(colorJitter(v as tf.Tensor4D, { rng: 2, brightness: 0.5 })))(x);
    expectClose(
      g.dataSync(),
      Array.from(xv, (_, i) => factors[Math.floor(i / per)]),
      1e-5,
    );
    tf.dispose([x, y, g]);
  });

  it('contrast 0.4 on 1-channel images blends each image with its mean: y − m = c·(x − m)', () => {
    const [batch, per] = [6, 25];
    const x = midImages([batch, 5, 5, 1], 0.3, 0.7);
    const y = colorJitter(x, { rng: 3, contrast: 0.4 });
    const xv = x.dataSync();
    const yv = y.dataSync();
    for (let b = 0; b < batch; b++) {
      const xs = Array.from(xv.subarray(b * per, (b + 1) * per));
      const m = xs.reduce((s, v) => s + v, 0) / per;
      const c = (yv[b * per] - m) / (xs[0] - m);
      expect(c >= 0.6 - 1e-4 && c <= 1.4 + 1e-4).toBe(true);
      expectClose(
        yv.subarray(b * per, (b + 1) * per),
        xs.map((v) => m + c * (v - m)),
        1e-5,
      );
    }
    tf.dispose([x, y]);
  });

  it('saturation keeps every pixel’s luma; hue rotation keeps luma and YIQ chroma magnitude', () => {
    const x = midImages([4, 4, 4, 3], 0.4, 0.6);
    const before = lumaChroma(x.dataSync());
    const sat = colorJitter(x, { rng: 4, saturation: 0.5 });
    expectClose(lumaChroma(sat.dataSync()).luma, before.luma, 1e-5);
    expect(Array.from(sat.dataSync())).not.toEqual(Array.from(x.dataSync()));
    const hue = colorJitter(x, { rng: 4, hue: 0.5 });
    const after = lumaChroma(hue.dataSync());
    expectClose(after.luma, before.luma, 1e-5);
    expectClose(after.chroma, before.chroma, 1e-5);
    expect(Array.from(hue.dataSync())).not.toEqual(Array.from(x.dataSync()));
    tf.dispose([x, sat, hue]);
  });

  it('hue turns like HSV hue: a drawn h > 0 moves red towards yellow (G > B), h < 0 towards magenta', () => {
    const batch = 16;
    const x = tf.tile(tf.tensor4d([0.8, 0.2, 0.2], [1, 1, 1, 3]), [batch, 1, 1, 1]) as tf.Tensor4D;
    const y = colorJitter(x, { rng: 13, hue: 0.1 });
    // The hue draws are the only draws: h_b = −0.1 + 0.2·u_b from the same seed.
    const replay = new Rng(13);
    const turns = Array.from({ length: batch }, () => -0.1 + 0.2 * replay.uniform());
    const v = y.dataSync();
    turns.forEach((h, b) => {
      if (Math.abs(h) > 0.01) expect(Math.sign(v[3 * b + 1] - v[3 * b + 2])).toBe(Math.sign(h));
    });
    expect(turns.some((h) => h > 0.01) && turns.some((h) => h < -0.01)).toBe(true);
    tf.dispose([x, y]);
  });

  it('the same seed gives the same jitter, other seeds and an advancing Rng differ; output stays in [0, 1]', () => {
    const x = midImages([4, 4, 4, 3], 0, 1);
    const opts = { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2 };
    const a = colorJitter(x, { rng: 9, ...opts });
    const b = colorJitter(x, { rng: 9, ...opts });
    const c = colorJitter(x, { rng: 10, ...opts });
    expectClose(b.dataSync(), a.dataSync(), 0);
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(Array.from(a.dataSync()).every((v) => v >= 0 && v <= 1)).toBe(true);
    const rng = new Rng(9);
    const first = colorJitter(x, { rng, ...opts });
    const second = colorJitter(x, { rng, ...opts });
    expect(Array.from(second.dataSync())).not.toEqual(Array.from(first.dataSync()));
    tf.dispose([x, a, b, c, first, second]);
  });

  it('rejects saturation on 1-channel images, hue > 0.5 and negative strengths; leaves no tensors behind', () => {
    const gray = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => colorJitter(gray, { rng: 1, saturation: 0.2 })).toThrow(ShapeError);
    expect(() => colorJitter(gray, { rng: 1, saturation: 0.2 })).toThrow(/colorJitter: options 'saturation' and 'hue' need 3-channel/);
    const x = midImages([2, 3, 3, 3], 0, 1);
    expect(() => colorJitter(x, { rng: 1, hue: 0.6 })).toThrow(ConfigError);
    expect(() => colorJitter(x, { rng: 1, brightness: -0.1 })).toThrow(
      /colorJitter: option 'brightness': expected a finite number ≥ 0, got -0.1$/,
    );
    const rng = new Rng(5);
    expectNoLeak(() => colorJitter(x, { rng, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }));
    tf.dispose([gray, x]);
  });
});
