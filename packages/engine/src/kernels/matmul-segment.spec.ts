import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../backend';
import { Rng } from '../random';
import { stockKernel } from '../register';
import { randn, relativeError, runKernel } from '../test-utils/kernel-harness';

describe('BatchMatMul with transposed operands and UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', log: null });
    await initEngine({ backend: 'wasm', log: null });
  });

  const shapes: Array<[number[], number[], boolean, boolean]> = [
    [[1, 5, 3], [1, 3, 4], false, false],
    [[1, 3, 5], [1, 3, 4], true, false],
    [[2, 5, 3], [2, 4, 3], false, true],
    [[3, 3, 5], [3, 4, 3], true, true],
    [[1, 64, 1024], [1, 64, 256], true, false],
    // Cheaper to transpose the product than a large operand: the swapped form.
    [[1, 8, 16], [1, 2048, 16], false, true],
    [[1, 2048, 8], [1, 2048, 4], true, false],
    [[2, 700, 3], [2, 5, 700], true, true],
    [[1, 6, 16], [3, 512, 16], false, true],
  ];
  it.each(shapes)('a=%j b=%j transposeA=%s transposeB=%s: equals the stock cpu kernel', (aShape, bShape, tA, tB) => {
    const rng = new Rng(aShape.concat(bShape).reduce((s, d) => s * 31 + d, 1));
    const a = randn(
      rng,
      aShape.reduce((s, d) => s * d),
    );
    const b = randn(
      rng,
      bShape.reduce((s, d) => s * d),
    );
    const attrs = { transposeA: tA, transposeB: tB };
    const ref = runKernel('cpu', stockKernel('BatchMatMul', 'cpu')!, { a: [aShape, a], b: [bShape, b] }, attrs);
    const ours = runKernel('wasm', tf.getKernel('BatchMatMul', 'wasm')!, { a: [aShape, a], b: [bShape, b] }, attrs);
    expect(ours.shape).toEqual(ref.shape);
    expect(relativeError(ours.values, ref.values)).toBeLessThan(1e-5);
  });

  it('UnsortedSegmentSum equals a hand-written sum, dropping out-of-range ids', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // [4, 2]
    const ids = Int32Array.from([2, 0, 2, -1]);
    const out = runKernel(
      'wasm',
      tf.getKernel('UnsortedSegmentSum', 'wasm')!,
      { x: [[4, 2], x], segmentIds: [[4], ids] },
      { numSegments: 3 },
    );
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.values)).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6]);
  });

  it('the gradient of tf.gather on wasm equals the cpu gradient, and nothing leaks', () => {
    const rng = new Rng(3);
    const pv = randn(rng, 6 * 4);
    const idx = Int32Array.from([5, 0, 5, 2, 2, 2, 1]);
    const grad = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const p = tf.tensor2d(pv, [6, 4]);
        const g = tf.grad((q: tf.Tensor) => tf.gather(q, tf.tensor1d(idx, 'int32')).square().sum())(p);
        return g.dataSync().slice();
      });
    };
    grad('wasm');
    const before = tf.memory().numTensors;
    const w = grad('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const c = grad('cpu');
    tf.setBackend('wasm');
    expect(relativeError(w, c)).toBeLessThan(1e-6);
  });
});
