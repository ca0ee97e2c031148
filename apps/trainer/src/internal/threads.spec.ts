/**
 * Training on 2 threads against 1: the quick start's objective (DIM(L), JSD) at a small
 * size, the same batches, the same seed. The per-example gradients of the two shards are
 * summed instead of accumulated in one pass, so the two differ by float summation order
 * only: each step's loss within 1e-5 relative, every weight after 6 Adam steps (1e-4, DIM's)
 * within 1e-5 of its tensor's largest entry. Measured: equal losses, weights within 4e-7 —
 * a few float32 ulps in the gradients, grown by Adam's division by √v where a gradient
 * entry is tiny (so the bound scales with the learning rate). Two runs on 2 threads are
 * bit-identical.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, Rng } from '@infomax/engine';
import { buildObjective, trainStep, type Objective } from '@infomax/objectives';
import { resolveConfig } from '../config';
import { ConfigError } from '../errors';
import { AUTO_THREADS_CAP, resolveThreads, startThreads } from './threads';

const TINY = {
  kind: 'dim',
  inputShape: [28, 28, 1],
  encoder: { kind: 'dcgan', filters: [8, 16], fc: [32], codeSize: 16 },
  headUnits: 32,
  seed: 3,
} as const;
const BATCH = 12;

function batches(n: number): Float32Array[] {
  const rng = new Rng(11);
  return Array.from({ length: n }, () => Float32Array.from({ length: BATCH * 784 }, () => rng.uniform()));
}

/** Losses and final weights of `steps` steps on `threads` threads. */
async function train(threads: number, data: Float32Array[]): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const objective = buildObjective({ ...TINY }) as Objective;
  const optimizer = adam(1e-4);
  const parallel = await startThreads(threads, objective, 'wasm');
  try {
    const losses = data.map((values, step) => {
      const images = tf.tensor4d(values, [BATCH, 28, 28, 1]);
      const m = trainStep(objective, optimizer, { images }, step, { parallel: parallel ?? undefined });
      images.dispose();
      return m.loss;
    });
    return { losses, weights: objective.variables.map((v) => v.dataSync().slice() as Float32Array) };
  } finally {
    objective.dispose();
    optimizer.dispose();
    await parallel?.dispose();
  }
}

const largest = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(() => initEngine({ backend: 'wasm', log: null }));

test('DIM(L) batch 12, 6 Adam steps at 1e-4: 2 threads give the losses and weights of 1 within 1e-5; twice on 2 threads is bit-identical', async () => {
  const data = batches(6);
  const one = await train(1, data);
  const two = await train(2, data);
  const again = await train(2, data);
  two.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i])).toBeLessThan(1e-5 * Math.abs(one.losses[i])));
  two.weights.forEach((w, i) => expect(maxDiff(w, one.weights[i])).toBeLessThan(1e-5 * largest(one.weights[i])));
  // Not bit-identical to one thread: a test that the threads did the work.
  expect(two.weights.some((w, i) => maxDiff(w, one.weights[i]) > 0)).toBe(true);
  expect(again.losses).toEqual(two.losses);
  again.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(two.weights[i])));
}, 120000);

test('a step on 2 threads leaves no tensor behind', async () => {
  const objective = buildObjective({ ...TINY }) as Objective;
  const optimizer = adam(1e-4);
  const parallel = await startThreads(2, objective, 'wasm');
  const images = tf.tensor4d(batches(1)[0], [BATCH, 28, 28, 1]);
  try {
    trainStep(objective, optimizer, { images }, 0, { parallel: parallel ?? undefined });
    const before = tf.memory().numTensors;
    for (let step = 1; step < 4; step++) trainStep(objective, optimizer, { images }, step, { parallel: parallel ?? undefined });
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    images.dispose();
    objective.dispose();
    optimizer.dispose();
    await parallel?.dispose();
  }
}, 60000);

describe('train.threads', () => {
  const config = (threads: number | null, objective: Record<string, unknown> = { kind: 'dim' }) =>
    resolveConfig({ train: { threads, batchSize: 8 }, objective });
  let dim: Objective;
  let bn: Objective;
  let cpc: Objective;
  let augmenting: Objective;
  beforeAll(() => {
    dim = buildObjective({ ...TINY }) as Objective;
    bn = buildObjective({ ...TINY, encoder: { ...TINY.encoder, batchNorm: true } }) as Objective;
    cpc = buildObjective({ kind: 'cpc', inputShape: [28, 28, 1] }) as Objective;
    augmenting = buildObjective({ ...TINY, augment: [{ kind: 'horizontalFlip' }] }) as Objective;
  });
  afterAll(() => [dim, bn, cpc, augmenting].forEach((o) => o.dispose()));

  test('default: the cores up to AUTO_THREADS_CAP where the objective splits and the backend runs on this thread; else 1', () => {
    expect(resolveThreads(config(null), dim, 'wasm')).toBe(Math.min(AUTO_THREADS_CAP, os.availableParallelism()));
    expect(resolveThreads(config(null), dim, 'webgpu')).toBe(1);
    expect(resolveThreads(config(null), bn, 'wasm')).toBe(1);
    expect(resolveThreads(config(null), cpc, 'wasm')).toBe(1);
    expect(resolveThreads(config(3), dim, 'cpu')).toBe(3);
  });

  test('refused: an objective that does not split, batch norm, augmentations, another backend, more threads than images', () => {
    expect(() => resolveThreads(config(2), augmenting, 'wasm')).toThrow(/objective\.augment.*train\.threads must be 1/);
    expect(() => resolveThreads(config(2), cpc, 'wasm')).toThrow(ConfigError);
    expect(() => resolveThreads(config(2), cpc, 'wasm')).toThrow(/train\.threads.*objective 'cpc' does not split/);
    expect(() => resolveThreads(config(2), bn, 'wasm')).toThrow(/objective\.encoder\.batchNorm.*train\.threads must be 1/);
    expect(() => resolveThreads(config(2), dim, 'webgpu')).toThrow(/train\.threads.*'webgpu'/);
    expect(() => resolveThreads(config(9), dim, 'wasm')).toThrow(/train\.threads.*more than train\.batchSize/);
    expect(() => config(0)).toThrow(/train\.threads/);
  });
});
