import * as tf from '@tensorflow/tfjs';
import { initEngine } from './backend';
import { clipByGlobalNorm, globalNorm } from './gradient-clip';

describe('clipByGlobalNorm', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', log: null });
  });

  test('gradients [3, 0] and [[4]] (global norm 5) clipped to 1 become [0.6, 0] and [[0.8]]; norm ≤ c leaves every bit', () => {
    const grads = [
      { name: 'a', tensor: tf.tensor1d([3, 0]) },
      { name: 'b', tensor: tf.tensor2d([[4]]) },
    ];
    const before = tf.memory().numTensors;
    const [clipped, kept, norm] = tf.tidy(() => {
      const c = clipByGlobalNorm(grads, 1);
      const k = clipByGlobalNorm(grads, 5.1);
      return [c.map((g) => tf.keep(g.tensor)), k.map((g) => tf.keep(g.tensor)), tf.keep(globalNorm(c.map((g) => g.tensor)))];
    });
    expect(tf.memory().numTensors).toBe(before + 5);
    expect(clipped.map((t) => t.shape)).toEqual([[2], [1, 1]]);
    const scale = 1 / (5 + 1e-6);
    expect(Array.from(clipped[0].dataSync())).toEqual([Math.fround(3 * Math.fround(scale)), 0]);
    expect(clipped[1].dataSync()[0]).toBeCloseTo(4 * scale, 7);
    expect(norm.dataSync()[0]).toBeCloseTo(1, 6);
    kept.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(grads[i].tensor.dataSync())));
    tf.dispose([...clipped, ...kept, norm, ...grads.map((g) => g.tensor)]);
  });

  test('a clipNorm that is not a positive number is a ConfigError naming clipNorm', () => {
    const g = [{ name: 'a', tensor: tf.tensor1d([1]) }];
    for (const bad of [0, -1, Number.NaN, Infinity])
      expect(() => clipByGlobalNorm(g, bad)).toThrow(`clipByGlobalNorm: argument clipNorm: expected a finite number > 0, got ${bad}`);
    g[0].tensor.dispose();
  });
});
