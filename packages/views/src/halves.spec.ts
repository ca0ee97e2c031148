import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, ShapeError } from '@infomax/engine';
import { halves } from './halves';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

/** Plain-loop reference: rows [r0, r0 + n) and columns [c0, c0 + m) of every image. */
function naiveCrop(x: ArrayLike<number>, [B, H, W, C]: number[], r0: number, n: number, c0: number, m: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let r = r0; r < r0 + n; r++)
      for (let c = c0; c < c0 + m; c++) for (let ch = 0; ch < C; ch++) out.push(x[((b * H + r) * W + c) * C + ch]);
  return out;
}

describe('halves (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('28x28 MNIST-shaped batch: top = rows 0-13, bottom = rows 14-27', () => {
    const shape = [3, 28, 28, 1];
    const x = testImages(shape as [number, number, number, number]);
    const [top, bottom] = halves(x);
    expect(top.shape).toEqual([3, 14, 28, 1]);
    expectClose(top.dataSync(), naiveCrop(x.dataSync(), shape, 0, 14, 0, 28), 0);
    expectClose(bottom.dataSync(), naiveCrop(x.dataSync(), shape, 14, 14, 0, 28), 0);
    tf.dispose([x, top, bottom]);
  });

  it("odd width with axis 'cols': left = cols 0-3, right = cols 5-8, the middle column in neither", () => {
    const shape = [2, 4, 9, 3];
    const x = testImages(shape as [number, number, number, number]);
    const [left, right] = halves(x, { axis: 'cols' });
    expect(right.shape).toEqual([2, 4, 4, 3]);
    expectClose(left.dataSync(), naiveCrop(x.dataSync(), shape, 0, 4, 0, 4), 0);
    expectClose(right.dataSync(), naiveCrop(x.dataSync(), shape, 0, 4, 5, 4), 0);
    tf.dispose([x, left, right]);
  });

  it('gradient of top + 2·bottom is 1 on the top half, 2 on the bottom, 0 on a dropped middle row', () => {
    const x = testImages([1, 5, 2, 1]);
    const g = tf.grad((v: tf.Tensor) => {
      const [a, b] = halves(v as tf.Tensor4D);
      return tf.add(tf.sum(a), tf.mul(2, tf.sum(b)));
    })(x);
    expectClose(g.dataSync(), [1, 1, 1, 1, 0, 0, 2, 2, 2, 2], 0);
    tf.dispose([x, g]);
  });

  it('rejects a wrong rank, a side shorter than 2 and an unknown axis with typed errors', () => {
    const x = testImages([1, 1, 4, 1]);
    expect(() => halves(x)).toThrow(ShapeError);
    expect(() => halves(x)).toThrow(/halves: argument 'images' \[1,1,4,1\] must have at least 2 rows/);
    expect(() => halves(x, { axis: 'depth' as never })).toThrow(ConfigError);
    expect(() => halves(tf.zeros([4, 4]) as unknown as tf.Tensor4D)).toThrow(/halves: argument 'images' must have rank 4/);
    x.dispose();
  });

  it('leaves no tensors behind', () => {
    const x = testImages([2, 6, 6, 1]);
    expectNoLeak(() => halves(x, { axis: 'rows' }));
    expectNoLeak(() => halves(x, { axis: 'cols' }));
    x.dispose();
  });
});
