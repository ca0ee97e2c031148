import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, Rng } from '@infomax/engine';
import { gaussianNoise } from './gaussian-noise';
import { expectClose, expectNoLeak } from './test-utils/helpers';

describe('gaussianNoise (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('unclipped noise on 0.5-gray images has mean 0 and the asked std (40k samples, 4 standard errors)', () => {
    const x = tf.fill([10, 20, 20, 10], 0.5) as tf.Tensor4D;
    const y = gaussianNoise(x, { rng: 1, std: 0.1, clip: false });
    const noise = Array.from(y.dataSync(), (v) => v - 0.5);
    const n = noise.length;
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan((4 * 0.1) / Math.sqrt(n));
    expect(Math.abs(std - 0.1)).toBeLessThan((4 * 0.1) / Math.sqrt(2 * n));
    tf.dispose([x, y]);
  });

  it('the same seed gives the same noise, another seed or an advancing Rng other noise; clip keeps [0, 1]', () => {
    const x = tf.fill([2, 4, 4, 1], 0.9) as tf.Tensor4D;
    const a = gaussianNoise(x, { rng: 7, std: 0.3 });
    const b = gaussianNoise(x, { rng: 7, std: 0.3 });
    const c = gaussianNoise(x, { rng: 8, std: 0.3 });
    expectClose(b.dataSync(), a.dataSync(), 0);
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(Array.from(a.dataSync()).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(a.dataSync()).some((v) => v === 1)).toBe(true);
    const rng = new Rng(7);
    const first = gaussianNoise(x, { rng, std: 0.3 });
    const second = gaussianNoise(x, { rng, std: 0.3 });
    expect(Array.from(second.dataSync())).not.toEqual(Array.from(first.dataSync()));
    tf.dispose([x, a, b, c, first, second]);
  });

  it('std 0 is the identity; a negative std is a typed error; leaves no tensors behind', () => {
    const x = tf.fill([1, 3, 3, 3], 0.25) as tf.Tensor4D;
    const y = gaussianNoise(x, { rng: 1, std: 0 });
    expectClose(y.dataSync(), x.dataSync(), 0);
    expect(() => gaussianNoise(x, { rng: 1, std: -1 })).toThrow(ConfigError);
    expect(() => gaussianNoise(x, { rng: 1, std: -1 })).toThrow(/gaussianNoise: option 'std': expected a finite number ≥ 0, got -1$/);
    const rng = new Rng(3);
    expectNoLeak(() => gaussianNoise(x, { rng, std: 0.1 }));
    tf.dispose([x, y]);
  });
});
