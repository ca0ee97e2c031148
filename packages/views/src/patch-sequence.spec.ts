import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError, ShapeError } from '@infomax/engine';
import { patchSequence, sequenceTargets } from './patch-sequence';
import { expectClose, expectNoLeak } from './test-utils/helpers';

/** Images whose pixel (b, y, x) holds [b, y, x]: every patch says where it came from. */
function coordinateImages(batch: number, height: number, width: number): tf.Tensor4D {
  const v: number[] = [];
  for (let b = 0; b < batch; b++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) v.push(b, y, x);
  return tf.tensor4d(v, [batch, height, width, 3]);
}

/** What patch (r, c) of image b must hold, pixel by pixel. */
function expectedPatch(b: number, r: number, c: number, size: number, stride: number): number[] {
  const v: number[] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) v.push(b, r * stride + i, c * stride + j);
  return v;
}

describe('patchSequence / sequenceTargets (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('32x32, size 8, stride 4, K = 3: raster order, and target k at j is patch (r + k, c)', () => {
    const [batch, size, stride, K] = [2, 8, 4, 3];
    const x = coordinateImages(batch, 32, 32);
    const seq = patchSequence(x, { size, stride, offsets: K });
    expect([seq.rows, seq.cols]).toEqual([7, 7]);
    expect(seq.patches.shape).toEqual([batch, 49, size, size, 3]);
    const patches = seq.patches.arraySync();
    for (let b = 0; b < batch; b++)
      for (let t = 0; t < 49; t++) expectClose(patches[b][t].flat(2), expectedPatch(b, Math.floor(t / 7), t % 7, size, stride), 0);
    expect(seq.targets).toHaveLength(K);
    seq.targets.forEach((target, i) => {
      const k = i + 1;
      expect(target.shape).toEqual([batch, (7 - k) * 7, size, size, 3]);
      const values = target.arraySync();
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < (7 - k) * 7; j++)
          expectClose(values[b][j].flat(2), expectedPatch(b, Math.floor(j / 7) + k, j % 7, size, stride), 0);
    });
    tf.dispose([x, seq.patches, ...seq.targets]);
  });

  it('non-square grid (12x20, size 4): cols = 5, target 2 at j = r*5 + c is patch (r + 2, c)', () => {
    const x = coordinateImages(1, 12, 20);
    const seq = patchSequence(x, { size: 4, offsets: 2 });
    expect([seq.rows, seq.cols]).toEqual([3, 5]);
    const values = seq.targets[1].arraySync();
    for (let j = 0; j < 5; j++) expectClose(values[0][j].flat(2), expectedPatch(0, 2, j, 4, 4), 0);
    tf.dispose([x, seq.patches, ...seq.targets]);
  });

  it('sequenceTargets on codes [B, T, 1] = position: target − context = k·cols everywhere', () => {
    const codes = tf.tile(tf.reshape(tf.range(0, 20, 1, 'float32'), [1, 20, 1]), [2, 1, 1]);
    const { context, target } = sequenceTargets(codes, { cols: 4, offset: 3 });
    expect(context.shape).toEqual([2, 8, 1]);
    const ctx = [0, 1, 2, 3, 4, 5, 6, 7];
    expectClose(context.dataSync(), [...ctx, ...ctx], 0);
    expectClose(
      target.dataSync(),
      [...ctx, ...ctx].map((v) => v + 12),
      0,
    );
    tf.dispose([codes, context, target]);
  });

  it('gradient of the sum of all targets counts, per pixel, the (patch, k) pairs that use it', () => {
    const x = tf.zeros([1, 4, 2, 1]) as tf.Tensor4D;
    const g = tf.grad((v: tf.Tensor) => tf.addN(patchSequence(v as tf.Tensor4D, { size: 1, offsets: 2 }).targets.map((t) => tf.sum(t))))(x);
    // Row r is a target for offset k whenever r − k ≥ 0: rows 0..3 are used 0, 1, 2, 2 times.
    expectClose(g.dataSync(), [0, 0, 1, 1, 2, 2, 2, 2], 0);
    tf.dispose([x, g]);
  });

  it('rejects bad offsets, one-row grids and bad sequences with typed errors', () => {
    const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => patchSequence(x, { size: 4, offsets: 2 })).toThrow(ConfigError);
    expect(() => patchSequence(x, { size: 4, offsets: 2 })).toThrow(
      /patchSequence: option 'offsets': expected an integer in 1\.\.1 \(below the 2 rows of patches\), got 2$/,
    );
    expect(() => patchSequence(x, { size: 8, offsets: 1 })).toThrow(ShapeError);
    expect(() => patchSequence(x, { size: 9, offsets: 1 })).toThrow(/patchSequence: option 'size' \(9\)/);
    const codes = tf.zeros([2, 10, 3]);
    expect(() => sequenceTargets(codes, { cols: 3, offset: 1 })).toThrow(
      /sequenceTargets: the length 10 .* multiple of option 'cols' \(3\)/,
    );
    expect(() => sequenceTargets(codes, { cols: 5, offset: 2 })).toThrow(ConfigError);
    expect(() => sequenceTargets(tf.zeros([3]), { cols: 1, offset: 1 })).toThrow(
      /sequenceTargets: argument 'sequence' must have rank >= 2/,
    );
    tf.dispose([x, codes]);
  });

  it('leaves no tensors behind', () => {
    const x = coordinateImages(2, 16, 16);
    expectNoLeak(() => {
      const seq = patchSequence(x, { size: 8, stride: 4, offsets: 2 });
      return [seq.patches, ...seq.targets];
    });
    const codes = tf.zeros([2, 9, 4]);
    expectNoLeak(() => Object.values(sequenceTargets(codes, { cols: 3, offset: 1 })));
    tf.dispose([x, codes]);
  });
});
