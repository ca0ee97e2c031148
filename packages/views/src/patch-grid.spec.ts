import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, ShapeError } from '@infomax/engine';
import { patchGrid, patchGridInverse } from './patch-grid';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

/** Plain-loop reference: patch (r,c) = images[b, r*s : r*s+p, c*s : c*s+p, :]. */
function naiveGrid(x: Float32Array, [B, H, W, C]: number[], p: number, s: number): Float32Array {
  const rows = Math.floor((H - p) / s) + 1;
  const cols = Math.floor((W - p) / s) + 1;
  const out = new Float32Array(B * rows * cols * p * p * C);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) for (let ch = 0; ch < C; ch++) out[o++] = x[((b * H + r * s + i) * W + c * s + j) * C + ch];
  return out;
}

/** Plain-loop count of the patches covering each pixel. */
function naiveCoverage([B, H, W, C]: number[], p: number, s: number): Float32Array {
  const rows = Math.floor((H - p) / s) + 1;
  const cols = Math.floor((W - p) / s) + 1;
  const out = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) for (let ch = 0; ch < C; ch++) out[((b * H + r * s + i) * W + c * s + j) * C + ch] += 1;
  return out;
}

describe('patchGrid (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  const cases: Array<{ shape: [number, number, number, number]; size: number; stride?: number }> = [
    { shape: [2, 28, 28, 1], size: 7 },
    { shape: [2, 12, 10, 3], size: 4, stride: 2 },
    { shape: [1, 11, 13, 2], size: 5, stride: 3 },
    { shape: [1, 10, 10, 1], size: 3, stride: 4 },
    { shape: [1, 9, 9, 1], size: 6, stride: 4 },
    { shape: [1, 6, 6, 1], size: 6, stride: 1 },
  ];
  for (const { shape, size, stride } of cases) {
    it(`images [${shape}] size ${size} stride ${stride ?? size}: matches a plain-loop reference`, () => {
      const x = testImages(shape);
      const y = patchGrid(x, { size, stride });
      const s = stride ?? size;
      const rows = Math.floor((shape[1] - size) / s) + 1;
      const cols = Math.floor((shape[2] - size) / s) + 1;
      expect(y.shape).toEqual([shape[0], rows, cols, size, size, shape[3]]);
      expectClose(y.dataSync(), naiveGrid(x.dataSync() as Float32Array, shape, size, s), 0);
      tf.dispose([x, y]);
    });

    it(`images [${shape}] size ${size} stride ${stride ?? size}: gradient of the sum = patches covering each pixel`, () => {
      const x = testImages(shape);
      const g = tf.grad((v: tf.Tensor) => tf.sum(patchGrid(v as tf.Tensor4D, { size, stride })))(x);
      expectClose(g.dataSync(), naiveCoverage(shape, size, stride ?? size), 1e-6);
      tf.dispose([x, g]);
    });
  }

  it('non-overlapping grid then patchGridInverse is the identity', () => {
    const x = testImages([3, 32, 32, 3]);
    const back = patchGridInverse(patchGrid(x, { size: 8 }));
    expectClose(back.dataSync(), x.dataSync(), 0);
    tf.dispose([x, back]);
  });

  it('patchGridInverse of a grid that leaves edges out returns the covered top-left part', () => {
    const x = testImages([1, 10, 9, 1]);
    const back = patchGridInverse(patchGrid(x, { size: 4 }));
    const covered = tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 1]);
    expectClose(back.dataSync(), covered.dataSync(), 0);
    tf.dispose([x, back, covered]);
  });

  it('rejects a patch larger than the image, bad options and wrong ranks with typed errors', () => {
    const x = testImages([1, 8, 8, 1]);
    expect(() => patchGrid(x, { size: 9 })).toThrow(ShapeError);
    expect(() => patchGrid(x, { size: 9 })).toThrow(/patchGrid: option 'size' \(9\).*argument 'images'/);
    expect(() => patchGrid(x, { size: 0 })).toThrow(ConfigError);
    expect(() => patchGrid(x, { size: 2, stride: 1.5 })).toThrow(/patchGrid: option 'stride'/);
    expect(() => patchGrid(tf.zeros([8, 8, 1]) as unknown as tf.Tensor4D, { size: 2 })).toThrow(
      /patchGrid: argument 'images' must have rank 4/,
    );
    expect(() => patchGridInverse(x as unknown as tf.Tensor<tf.Rank.R6>)).toThrow(/patchGridInverse: argument 'patches' must have rank 6/);
    x.dispose();
  });

  it('leaves no tensors behind, forward and backward', () => {
    const x = testImages([2, 16, 16, 3]);
    expectNoLeak(() => {
      const grid = patchGrid(x, { size: 4 });
      const back = patchGridInverse(grid);
      grid.dispose();
      return back;
    });
    expectNoLeak(() => patchGrid(x, { size: 5, stride: 3 }));
    expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(patchGrid(v as tf.Tensor4D, { size: 6, stride: 4 })))(x));
    x.dispose();
  });
});
