import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, trainStep } from './index';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';
import { CMC_HALVES_QUEUE, CPC_SMALL, DIM_ALL_TERMS, SMALL_ENCODER } from './test-utils/configs';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const CONFIGS: [string, Record<string, unknown>][] = [
  ['DIM α=β=1, γ=0.1', DIM_ALL_TERMS],
  [
    'CMC full graph, L/a/b',
    { kind: 'cmc', inputShape: [16, 16, 3], views: { kind: 'labChannels' }, mode: 'full', encoder: SMALL_ENCODER, projectionHidden: [8] },
  ],
  ['CMC halves with queue', CMC_HALVES_QUEUE],
  ['CPC batch+locations', CPC_SMALL],
];

describe('every trainable weight gets a gradient', () => {
  test.each(CONFIGS)('%s', (_name, config) => {
    const o = buildObjective(config as never);
    const data = new LatentImages(16, (config.inputShape as number[])[2], 4, 1);
    const images = data.next(8);
    // A first step fills the memory queue, so the queued branch is on the tape too.
    const optimizer = tf.train.sgd(0);
    trainStep(o, optimizer, { images }, 0);
    tf.dispose(Object.values(o.auxiliaryStep?.({ images }, { step: 0 }) ?? {}).filter((v): v is tf.Scalar => v instanceof tf.Tensor));
    const before = tf.memory().numTensors;
    const { grads, value } = tf.variableGrads(() => o.loss({ images }, { training: true, step: 1 }).loss, o.variables);
    const norms = tf.tidy(() => o.variables.map((v) => tf.sum(tf.abs(grads[v.name])).dataSync()[0]));
    const dead = o.variables.filter((_, i) => !(norms[i] > 0)).map((v) => v.name);
    expect(dead).toEqual([]);
    expect(Object.keys(grads).length).toBe(o.variables.length);
    tf.dispose([value, ...Object.values(grads)]);
    // The queue's codes wait for auxiliaryStep; everything else went with the tape's forward pass.
    tf.dispose(Object.values(o.auxiliaryStep?.({ images }, { step: 1 }) ?? {}).filter((v): v is tf.Scalar => v instanceof tf.Tensor));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(images);
    data.dispose();
    optimizer.dispose();
    o.dispose();
  });
});

test('DIM: the prior discriminator trains only in auxiliaryStep, with its own optimizer', () => {
  const o = buildObjective(CONFIGS[0][1] as never);
  expect(Object.keys(o.auxiliaryOptimizers)).toEqual(['prior']);
  expect(o.auxiliaryVariables.length).toBe(4); // two dense layers: weights and biases
  const mainNames = new Set(o.variables.map((v) => v.name));
  expect(o.auxiliaryVariables.some((v) => mainNames.has(v.name))).toBe(false);
  const data = new LatentImages(16, 1, 4, 2);
  const images = data.next(8);
  const snapshot = () => o.auxiliaryVariables.map((v) => Array.from(v.dataSync()));
  const start = snapshot();
  // The main step alone leaves the discriminator as it was…
  const optimizer = tf.train.adam(1e-3);
  optimizer.minimize(() => o.loss({ images }, { training: true, step: 0 }).loss, false, o.variables);
  snapshot().forEach((w, i) => expectClose(w, start[i], 0));
  // …its own step moves it.
  const m = o.auxiliaryStep!({ images }, { step: 0 });
  expect(Object.keys(m).sort()).toEqual(['prior_accuracy', 'prior_disc_loss']);
  tf.dispose(Object.values(m) as tf.Scalar[]);
  expect(snapshot().some((w, i) => w.some((x, j) => x !== start[i][j]))).toBe(true);
  tf.dispose(images);
  data.dispose();
  optimizer.dispose();
  o.dispose();
});

test('trainStep reports the loss of the batch before the update, and the metrics of objective.loss', () => {
  const o = buildObjective({ kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL_ENCODER, alpha: 1, headUnits: 16, globalHidden: [] });
  const data = new LatentImages(16, 1, 4, 3);
  const images = data.next(8);
  const expected = tf.tidy(() => {
    const r = o.loss({ images }, { training: true, step: 0 });
    return [r.loss, r.metrics.mi_local, r.metrics.mi_global].map((t) => t.dataSync()[0]);
  });
  // A small plain gradient step must lower the loss of the same batch.
  const optimizer = tf.train.sgd(1e-3);
  const m = trainStep(o, optimizer, { images }, 0);
  expect(Object.keys(m).sort()).toEqual(['loss', 'mi_global', 'mi_local']);
  expectClose([m.loss, m.mi_local, m.mi_global], expected, 1e-5);
  const again = trainStep(o, optimizer, { images }, 1);
  expect(again.loss).toBeLessThan(m.loss);
  tf.dispose(images);
  data.dispose();
  optimizer.dispose();
  o.dispose();
});
