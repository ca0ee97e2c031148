/**
 * A training step that throws leaks nothing: neither the tensors tfjs' gradient tape
 * saved for a backward pass that never ran, nor the step's own metric scalars.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, registerAsyncOnlyBackend } from '@infomax/engine';
import { buildObjective, trainStep, trainStepAsync } from './index';
import { LatentImages } from './test-utils/synthetic';

const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
});

const ENCODER = { kind: 'dcgan', filters: [4, 8], fc: [], codeSize: 8 };
const DIM_PRIOR = { kind: 'dim', inputShape: [16, 16, 1], headUnits: 8, encoder: ENCODER, gamma: 0.1, prior: { hidden: [8] } };

function images(n = 8, seed = 1): tf.Tensor4D {
  const data = new LatentImages(16, 1, 4, seed);
  const out = data.next(n);
  data.dispose();
  return out;
}

describe('a step that throws leaves no tensor behind', () => {
  test.each([
    ['cpu', 'trainStep'],
    [asyncOnly, 'trainStepAsync'],
  ])('on %s, %s: a batch of 1 (the bound throws inside the gradient tape)', async (backend, fn) => {
    await tf.setBackend(backend);
    const step = fn === 'trainStep' ? async (...a: Parameters<typeof trainStep>) => trainStep(...a) : trainStepAsync;
    const o = buildObjective(DIM_PRIOR as never);
    const optimizer = adam(1e-3);
    const batch = images();
    const one = batch.slice([0, 0, 0, 0], [1, 16, 16, 1]);
    await step(o, optimizer, { images: batch }, 0);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await expect(step(o, optimizer, { images: one }, 1)).rejects.toThrow(/at least 2/);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([batch, one]);
    optimizer.dispose();
    o.dispose();
  });
});
