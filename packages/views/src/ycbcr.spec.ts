import * as tf from '@tensorflow/tfjs';
import { initEngine, ShapeError } from '@infomax/engine';
import { rgbToYCbCr } from './ycbcr';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

describe('rgbToYCbCr (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('matches the JFIF formulas per pixel; grays have Cb = Cr = 0.5', () => {
    const x = testImages([2, 3, 4, 3], 9);
    const y = rgbToYCbCr(x);
    const v = x.dataSync();
    const expected: number[] = [];
    for (let i = 0; i < v.length; i += 3) {
      const [r, g, b] = [v[i], v[i + 1], v[i + 2]];
      const luma = 0.299 * r + 0.587 * g + 0.114 * b;
      expected.push(luma, 0.5 + (0.5 / 0.886) * (b - luma), 0.5 + (0.5 / 0.701) * (r - luma));
    }
    expectClose(y.dataSync(), expected, 1e-5);
    const gray = tf.fill([1, 1, 1, 3], 0.3) as tf.Tensor4D;
    const grayOut = rgbToYCbCr(gray);
    expectClose(grayOut.dataSync(), [0.3, 0.5, 0.5], 1e-6);
    tf.dispose([x, y, gray, grayOut]);
  });

  it('rejects a 1-channel image with a typed error; leaves no tensors behind', () => {
    const gray = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => rgbToYCbCr(gray)).toThrow(ShapeError);
    expect(() => rgbToYCbCr(gray)).toThrow(/rgbToYCbCr: argument 'images' must have 3 channels/);
    const x = testImages([2, 4, 4, 3]);
    expectNoLeak(() => rgbToYCbCr(x));
    tf.dispose([gray, x]);
  });
});
