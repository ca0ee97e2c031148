import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, ShapeError } from './errors';
import { extractFeatures } from './extract-features';
import { expectClose, expectNoLeak } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

describe('extractFeatures', () => {
  const [n, h, w, c] = [11, 4, 3, 2];
  const rng = new Rng(31);
  const bytes = Uint8Array.from({ length: n * h * w * c }, () => rng.int(256));
  // Per-image channel means and a fixed linear map: a tiny "encoder" with intermediates.
  const encoder = (x: tf.Tensor4D) => tf.mean(x, [1, 2]).matMul(tf.tensor2d([1, 2, -1, 0.5, 3, 0], [2, 3]));

  it('n=11, batch 4 (ragged last batch): equals a plain-JS encoder over pixels scaled by 1/255', async () => {
    const out = await extractFeatures(encoder, bytes, [n, h, w, c], 4);
    expect(out).toHaveLength(n * 3);
    for (let i = 0; i < n; i++) {
      const means = [0, 0];
      for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) means[ch] += bytes[(i * h * w + p) * c + ch] / 255 / (h * w);
      const expected = [means[0] + 0.5 * means[1], 2 * means[0] + 3 * means[1], -means[0]];
      for (let j = 0; j < 3; j++) expectClose(out[i * 3 + j], expected[j], 1e-5);
    }
  });

  it('a conv-map output [b, h, w, c] is flattened per image; float pixels are used unscaled', async () => {
    const pixels = Float32Array.from(bytes, (b) => b / 7);
    const out = await extractFeatures((x) => x.mul(2), pixels, [n, h, w, c], 3);
    expect(out).toHaveLength(pixels.length);
    out.forEach((v, i) => expectClose(v, 2 * pixels[i], 1e-4));
  });

  it('the batch size does not change the features', async () => {
    const a = await extractFeatures(encoder, bytes, [n, h, w, c], 1);
    const b = await extractFeatures(encoder, bytes, [n, h, w, c], 64);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("leaks no tensors, the encoder's intermediates included", async () => {
    await expectNoLeak(() => extractFeatures(encoder, bytes, [n, h, w, c], 4));
  });

  it('rejects a shape that does not match the pixels, a bad batch size and an encoder that drops rows', async () => {
    const before = tf.memory().numTensors;
    await expect(extractFeatures(encoder, bytes, [n + 1, h, w, c], 4)).rejects.toThrow(/extractFeatures: images must hold/);
    await expect(extractFeatures(encoder, bytes, [n, h, w, c], 0)).rejects.toThrow(ConfigError);
    await expect(extractFeatures((x) => x.slice([0, 0, 0, 0], [1, -1, -1, -1]), bytes, [n, h, w, c], 4)).rejects.toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
