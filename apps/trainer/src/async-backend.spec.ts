/**
 * The trainer's pieces on a backend that cannot read values synchronously (webgpu under
 * Node.js), simulated by the engine's async-only copy of the cpu backend: the training
 * step, a checkpoint, held-out metrics, the probe/kNN evaluation, the PCA projection and
 * the Gaussian MI estimate each give the cpu backend's numbers, and leak nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { adam, initEngine, registerAsyncOnlyBackend } from '@infomax/engine';
import { syntheticDataset } from '@infomax/data';
import { buildObjective, trainStepAsync } from '@infomax/objectives';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { estimateGaussian } from './estimate';
import { evaluateEncoder, project } from './evaluation';
import { heldOutMetrics } from './internal/held-out';
import { withState } from './internal/state';
import { TINY_DIM } from './test-utils/objectives';

const config = { ...TINY_DIM, gamma: 0.1, prior: { hidden: [8] } };
const data = syntheticDataset({ count: 32, seed: 1 });

let dir: string;
const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-async-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function trainerPieces(backend: string) {
  await tf.setBackend(backend);
  const o = buildObjective(config);
  const optimizer = adam(1e-3);
  const images = tf.tensor4d(
    Float32Array.from(data.images.subarray(0, 8 * 784), (v) => v / 255),
    [8, 28, 28, 1],
  );
  const steps = [];
  for (let s = 0; s < 3; s++) steps.push(await trainStepAsync(o, optimizer, { images }, s));
  const before = tf.memory().numTensors;
  const where = path.join(dir, backend);
  await withState(o, optimizer, (groups) =>
    saveCheckpoint(
      where,
      { step: 3, epoch: 0, position: 3, epochSeed: 1, rng: [1, 2, 3, 4], metricsBytes: 0, metricsSha256: '0'.repeat(64), elapsedMs: 0 },
      { objective: o.config },
      groups,
      o.encoder.model,
      2,
    ),
  );
  const heldOut = await heldOutMetrics(o, data, 8, 3, 0);
  const evaluation = await evaluateEncoder(o, data, data, 10, { layer: 'code', probeEpochs: 2, knn: true, seed: 0 });
  const leaked = tf.memory().numTensors - before;
  const features = new Float32Array(32 * 4).map((_, i) => Math.sin(i));
  const projected = await project(features, 4, 32, 16);
  const estimates = await estimateGaussian({
    dim: 2,
    levels: [1],
    bounds: ['nwj'],
    critic: 'separable',
    steps: 5,
    batchSize: 16,
    learningRate: 1e-3,
    seed: 0,
  });
  tf.dispose(images);
  o.dispose();
  optimizer.dispose();
  return { steps, heldOut, evaluation, projected, estimates, leaked, checkpoint: await loadCheckpoint(where) };
}

test('the training step, a checkpoint, held-out metrics, the evaluation, PCA and the MI estimate give the cpu backend’s numbers', async () => {
  const want = await trainerPieces('cpu');
  const got = await trainerPieces(asyncOnly);
  expect(got.leaked).toBe(0);
  got.steps.forEach((m, i) => {
    expect(Object.keys(m).sort()).toEqual(Object.keys(want.steps[i]).sort());
    for (const [k, v] of Object.entries(m)) expect(v).toBeCloseTo(want.steps[i][k], 4);
  });
  for (const [k, v] of Object.entries(got.heldOut)) expect(v).toBeCloseTo(want.heldOut[k], 4);
  expect(got.evaluation.testAccuracy).toBeCloseTo(want.evaluation.testAccuracy, 6);
  expect(got.evaluation.knnAccuracy).toBeCloseTo(want.evaluation.knnAccuracy!, 6);
  got.projected.points.forEach((v, i) => expect(v).toBeCloseTo(want.projected.points[i], 4));
  expect(got.estimates[0].estimate).toBeCloseTo(want.estimates[0].estimate, 4);
  expect(got.checkpoint.step).toBe(3);
  expect(Object.keys(got.checkpoint.groups).sort()).toEqual(Object.keys(want.checkpoint.groups).sort());
});
