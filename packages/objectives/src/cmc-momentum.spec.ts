import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, trainStep, type CmcObjective } from './index';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [16], codeSize: 8 };
const HALVES = { kind: 'cmc', inputShape: [16, 16, 1], encoder: SMALL, views: { kind: 'halves' }, projectionUnits: 16, temperature: 0.2 };

const values = (vs: tf.Variable[]) => vs.map((v) => Float32Array.from(v.dataSync()));

test.each([
  ['two encoders (halves)', HALVES, 2],
  ['one shared encoder (crops)', { ...HALVES, views: { kind: 'crops', count: 2 }, sharedEncoder: true }, 1],
])('%s: the key encoders start as copies of the encoders, so the first loss is the loss without momentum', (_name, config, encoders) => {
  const plain = buildObjective(config as never) as CmcObjective;
  const moving = buildObjective({ ...config, momentum: 0.9 } as never) as CmcObjective;
  const n = moving.encoder.trainableVariables.length;
  expect(plain.auxiliaryVariables).toEqual([]);
  expect(moving.auxiliaryVariables.length).toBe(encoders * n);
  // The same seed builds the same encoders and critic; the key encoders hold their weights.
  values(moving.auxiliaryVariables).forEach((k, i) => expectClose(k, moving.variables[i].dataSync(), 0));
  values(moving.variables).forEach((v, i) => expectClose(v, plain.variables[i].dataSync(), 0));
  const data = new LatentImages(16, 1, 4, 7);
  const images = data.next(8);
  const [a, b] = [moving, plain].map((o) => tf.tidy(() => o.loss({ images }, { training: true, step: 0 }).loss.dataSync()[0]));
  expect(Math.abs(a - b)).toBeLessThan(1e-5);
  [plain, moving].forEach((o) => o.dispose());
  tf.dispose(images);
  data.dispose();
});

test('after a step each key weight is m·k + (1 − m)·θ of its encoder’s new θ; the loss does not train the keys; no tensors leak', () => {
  const m = 0.9;
  const o = buildObjective({ ...HALVES, momentum: m, queueSize: 16 }) as CmcObjective;
  const n = o.auxiliaryVariables.length; // both views' encoders, in the order of `variables`
  const data = new LatentImages(16, 1, 4, 8);
  const optimizer = tf.train.adam(1e-2);
  const step = (s: number) => {
    const images = data.next(8);
    const out = trainStep(o, optimizer, { images }, s);
    tf.dispose(images);
    return out;
  };
  step(0); // warm-up: optimizer slots, the queue's first rows
  const before = tf.memory().numTensors;
  for (let s = 1; s < 3; s++) {
    const keys = values(o.auxiliaryVariables);
    const old = values(o.variables.slice(0, n));
    const out = step(s);
    expect(out.queue_size).toBe(Math.min(16, 8 * (s + 1)));
    const theta = values(o.variables.slice(0, n));
    // The encoders moved (the step trained them), and the keys followed by the rule alone.
    expect(theta.some((t, i) => t.some((x, j) => x !== old[i][j]))).toBe(true);
    keys.forEach((k, i) =>
      expectClose(
        o.auxiliaryVariables[i].dataSync(),
        k.map((x, j) => m * x + (1 - m) * theta[i][j]),
        1e-6,
      ),
    );
  }
  expect(tf.memory().numTensors).toBe(before);
  o.dispose();
  data.dispose();
  optimizer.dispose();
});

test('the keys are what the codes are scored against: moving the key encoders changes the loss; the optimizer does not see them', () => {
  const o = buildObjective({ ...HALVES, momentum: 0.5 }) as CmcObjective;
  const data = new LatentImages(16, 1, 4, 9);
  const images = data.next(8);
  const loss = () => tf.tidy(() => o.loss({ images }, { training: true, step: 0 }).loss.dataSync()[0]);
  const first = loss();
  const saved = values(o.auxiliaryVariables);
  // Not a rescaling: with zero biases and cosine scores the loss does not see one. Seeds from 1:
  // tfjs draws an unseeded (Math.random) sequence for seed 0.
  tf.tidy(() => o.auxiliaryVariables.forEach((k, i) => k.assign(tf.add(k, tf.randomNormal(k.shape, 0, 0.1, 'float32', i + 1)))));
  const moved = loss();
  expect(Math.abs(moved - first)).toBeGreaterThan(1e-3);
  o.auxiliaryVariables.forEach((k, i) => k.assign(tf.tensor(saved[i], k.shape)));
  expect(Math.abs(loss() - first)).toBeLessThan(1e-6);
  // The optimizer trains `variables`, which hold none of the keys.
  const trained = new Set(o.variables.map((v) => v.id));
  expect(o.auxiliaryVariables.some((k) => trained.has(k.id))).toBe(false);
  o.dispose();
  tf.dispose(images);
  data.dispose();
});
