/**
 * Training on 2 kernel threads against 1: the same objective, batches and seed give the
 * same losses and weights bit for bit (each split kernel call computes every output as one
 * thread does), for DIM(L) and for what threads used to exclude (batch norm, augmentations,
 * CPC); the threads did take part (calls were split); no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, Rng } from '@infomax/engine';
import { buildObjective, trainStep, type Objective } from '@infomax/objectives';
import { resolveConfig } from '../config';
import { ConfigError } from '../errors';
import { kernelThreads, useKernelThreads } from './engine-node';
import { AUTO_THREADS_CAP, checkThreads, resolveThreads } from './threads';

const BATCH = 12;
/** Small, but with GEMMs above the size a call is split at. */
const SMALL_DIM = {
  kind: 'dim',
  inputShape: [28, 28, 1],
  encoder: { kind: 'dcgan', filters: [16, 32], fc: [64], codeSize: 16 },
  headUnits: 32,
  seed: 3,
};

function batches(n: number): Float32Array[] {
  const rng = new Rng(11);
  return Array.from({ length: n }, () => Float32Array.from({ length: BATCH * 784 }, () => rng.uniform()));
}

/** Losses and final weights of `data.length` Adam steps on `threads` kernel threads. */
function train(config: Record<string, unknown>, threads: number, data: Float32Array[]): { losses: number[]; weights: Float32Array[] } {
  useKernelThreads(threads);
  const objective = buildObjective(config as never) as Objective;
  const optimizer = adam(1e-3);
  try {
    const losses = data.map((values, step) => {
      const images = tf.tensor4d(values, [BATCH, 28, 28, 1]);
      const m = trainStep(objective, optimizer, { images }, step);
      images.dispose();
      return m.loss;
    });
    return { losses, weights: objective.variables.map((v) => v.dataSync().slice() as Float32Array) };
  } finally {
    objective.dispose();
    optimizer.dispose();
  }
}

beforeAll(() => initEngine({ backend: 'wasm', threads: 2, log: null }));
afterAll(() => useKernelThreads(1));

test.each([
  ['DIM(L)', SMALL_DIM],
  [
    'DIM(L) with batch norm and augmentations',
    {
      ...SMALL_DIM,
      encoder: { ...SMALL_DIM.encoder, batchNorm: true },
      augment: [{ kind: 'horizontalFlip' }, { kind: 'gaussianNoise', std: 0.1 }],
    },
  ],
  ['CPC', { kind: 'cpc', inputShape: [28, 28, 1], seed: 3 }],
])(
  '%s, 4 Adam steps: 2 threads give the losses and weights of 1 bit for bit',
  (_, config) => {
    const data = batches(4);
    const one = train(config, 1, data);
    const before = kernelThreads().calls;
    const two = train(config, 2, data);
    expect(kernelThreads().calls).toBeGreaterThan(before);
    expect(two.losses).toEqual(one.losses);
    two.weights.forEach((w, i) => expect(w).toEqual(one.weights[i]));
  },
  120000,
);

test('a step on 2 threads leaves no tensor behind', () => {
  useKernelThreads(2);
  const objective = buildObjective({ ...SMALL_DIM } as never) as Objective;
  const optimizer = adam(1e-4);
  const images = tf.tensor4d(batches(1)[0], [BATCH, 28, 28, 1]);
  try {
    trainStep(objective, optimizer, { images }, 0);
    const before = tf.memory().numTensors;
    for (let step = 1; step < 4; step++) trainStep(objective, optimizer, { images }, step);
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    images.dispose();
    objective.dispose();
    optimizer.dispose();
  }
}, 60000);

describe('train.threads', () => {
  const config = (threads: number | null) => resolveConfig({ train: { threads, batchSize: 8 }, objective: { kind: 'dim' } });
  const engine = (backend: string) => ({ backend, device: 'cpu' as const, threads: 1, kernels: [], simd: null, reason: '' });

  test('default: the cores up to AUTO_THREADS_CAP; a number as given', () => {
    expect(AUTO_THREADS_CAP).toBe(2);
    expect(resolveThreads(config(null), 16)).toBe(2);
    expect(resolveThreads(config(null), 1)).toBe(1);
    expect(resolveThreads(config(3), 16)).toBe(3);
    expect(resolveThreads(config(1), 16)).toBe(1);
  });

  test('more than 1 by name needs the wasm backend; the default fits any backend', () => {
    expect(() => checkThreads(config(2), engine('cpu'))).toThrow(ConfigError);
    expect(() => checkThreads(config(2), engine('webgpu'))).toThrow(/train\.threads.*wasm kernels only.*'webgpu'/);
    expect(() => checkThreads(config(2), engine('wasm'))).not.toThrow();
    expect(() => checkThreads(config(null), engine('cpu'))).not.toThrow();
    expect(() => checkThreads(config(1), engine('tensorflow'))).not.toThrow();
    expect(() => config(0)).toThrow(/train\.threads/);
  });
});
