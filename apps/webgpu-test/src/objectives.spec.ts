/**
 * trainStepAsync of every objective kind on webgpu (SwiftShader) against trainStep on cpu:
 * the same metrics step by step, one read-back per step, nothing leaked; and the step's
 * NonFiniteError where values diverge, found on the GPU in that same read.
 */
import * as tf from '@tensorflow/tfjs';
import { adam } from '@infomax/engine';
import { buildObjective, NonFiniteError, trainStep, trainStepAsync, type Objective } from '@infomax/objectives';
import { LatentImages } from '../../../packages/objectives/src/test-utils/synthetic';
import { countReads, describeWebgpu } from './test-utils/webgpu';

const SMALL = { kind: 'dcgan', filters: [4, 8], fc: [16], codeSize: 8 };
const CONFIGS: Array<[string, Record<string, unknown>]> = [
  ['DIM global', { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, alpha: 1, beta: 0, headUnits: 8, globalHidden: [8] }],
  ['DIM local', { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, headUnits: 8 }],
  ['DIM local + prior', { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, headUnits: 8, gamma: 0.1, prior: { hidden: [8] } }],
  [
    'CMC halves, queue of 16, momentum 0.9',
    { kind: 'cmc', inputShape: [16, 16, 1], views: { kind: 'halves' }, encoder: SMALL, projectionUnits: 8, queueSize: 16, momentum: 0.9 },
  ],
  ['CPC', { kind: 'cpc', inputShape: [16, 16, 1], encoder: { kind: 'mlp', hidden: [16], codeSize: 8 }, context: { channels: [8] } }],
];
const DIM_LOCAL = CONFIGS[1][1];
const STEPS = 3;

function batches(n: number): tf.Tensor4D[] {
  const data = new LatentImages(16, 1, 4, 5);
  const out = Array.from({ length: n }, () => data.next(8));
  data.dispose();
  return out;
}

/** Three steps from the same seed on `backend`: metrics, reads and tensor counts per step. */
async function run(backend: string, config: Record<string, unknown>) {
  await tf.setBackend(backend);
  const o = buildObjective(config as never);
  const optimizer = adam(1e-3);
  const images = batches(STEPS);
  const out = { metrics: [] as Record<string, number>[], reads: [] as number[], tensors: [] as number[] };
  for (let s = 0; s < STEPS; s++) {
    const step =
      backend === 'cpu'
        ? async () => trainStep(o, optimizer, { images: images[s] }, s)
        : () => trainStepAsync(o, optimizer, { images: images[s] }, s);
    const { reads, result } = await countReads(step);
    out.metrics.push(result);
    out.reads.push(reads);
    out.tensors.push(tf.memory().numTensors);
  }
  tf.dispose(images);
  optimizer.dispose();
  o.dispose();
  return out;
}

/** Builds DIM(L), takes a first step, and hands objective and optimizer to `f`; frees them. */
async function afterOneStep(f: (o: Objective, optimizer: tf.Optimizer, images: tf.Tensor4D) => Promise<void>, lr = 1e-3): Promise<void> {
  await tf.setBackend('webgpu');
  const o = buildObjective(DIM_LOCAL as never);
  const optimizer = adam(lr);
  const [images] = batches(1);
  try {
    await trainStepAsync(o, optimizer, { images }, 0);
    await f(o, optimizer, images);
  } finally {
    tf.dispose(images);
    optimizer.dispose();
    o.dispose();
  }
}

describeWebgpu('trainStepAsync on webgpu against trainStep on cpu', () => {
  test.each(CONFIGS)('%s: the same metrics for 3 steps, one read-back per step, no leaks', async (_name, config) => {
    const gpu = await run('webgpu', config);
    const cpu = await run('cpu', config);
    gpu.metrics.forEach((m, s) => {
      expect(Object.keys(m).sort()).toEqual(Object.keys(cpu.metrics[s]).sort());
      // Step 0 reports the loss before any update; later steps carry float32 differences through Adam.
      for (const [k, v] of Object.entries(m))
        expect(Math.abs(v - cpu.metrics[s][k])).toBeLessThan((s === 0 ? 1e-4 : 1e-3) * Math.max(1, Math.abs(cpu.metrics[s][k])));
    });
    expect(gpu.reads).toEqual([1, 1, 1]);
    // Optimizer slots (and a queue) appear on the first step; then nothing accumulates.
    expect(gpu.tensors[2]).toBe(gpu.tensors[1]);
  });

  test('NaN images: NonFiniteError "trainStepAsync: loss is NaN", still one read-back, no leak', async () => {
    await afterOneStep(async (o, optimizer) => {
      const nan = tf.fill([8, 16, 16, 1], NaN) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      let thrown: unknown = null;
      const { reads } = await countReads(() => trainStepAsync(o, optimizer, { images: nan }, 1).catch((e) => (thrown = e)));
      expect(thrown).toBeInstanceOf(NonFiniteError);
      expect((thrown as Error).message).toBe('trainStepAsync: loss is NaN');
      expect(reads).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      nan.dispose();
    });
  });

  test('an Adam second moment set to Infinity on the GPU: "optimizer slot \'…/v\' holds Infinity"', async () => {
    await afterOneStep(async (o, optimizer, images) => {
      const v = (optimizer as unknown as { accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[] })
        .accumulatedSecondMoment[2];
      v.variable.assign(tf.fill(v.variable.shape, Infinity));
      await expect(trainStepAsync(o, optimizer, { images }, 1)).rejects.toThrow(
        `trainStepAsync: optimizer slot '${v.originalName}' holds Infinity`,
      );
    });
  });

  test('Adam at lr 1e6: NonFiniteError within 3 steps, naming what diverged', async () => {
    await afterOneStep(async (o, optimizer, images) => {
      let thrown: unknown = null;
      for (let s = 1; s < 3 && thrown === null; s++) await trainStepAsync(o, optimizer, { images }, s).catch((e) => (thrown = e));
      expect(thrown).toBeInstanceOf(NonFiniteError);
      expect((thrown as Error).message).toMatch(
        /^trainStepAsync: (loss is|metric '\w+' is|gradient norm is|optimizer slot '[^']+' holds|weight '[^']+' \[[\d,]*\] holds) (NaN|-?Infinity)$/,
      );
    }, 1e6);
  });
});
