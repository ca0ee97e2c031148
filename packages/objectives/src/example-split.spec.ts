import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { buildObjective, type Objective } from './index';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const ENCODER = { kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 16 };
const CONFIGS = [
  ['DIM(L), JSD', {}],
  ['DIM(L), InfoNCE, batch+locations negatives', { estimator: 'infonce', localNegatives: 'batch+locations' }],
  ['DIM(G) + local + prior (α = 0.5, β = 1, γ = 0.1), NWJ', { alpha: 0.5, gamma: 0.1, estimator: 'nwj', globalHidden: [16] }],
] as const;

test.each(CONFIGS)("%s: the batch part on two halves' per-example outputs gives loss() and its metrics (1e-5 relative)", (_, extra) => {
  const o = buildObjective({ kind: 'dim', inputShape: [28, 28, 1], encoder: ENCODER, headUnits: 16, ...extra }) as Objective;
  const rng = new Rng(4);
  const images = tf.tensor4d(
    Float32Array.from({ length: 10 * 784 }, () => rng.uniform()),
    [10, 28, 28, 1],
  );
  const split = o.split?.();
  expect(split).not.toBeNull();
  const options = { training: true, step: 0 };
  // Warm-up: the batch+locations mask and the prior's codes are kept between calls.
  const warm = o.loss({ images }, options);
  tf.dispose([warm.loss, warm.metrics]);
  const before = tf.memory().numTensors;
  const whole = o.loss({ images }, options);
  const halves = tf.tidy(() => {
    const [a, b] = [tf.slice(images, 0, 6), tf.slice(images, 6)] as tf.Tensor4D[];
    const [oa, ob] = [split!.examples(a, options), split!.examples(b, options)];
    expect(oa.every((t) => t.shape[0] === 6)).toBe(true);
    const { loss, metrics } = split!.batchLoss(
      oa.map((t, k) => tf.concat([t, ob[k]])),
      options,
    );
    return { loss, metrics };
  });
  const close = (x: tf.Scalar, y: tf.Scalar) =>
    expect(Math.abs(x.dataSync()[0] - y.dataSync()[0])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(y.dataSync()[0])));
  close(halves.loss, whole.loss);
  expect(Object.keys(halves.metrics).sort()).toEqual(Object.keys(whole.metrics).sort());
  for (const k of Object.keys(whole.metrics)) close(halves.metrics[k], whole.metrics[k]);
  // The split's variables are the per-example part's: the encoder's and the local term's heads, not the global critic's.
  expect(new Set(split!.variables).size).toBe(split!.variables.length);
  expect(split!.variables.every((v) => o.variables.includes(v))).toBe(true);
  expect(split!.variables.length).toBe(o.variables.length - ('alpha' in extra ? 4 * 2 : 0));
  tf.dispose([whole.loss, whole.metrics, halves.loss, halves.metrics]);
  expect(tf.memory().numTensors).toBe(before);
  images.dispose();
  o.dispose();
});

test('an encoder with batch norm has no split (its batch statistics couple the examples)', () => {
  const o = buildObjective({ kind: 'dim', inputShape: [28, 28, 1], encoder: { ...ENCODER, batchNorm: true }, headUnits: 16 }) as Objective;
  expect(o.split?.()).toBeNull();
  o.dispose();
});
