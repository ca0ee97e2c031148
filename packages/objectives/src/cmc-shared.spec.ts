import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { buildObjective, type CmcObjective } from './index';
import { expectClose } from './test-utils/expect-close';
import { LatentImages } from './test-utils/synthetic';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'dcgan', filters: [8, 16], fc: [16], codeSize: 8 };
const CROPS = {
  kind: 'cmc',
  inputShape: [16, 16, 1],
  encoder: SMALL,
  views: { kind: 'crops', count: 2 },
  projectionUnits: 16,
  temperature: 0.2,
};

test('one shared encoder over two crops: the same loss, and each weight’s gradient is the sum of its two views’ gradients in two encoders holding the same weights', () => {
  const shared = buildObjective({ ...CROPS, sharedEncoder: true }) as CmcObjective;
  const apart = buildObjective(CROPS) as CmcObjective;
  const data = new LatentImages(16, 1, 4, 5);
  const images = data.next(8);
  const n = shared.encoder.trainableVariables.length;
  // Same seed: view 0's encoder and the critic start the same; copy view 0's weights into view 1's encoder.
  expect(apart.variables.length).toBe(shared.variables.length + n);
  for (let i = 0; i < n; i++) apart.variables[n + i].assign(apart.variables[i]);
  shared.variables.forEach((v, i) => expectClose(v.dataSync(), apart.variables[i < n ? i : i + n].dataSync(), 0));

  const before = tf.memory().numTensors;
  // Both objectives draw the same crops: their view functions start from the same seed.
  const a = tf.variableGrads(() => shared.loss({ images }, { training: true, step: 0 }).loss, shared.variables);
  const b = tf.variableGrads(() => apart.loss({ images }, { training: true, step: 0 }).loss, apart.variables);
  expectClose(a.value.dataSync(), b.value.dataSync(), 1e-5);
  shared.variables.forEach((v, i) => {
    const expected =
      i < n
        ? tf.tidy(() => tf.add(b.grads[apart.variables[i].name], b.grads[apart.variables[n + i].name]).dataSync())
        : b.grads[apart.variables[i + n].name].dataSync();
    expectClose(a.grads[v.name].dataSync(), expected, 1e-4);
  });
  tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
  expect(tf.memory().numTensors).toBe(before);
  [shared, apart].forEach((o) => o.dispose());
  tf.dispose(images);
  data.dispose();
});

test('a shared encoder over crops embeds the whole image once: its own code, not the views’ codes side by side', () => {
  const shared = buildObjective({ ...CROPS, sharedEncoder: true });
  const apart = buildObjective(CROPS);
  const data = new LatentImages(16, 1, 4, 6);
  const images = data.next(5);
  const before = tf.memory().numTensors;
  const [s, p] = [shared, apart].map((o) => o.embed!(images));
  expect([s.shape, p.shape]).toEqual([
    [5, 8],
    [5, 16],
  ]);
  const own = tf.tidy(() => shared.encoder.encode(images).global.dataSync());
  expectClose(s.dataSync(), own, 1e-6);
  tf.dispose([s, p]);
  expect(tf.memory().numTensors).toBe(before);
  [shared, apart].forEach((o) => o.dispose());
  tf.dispose(images);
  data.dispose();
});
