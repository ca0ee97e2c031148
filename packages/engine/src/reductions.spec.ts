/**
 * Whole-tensor sums: the SIMD kernel on wasm against a float64 loop at every length
 * around its 16-float blocks, with and without squares; the fallback elsewhere; the
 * gradient; and no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './node';
import { Rng } from './random';
import { sumAll, sumOfSquares } from './reductions';
import { SUM_KERNEL } from './kernels/sum';
import { simdVariant } from './kernels/simd/module';

function float64Sum(x: Float32Array, squares: boolean): number {
  let s = 0;
  for (const v of x) s += squares ? v * v : v;
  return s;
}

describe('sumAll / sumOfSquares', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initEngine({ backend, log: null });
      });

      it(`uses ${backend === 'wasm' ? "the engine's SIMD kernel" : "tfjs's sum"}`, () => {
        expect(tf.getKernel(SUM_KERNEL, backend) !== undefined).toBe(backend === 'wasm' && simdVariant() !== null);
      });

      it('agrees with a float64 loop at every length around its 16- and 1024-float blocks', () => {
        const rng = new Rng(7);
        for (const n of [1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 1040, 5000, 300_007]) {
          const values = Float32Array.from({ length: n }, () => rng.normal() + 0.25);
          const x = tf.tensor1d(values);
          for (const squares of [false, true]) {
            const got = (squares ? sumOfSquares(x) : sumAll(x)).dataSync()[0];
            const want = float64Sum(values, squares);
            // float32 sums of n terms: within a few ulps of the terms' magnitude per level of the sum.
            const scale = squares ? want : float64Sum(values.map(Math.abs), false);
            expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * scale + 1e-6);
          }
          x.dispose();
        }
      });

      it('sees NaN and Infinity wherever they are (the finiteness checks rely on it)', () => {
        for (const at of [0, 15, 16, 40, 99]) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            const values = new Float32Array(100).fill(1);
            values[at] = bad;
            const x = tf.tensor2d(values, [10, 10]);
            expect(Number.isFinite(sumAll(x).dataSync()[0])).toBe(false);
            expect(Number.isFinite(sumOfSquares(x).dataSync()[0])).toBe(false);
            x.dispose();
          }
        }
      });

      it('differentiates: 1 for a sum, 2x for a sum of squares', () => {
        const x = tf.tensor2d([1, -2, 3, 0.5, 7, -1], [2, 3]);
        const [g1] = tf.grads((t) => sumAll(t))([x]);
        const [g2] = tf.grads((t) => sumOfSquares(t))([x]);
        expect(Array.from(g1.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
        expect(Array.from(g2.dataSync())).toEqual([2, -4, 6, 1, 14, -2]);
        tf.dispose([x, g1, g2]);
      });

      it('leaves no tensors behind but its result', () => {
        const x = tf.ones([70]);
        tf.dispose([sumAll(x), sumOfSquares(x)]);
        const before = tf.memory().numTensors;
        const s = sumOfSquares(x);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(s.dataSync()[0]).toBe(70);
        tf.dispose([x, s]);
      });
    });
  }
});
