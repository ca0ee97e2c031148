import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { syntheticDataset } from '@infomax/data';
import { buildObjective } from '@infomax/objectives';
import { evaluateEncoder } from './evaluation';
import { TINY_DIM } from './test-utils/objectives';

const config = TINY_DIM;
const data = syntheticDataset({ count: 32, seed: 1 });

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

test('the code layer is the objective embed, 8-d here; a missing layer is a ConfigError naming eval.layer', async () => {
  const o = buildObjective(config);
  const r = await evaluateEncoder(o, data, data, 10, { layer: 'code', probeEpochs: 1, knn: false, seed: 0 });
  expect(r.dim).toBe(8);
  expect(r.knnAccuracy).toBeUndefined();
  const mlp = buildObjective({ ...config, encoder: { kind: 'mlp', hidden: [8], codeSize: 4 } });
  await expect(evaluateEncoder(mlp, data, data, 10, { layer: 'conv', probeEpochs: 1, knn: false, seed: 0 })).rejects.toThrow(
    /'eval.layer'.*no output 'conv'/,
  );
  [o, mlp].forEach((x) => x.dispose());
});

test('evaluating a frozen encoder (features, probe, kNN) leaks nothing and reads the asked layer', async () => {
  const o = buildObjective(config);
  const options = { layer: 'fc' as const, probeEpochs: 2, knn: true, seed: 0 };
  await evaluateEncoder(o, data, data, 10, options);
  const before = tf.memory().numTensors;
  const r = await evaluateEncoder(o, data, data, 10, options);
  expect(tf.memory().numTensors).toBe(before);
  expect(r.dim).toBe(16);
  for (const a of [r.trainAccuracy, r.testAccuracy, r.knnAccuracy!]) expect(a >= 0 && a <= 1).toBe(true);
  o.dispose();
});
