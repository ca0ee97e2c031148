/**
 * A checkpoint taken on webgpu (SwiftShader) and restored on webgpu: the trainer's
 * saveCheckpoint / loadCheckpoint / restoreState with every kind of state — weights,
 * Adam's slots, the prior discriminator's optimizer, the objective's buffers (memory
 * queue, generators) — and the restored objective's next step equal to the uninterrupted one's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { adam } from '@infomax/engine';
import { buildObjective, trainStepAsync } from '@infomax/objectives';
import { loadCheckpoint, saveCheckpoint } from '@infomax/trainer/dist/checkpoint';
import { restoreState, withState } from '@infomax/trainer/dist/internal/state';
import { LatentImages } from '../../../packages/objectives/src/test-utils/synthetic';
import { describeWebgpu } from './test-utils/webgpu';

const SMALL = { kind: 'dcgan', filters: [4, 8], fc: [16], codeSize: 8 };
const CONFIGS: Array<[string, Record<string, unknown>]> = [
  [
    'DIM local + prior',
    { kind: 'dim', inputShape: [16, 16, 1], encoder: SMALL, headUnits: 8, gamma: 0.1, prior: { hidden: [8] }, seed: 2 },
  ],
  [
    'CMC crops, queue of 16, momentum 0.9',
    {
      kind: 'cmc',
      inputShape: [16, 16, 1],
      views: { kind: 'crops', count: 2 },
      encoder: SMALL,
      projectionUnits: 8,
      queueSize: 16,
      momentum: 0.9,
      seed: 2,
    },
  ],
];
const POSITION = {
  step: 2,
  epoch: 0,
  position: 2,
  epochSeed: 1,
  rng: [1, 2, 3, 4] as [number, number, number, number],
  metricsBytes: 0,
  metricsSha256: '0'.repeat(64),
  elapsedMs: 0,
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-webgpu-ckpt-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describeWebgpu('checkpoints on webgpu', () => {
  test.each(CONFIGS)(
    '%s: saved after 2 steps, restored into a fresh objective, the third step equals the uninterrupted run’s',
    async (name, config) => {
      await tf.setBackend('webgpu');
      const data = new LatentImages(16, 1, 4, 9);
      const images = [data.next(8), data.next(8), data.next(8)];
      const where = path.join(dir, name.split(' ')[0]);
      const a = buildObjective(config as never);
      const optA = adam(1e-3);
      for (let s = 0; s < 2; s++) await trainStepAsync(a, optA, { images: images[s] }, s);
      const before = tf.memory().numTensors;
      await withState(a, optA, (groups) => saveCheckpoint(where, POSITION, { objective: a.config }, groups, a.encoder.model, 1));
      expect(tf.memory().numTensors).toBe(before);
      const whole = await trainStepAsync(a, optA, { images: images[2] }, 2);

      const ckpt = await loadCheckpoint(where);
      expect(ckpt.step).toBe(2);
      expect(Object.keys(ckpt.groups).sort()).toEqual(
        [...(config.kind === 'dim' ? ['aux:prior'] : []), 'buffers', 'optimizer', 'variables'].sort(),
      );
      const b = buildObjective(config as never);
      const optB = adam(1e-3);
      await restoreState(b, optB, ckpt.groups, ckpt.dir);
      // The restored weights are the saved ones, now on webgpu.
      const saved = ckpt.groups.variables[0];
      expect(Array.from(await b.variables[0].data())).toEqual(Array.from(saved.values));
      const resumed = await trainStepAsync(b, optB, { images: images[2] }, 2);
      expect(Object.keys(resumed).sort()).toEqual(Object.keys(whole).sort());
      // tfjs' Adam recomputes βᵗ by pow on restore: equal up to float32 rounding, not always bit for bit.
      for (const [k, v] of Object.entries(resumed)) expect(Math.abs(v - whole[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(whole[k])));
      [a, b].forEach((o) => o.dispose());
      [optA, optB].forEach((o) => o.dispose());
      tf.dispose(images);
      data.dispose();
    },
  );
});
