import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { buildObjective } from './index';
import { MaskedConvStack } from './internal/masked-conv';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

test('context network is row-causal: changing rows > t leaves the context of rows ≤ t unchanged, and changing row t changes it', () => {
  const net = new MaskedConvStack([4, 6, 5], 3, 3, new Rng(1));
  const x = tf.randomNormal([2, 5, 4, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
  const t = 2;
  const before = tf.memory().numTensors;
  const [same, changed] = tf.tidy(() => {
    const below = tf.concat(
      [x.slice([0, 0, 0, 0], [2, t + 1, 4, 4]), tf.randomNormal([2, 5 - t - 1, 4, 4], 0, 1, 'float32', 3)],
      1,
    ) as tf.Tensor4D;
    const atT = tf.concat([x.slice([0, 0, 0, 0], [2, t, 4, 4]), tf.randomNormal([2, 5 - t, 4, 4], 0, 1, 'float32', 4)], 1) as tf.Tensor4D;
    const rowsUpToT = (y: tf.Tensor4D) => net.apply(y).slice([0, 0, 0, 0], [2, t + 1, 4, 5]);
    const ref = rowsUpToT(x);
    return [tf.max(tf.abs(tf.sub(ref, rowsUpToT(below)))).dataSync()[0], tf.max(tf.abs(tf.sub(ref, rowsUpToT(atT)))).dataSync()[0]];
  });
  expect(tf.memory().numTensors).toBe(before);
  expect(same).toBe(0);
  expect(changed).toBeGreaterThan(1e-3);
  expect(net.apply(x).shape).toEqual([2, 5, 4, 5]);
  tf.dispose(x);
  net.dispose();
});

test.each([
  ['batch', (b: number) => Math.log(b)],
  ['batch+locations', (b: number, l: number) => Math.log(b * l)],
] as const)(
  'CPC InfoNCE with %s negatives stays under its ceiling log K, and uses more than the batch when locations count',
  (negatives, ceiling) => {
    const o = buildObjective({
      kind: 'cpc',
      inputShape: [16, 16, 1],
      negatives,
      encoder: { kind: 'mlp', hidden: [16], codeSize: 8 },
      context: { channels: [8] },
      offsets: 1,
    });
    const b = 4;
    const data = new LatentImages(16, 1, 4, 8);
    const images = data.next(b);
    const l = 2 * 3; // a 3×3 grid (8×8 patches, stride 4); offset 1 leaves 2 rows × 3 columns
    const optimizer = tf.train.adam(3e-2);
    let max = -Infinity;
    for (let step = 0; step < 60; step++) {
      optimizer.minimize(
        () => {
          const r = o.loss({ images }, { training: true, step });
          max = Math.max(max, r.metrics.mi_k1.dataSync()[0]);
          expectClose(r.metrics.mi.dataSync()[0], r.metrics.mi_k1.dataSync()[0], 1e-6);
          return r.loss;
        },
        false,
        o.variables,
      );
    }
    expect(max).toBeLessThanOrEqual(ceiling(b, l) + 1e-5);
    // One batch learnt by heart: the estimate goes past what in-batch negatives alone allow.
    if (negatives === 'batch+locations') expect(max).toBeGreaterThan(Math.log(b));
    tf.dispose(images);
    data.dispose();
    optimizer.dispose();
    o.dispose();
  },
);
