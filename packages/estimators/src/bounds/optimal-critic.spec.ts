import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { dv } from './dv';
import { nwj } from './nwj';
import { tuba } from './tuba';
import { smile } from './smile';
import { infoNce } from './info-nce';
import { interpolated } from './interpolated';
import { gaussianLogRatio, rhoForMi } from '../reference/gaussian';
import { expectClose, expectNoLeak, read } from '../test-utils/helpers';

// The acceptance test of the bounds: with the analytically optimal critic, each bound's
// mini-batch estimate averaged over 16 batches of B = 1024 sits on the true MI.
const D = 20;
const BATCH = 1024;
const REPEATS = 16;

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/**
 * A batch of the correlated Gaussian drawn by tfjs' seeded generator (drawing 10⁶
 * normals in JS is slow under jest, whose sandbox slows every Math.* call).
 */
function gaussianBatch(rng: Rng, batch: number, rho: number): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const x = tf.randomNormal([batch, D], 0, 1, 'float32', rng.tfSeed());
    const noise = tf.randomNormal([batch, D], 0, 1, 'float32', rng.tfSeed());
    return [x, tf.add(tf.mul(rho, x), tf.mul(Math.sqrt(1 - rho * rho), noise))] as [tf.Tensor2D, tf.Tensor2D];
  });
}

/** Mean over REPEATS batches of each named estimate, computed from the true log-ratio. */
function averageEstimates(mi: number, batch: number, seed: number): Record<string, number> {
  const rho = rhoForMi(mi, D);
  const rng = new Rng(seed);
  const sums: Record<string, number> = {};
  for (let r = 0; r < REPEATS; r++) {
    const values = tf.tidy(() => {
      const [x, y] = gaussianBatch(rng, batch, rho);
      const logRatio = gaussianLogRatio(x, y, rho);
      // A row baseline log a(x_i) = 0.1·|x_i|²: TUBA's optimum is then T = log a(x) + log-ratio.
      const logA = tf.mul(0.1, tf.sum(tf.square(x), 1));
      return {
        dv: read(dv(logRatio)).estimate,
        nwj: read(nwj(tf.add(logRatio, 1))).estimate,
        tuba: read(tuba(tf.add(logRatio, logA.expandDims(1)), { logBaseline: logA })).estimate,
        smile: read(smile(logRatio, { clip: 5 })).estimate,
        infoNce: read(infoNce(logRatio)).estimate,
        interpolated: read(interpolated(logRatio, { alpha: 0.01 })).estimate,
      };
    });
    for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v / REPEATS;
  }
  return sums;
}

describe.each([1, 2])('d=20 I=%p nats, B=1024, 16 batches, optimal critic', (mi) => {
  let est: Record<string, number>;
  beforeAll(() => {
    est = averageEstimates(mi, BATCH, 100 + mi);
  });
  test.each(['dv', 'nwj', 'tuba', 'smile', 'interpolated'])('%s is within 0.05 nats of the truth', (name) => {
    expectClose(est[name], mi, 0.05);
  });
  test('infoNce is within 0.1 nats of the truth (far below log B = 6.93)', () => {
    expectClose(est.infoNce, mi, 0.1);
  });
});

test('d=20 I=10 nats, B=64, optimal critic: InfoNCE never exceeds log 64 and saturates near it', () => {
  const rho = rhoForMi(10, D);
  const rng = new Rng(7);
  for (let r = 0; r < 8; r++) {
    const estimate = tf.tidy(() => {
      const [x, y] = gaussianBatch(rng, 64, rho);
      return read(infoNce(gaussianLogRatio(x, y, rho))).estimate;
    });
    expect(estimate).toBeLessThanOrEqual(Math.log(64) + 1e-6);
    expect(estimate).toBeGreaterThan(Math.log(64) - 0.5);
  }
});

test('B=256: computing every optimal-critic estimate leaks no tensors', () => {
  expectNoLeak(() => averageEstimatesSmall());
});

function averageEstimatesSmall(): void {
  const [x, y] = gaussianBatch(new Rng(3), 256, rhoForMi(1, D));
  const s = gaussianLogRatio(x, y, rhoForMi(1, D));
  for (const r of [dv(s), nwj(s), tuba(s), smile(s), infoNce(s), interpolated(s)]) read(r);
  tf.dispose([x, y, s]);
}
