import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { syntheticDataset } from '@infomax/data';
import { buildObjective, trainStep } from '@infomax/objectives';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint';
import { restoreState, withState } from './state';
import { CheckpointError } from '../errors';
import { heldOutMetrics } from './held-out';
import { TINY_DIM } from '../test-utils/objectives';

const config = TINY_DIM;
const data = syntheticDataset({ count: 32, seed: 1 });
const batch = () =>
  tf.tensor4d(
    Float32Array.from(data.images.subarray(0, 8 * 784), (v) => v / 255),
    [8, 28, 28, 1],
  );

let dir: string;
beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-state-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// State besides variables and slots: CMC's key encoders (auxiliaryVariables), its queue and
// its crops' generator (buffers); the prior discriminator's samples' generator (a buffer).
const cmc = {
  kind: 'cmc',
  inputShape: [28, 28, 1],
  encoder: config.encoder,
  views: { kind: 'crops', count: 2 },
  projectionUnits: 16,
  momentum: 0.9,
  queueSize: 12,
  seed: 3,
};
const prior = { ...config, gamma: 0.1, prior: { hidden: [8] } };

test.each([
  ['DIM', config],
  ['CMC: crops, momentum key encoders, a memory queue', cmc],
  ['DIM with prior matching', prior],
])(
  'a checkpointed objective + Adam (%s), restored into fresh ones, takes the same next step (1e-6) and leaks nothing',
  async (_name, given) => {
    const images = batch();
    const a = buildObjective(given);
    const optA = tf.train.adam(1e-3);
    for (let s = 0; s < 3; s++) trainStep(a, optA, { images }, s);
    const before = tf.memory().numTensors;
    await withState(a, optA, (groups) =>
      saveCheckpoint(
        dir,
        { step: 3, epoch: 0, position: 3, epochSeed: 1, rng: [1, 2, 3, 4], metricsBytes: 0, metricsSha256: '0'.repeat(64), elapsedMs: 0 },
        { objective: a.config },
        groups,
        a.encoder.model,
        2,
      ),
    );
    expect(tf.memory().numTensors).toBe(before);

    const b = buildObjective(JSON.parse(JSON.stringify(a.config)));
    const optB = tf.train.adam(1e-3);
    const ckpt = await loadCheckpoint(dir);
    await restoreState(b, optB, ckpt.groups, ckpt.dir);
    const next = [trainStep(a, optA, { images }, 3), trainStep(b, optB, { images }, 3)];
    expect(Object.keys(next[1])).toEqual(Object.keys(next[0]));
    for (const k of Object.keys(next[0])) expect(Math.abs(next[1][k] - next[0][k])).toBeLessThan(1e-6);
    // After the same step the weights agree too, so Adam's moments were restored, not restarted.
    const all = (o: typeof a) => [...o.variables, ...o.auxiliaryVariables];
    all(a).forEach((v, i) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(v, all(b)[i]))).dataSync()[0]);
      expect(d).toBeLessThan(1e-6);
    });

    const warm = tf.memory().numTensors;
    await heldOutMetrics(b, data, 8, 4, 0);
    expect(tf.memory().numTensors).toBe(warm);
    tf.dispose(images);
    [a, b].forEach((o) => o.dispose());
    [optA, optB].forEach((o) => o.dispose());
  },
);

test('a checkpoint whose buffers do not fit the objective is a CheckpointError naming it and the buffer', async () => {
  const a = buildObjective(cmc);
  const opt = tf.train.adam(1e-3);
  const where = path.join(dir, 'buffers');
  await withState(a, opt, (groups) =>
    saveCheckpoint(
      where,
      { step: 0, epoch: 0, position: 0, epochSeed: 1, rng: [1, 2, 3, 4], metricsBytes: 0, metricsSha256: '0'.repeat(64), elapsedMs: 0 },
      { objective: a.config },
      groups,
      a.encoder.model,
      2,
    ),
  );
  // The same variables without a queue: the saved queues have nowhere to go.
  const b = buildObjective({ ...cmc, queueSize: 0 });
  const ckpt = await loadCheckpoint(where);
  const before = tf.memory().numTensors;
  await expect(restoreState(b, opt, ckpt.groups, ckpt.dir)).rejects.toThrow(CheckpointError);
  await expect(restoreState(b, opt, ckpt.groups, ckpt.dir)).rejects.toThrow(/buffers do not fit .*unknown buffer 'queue_0'/);
  expect(tf.memory().numTensors).toBe(before);
  [a, b].forEach((o) => o.dispose());
  opt.dispose();
});

test('held-out metrics are the mean of objective.loss over seeded shuffled batches', async () => {
  const o = buildObjective(config);
  const m = await heldOutMetrics(o, data, 8, 0, 5);
  expect(await heldOutMetrics(o, data, 8, 0, 5)).toEqual(m);
  expect(Object.keys(m)).toEqual(['loss', 'mi_local']);
  expect(Number.isFinite(m.loss)).toBe(true);
  o.dispose();
});
