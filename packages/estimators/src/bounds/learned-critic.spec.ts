import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { dv } from './dv';
import { nwj } from './nwj';
import { jsd } from './jsd';
import { infoNce } from './info-nce';
import type { BoundResult } from './types';
import { concatCritic } from '../critics/concat-critic';
import { rhoForMi } from '../reference/gaussian';
import { expectClose } from '../test-utils/helpers';

// A learned critic reaches the true MI: d = 2, I = 1 nat, a concat MLP critic trained
// with each bound on fresh batches of 64 for 300 steps (Adam 2e-3); the estimate
// averaged over the last 50 steps must be within 0.15 nats.
const D = 2;
const MI = 1;
const BATCH = 64;
const STEPS = 300;

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** Trains a fresh critic with `bound`, returns the per-step estimates and the tensor count after each step. */
function train(bound: (s: tf.Tensor) => BoundResult, seed: number): { estimates: number[]; counts: number[] } {
  const rho = rhoForMi(MI, D);
  const rng = new Rng(seed);
  const critic = concatCritic({ xDim: D, yDim: D, hidden: [64, 64], seed });
  const optimizer = tf.train.adam(2e-3);
  const estimates: number[] = [];
  const counts: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const [x, y] = tf.tidy(() => {
      const xs = tf.randomNormal([BATCH, D], 0, 1, 'float32', rng.tfSeed());
      const noise = tf.randomNormal([BATCH, D], 0, 1, 'float32', rng.tfSeed());
      return [xs, tf.add(tf.mul(rho, xs), tf.mul(Math.sqrt(1 - rho * rho), noise))] as tf.Tensor2D[];
    });
    let estimate = NaN;
    optimizer.minimize(
      () => {
        const r = bound(critic.scores(x, y));
        estimate = r.estimate.dataSync()[0];
        return r.loss;
      },
      false,
      critic.variables,
    );
    tf.dispose([x, y]);
    estimates.push(estimate);
    counts.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  critic.dispose();
  return { estimates, counts };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

test.each<[string, (s: tf.Tensor) => BoundResult]>([
  ['nwj', (s) => nwj(s)],
  ['dv', (s) => dv(s)],
  ['infoNce', (s) => infoNce(s)],
  ['jsd-trained, nwj-reported', (s) => jsd(s, { report: 'nwj' })],
])('d=2 I=1 nat, B=64, 300 steps: %s averaged over the last 50 steps is within 0.15 nats', (_, bound) => {
  const { estimates, counts } = train(bound, 11);
  expectClose(mean(estimates.slice(-50)), MI, 0.15);
  // The first steps create the optimizer's slots; after that a step creates nothing lasting.
  expect(counts[STEPS - 1]).toBe(counts[10]);
});
