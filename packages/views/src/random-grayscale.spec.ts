import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng, ShapeError } from '@infomax/engine';
import { randomGrayscale } from './random-grayscale';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

describe('randomGrayscale (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('p = 1: every pixel becomes 0.299R + 0.587G + 0.114B in all channels; p = 0: unchanged', () => {
    const x = testImages([3, 4, 4, 3]);
    const v = x.dataSync();
    const gray = randomGrayscale(x, { rng: 1, p: 1 });
    const expected: number[] = [];
    for (let i = 0; i < v.length; i += 3) {
      const l = 0.299 * v[i] + 0.587 * v[i + 1] + 0.114 * v[i + 2];
      expected.push(l, l, l);
    }
    expectClose(gray.dataSync(), expected, 1e-6);
    const same = randomGrayscale(x, { rng: 1, p: 0 });
    expectClose(same.dataSync(), v, 0);
    tf.dispose([x, gray, same]);
  });

  it('the same seed picks the same images, another seed others; each image is all-gray or untouched', () => {
    const x = testImages([32, 2, 2, 3]);
    const grayOnes = (y: tf.Tensor4D) => y.arraySync().map((img) => img.flat().every(([r, g, b]) => r === g && g === b));
    const a = grayOnes(tf.tidy(() => randomGrayscale(x, { rng: 4, p: 0.5 })));
    const b = grayOnes(tf.tidy(() => randomGrayscale(x, { rng: 4, p: 0.5 })));
    const c = grayOnes(tf.tidy(() => randomGrayscale(x, { rng: 5, p: 0.5 })));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.some((g) => g) && a.some((g) => !g)).toBe(true);
    tf.dispose(x);
  });

  it('rejects 1-channel images with a typed error; leaves no tensors behind', () => {
    const one = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => randomGrayscale(one, { rng: 1 })).toThrow(ShapeError);
    expect(() => randomGrayscale(one, { rng: 1 })).toThrow(/randomGrayscale: argument 'images' must have 3 channels/);
    const x = testImages([4, 3, 3, 3]);
    const rng = new Rng(2);
    expectNoLeak(() => randomGrayscale(x, { rng }));
    tf.dispose([one, x]);
  });
});
