/**
 * trainStepAsync on a backend that cannot read values synchronously (webgpu under
 * Node.js), simulated by the engine's async-only copy of the cpu backend: every objective
 * (DIM with its prior discriminator, CMC with its queue, CPC) takes the same steps as
 * trainStep on cpu, and leaks nothing after a warm-up step.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, registerAsyncOnlyBackend } from '@infomax/engine';
import { buildObjective, NonFiniteError, trainStep, trainStepAsync } from './index';
import { LatentImages } from './test-utils/synthetic';
import { CMC_HALVES_QUEUE, CPC_SMALL, DIM_ALL_TERMS, SMALL_ENCODER } from './test-utils/configs';

const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
});

const CONFIGS: [string, Record<string, unknown>][] = [
  ['DIM α=β=1, γ=0.1 (prior)', DIM_ALL_TERMS],
  ['CMC halves with queue', CMC_HALVES_QUEUE],
  ['CMC 2 random crops', { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'crops', count: 2 }, encoder: SMALL_ENCODER }],
  ['CPC batch+locations', CPC_SMALL],
];
const STEPS = 4;

async function run(
  backend: string,
  config: Record<string, unknown>,
  step: typeof trainStepAsync,
): Promise<{ metrics: Record<string, number>[]; leaked: number }> {
  await tf.setBackend(backend);
  const o = buildObjective(config as never);
  const data = new LatentImages(16, 1, 4, 3);
  const optimizer = tf.train.adam(1e-3);
  const metrics: Record<string, number>[] = [];
  let after = 0;
  for (let i = 0; i < STEPS; i++) {
    const images = data.next(8);
    metrics.push(await step(o, optimizer, { images }, i));
    images.dispose();
    // Adam's slots and the queue fill on the first step; from then on nothing may accumulate.
    if (i === 0) after = tf.memory().numTensors;
  }
  const leaked = tf.memory().numTensors - after;
  o.dispose();
  optimizer.dispose();
  data.dispose();
  return { metrics, leaked };
}

describe('trainStepAsync where values are read only asynchronously', () => {
  test.each(CONFIGS)('%s: the same metrics as trainStep on cpu, step by step, and no leaks', async (_name, config) => {
    const want = await run('cpu', config, async (...args) => trainStep(...args));
    const got = await run(asyncOnly, config, trainStepAsync);
    expect(got.leaked).toBe(0);
    got.metrics.forEach((m, i) => {
      expect(Object.keys(m).sort()).toEqual(Object.keys(want.metrics[i]).sort());
      for (const [k, v] of Object.entries(m)) expect(v).toBeCloseTo(want.metrics[i][k], 4);
    });
  });

  test('a step with NaN images throws NonFiniteError naming the loss, checked in the same read-back', async () => {
    await tf.setBackend(asyncOnly);
    const o = buildObjective(CONFIGS[0][1] as never);
    const optimizer = tf.train.adam(1e-3);
    const images = tf.fill([8, 16, 16, 1], NaN) as tf.Tensor4D;
    await expect(trainStepAsync(o, optimizer, { images }, 0)).rejects.toThrow(new NonFiniteError('trainStepAsync: loss is NaN'));
    tf.dispose(images);
    optimizer.dispose();
    o.dispose();
  });
});
