import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import {
  channelSplit,
  colorJitter,
  gaussianNoise,
  halves,
  horizontalFlip,
  labSplit,
  labToRgb,
  patchGrid,
  patchSequence,
  randomGrayscale,
  randomResizedCrop,
  rgbToLab,
  rgbToYCbCr,
} from './index';
import { expectClose, testValues } from './test-utils/helpers';

/** Every view, with fixed seeds, as plain arrays (forward) and one input gradient where differentiable. */
const cases: Array<{ name: string; run: (x: tf.Tensor4D) => tf.Tensor | tf.Tensor[]; differentiable: boolean }> = [
  { name: 'patchGrid 4/2', run: (x) => patchGrid(x, { size: 4, stride: 2 }), differentiable: true },
  { name: 'patchGrid 3/2', run: (x) => patchGrid(x, { size: 3, stride: 2 }), differentiable: true },
  {
    name: 'patchSequence',
    run: (x) => {
      const seq = patchSequence(x, { size: 4, stride: 2, offsets: 2 });
      return [seq.patches, ...seq.targets];
    },
    differentiable: true,
  },
  { name: 'halves', run: (x) => halves(x, { axis: 'cols' }), differentiable: true },
  { name: 'rgbToLab', run: (x) => rgbToLab(x), differentiable: true },
  { name: 'labToRgb', run: (x) => labToRgb(tf.mul(x, 50) as tf.Tensor4D), differentiable: true },
  { name: 'labSplit', run: (x) => labSplit(x), differentiable: true },
  { name: 'rgbToYCbCr', run: (x) => rgbToYCbCr(x), differentiable: true },
  { name: 'channelSplit', run: (x) => channelSplit(x, { sizes: [2, 1] }), differentiable: true },
  { name: 'horizontalFlip', run: (x) => horizontalFlip(x, { rng: 1 }), differentiable: true },
  {
    name: 'colorJitter',
    run: (x) => colorJitter(x, { rng: 1, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
    differentiable: true,
  },
  { name: 'randomGrayscale', run: (x) => randomGrayscale(x, { rng: 1, p: 0.5 }), differentiable: true },
  { name: 'gaussianNoise', run: (x) => gaussianNoise(x, { rng: 1, std: 0.1 }), differentiable: true },
  { name: 'randomResizedCrop', run: (x) => randomResizedCrop(x, { rng: 1, size: 6 }), differentiable: false },
];

/** Fixed weights in [−1, 1) for output i: the gradient checked is Jᵀw. */
function weights(shape: number[], i: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from(testValues(n, 100 + i), (v) => 2 * v - 1),
    shape,
  );
}

/** Forward outputs and, where differentiable, the gradient of a weighted sum, as arrays. */
function evaluate(x: tf.Tensor4D): Record<string, number[][]> {
  const results: Record<string, number[][]> = {};
  for (const { name, run, differentiable } of cases) {
    results[name] = tf.tidy(() => {
      const out = ([] as tf.Tensor[]).concat(run(x)).map((t) => Array.from(t.dataSync()));
      if (!differentiable) return out;
      const loss = (v: tf.Tensor) =>
        tf.addN(([] as tf.Tensor[]).concat(run(v as tf.Tensor4D)).map((t, i) => tf.sum(tf.mul(t, weights(t.shape, i)))));
      return [...out, Array.from(tf.grad(loss)(x).dataSync())];
    });
  }
  return results;
}

describe('every view gives the same numbers on wasm and cpu', () => {
  it('forward outputs and input gradients agree within 1e-4 (relative to 1)', async () => {
    const values = testValues(2 * 8 * 8 * 3, 21);
    await initEngine({ backend: 'cpu', log: null });
    const onCpu = tf.tidy(() => evaluate(tf.tensor4d(values, [2, 8, 8, 3])));
    await initEngine({ backend: 'wasm', log: null });
    const onWasm = tf.tidy(() => evaluate(tf.tensor4d(values, [2, 8, 8, 3])));
    for (const { name } of cases) {
      expect([name, onWasm[name].length]).toEqual([name, onCpu[name].length]);
      onWasm[name].forEach((arr, i) => {
        const scale = Math.max(1, ...onCpu[name][i].map(Math.abs));
        try {
          expectClose(arr, onCpu[name][i], 1e-4 * scale);
        } catch (e) {
          throw new Error(`${name}, output ${i}: ${(e as Error).message}`, { cause: e });
        }
      });
    }
  });
});
