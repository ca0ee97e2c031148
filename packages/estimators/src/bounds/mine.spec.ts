import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { Mine } from './mine';
import { dv } from './dv';
import { ConfigError, ShapeError } from '../errors';
import { expectAllClose, expectClose, randomScores, read } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** mean over off-diagonal entries of e^s. */
function negExpMean(v: number[][]): number {
  let z = 0;
  v.forEach((row, i) => row.forEach((x, k) => (z += k === i ? 0 : Math.exp(x))));
  return z / (v.length * (v.length - 1));
}

describe('Mine (Belghazi et al. 2018)', () => {
  test('B=4, decay=0.9: the estimate is DV; the gradient divides by the moving average of E_q[e^T]', () => {
    const mine = new Mine({ decay: 0.9 });
    const s1 = randomScores(31, [4, 4], 2);
    const s2 = randomScores(32, [4, 4], 3);
    const v1 = s1.arraySync() as number[][];
    const v2 = s2.arraySync() as number[][];
    const n = 4 * 3;

    // Step 1: the average starts at the batch mean, so the gradient is DV's.
    const dvGrad = tf.grad((t: tf.Tensor) => dv(t).loss)(s1);
    const g1 = tf.grad((t: tf.Tensor) => mine.bound(t).loss)(s1);
    expectAllClose(g1.dataSync(), dvGrad.dataSync(), 1e-6);
    expectClose(mine.average()![0], negExpMean(v1), 1e-5);

    // Step 2: average = 0.9·mean1 + 0.1·mean2; dloss/ds_ik = e^s_ik / (n · average) off the diagonal.
    const average = 0.9 * negExpMean(v1) + 0.1 * negExpMean(v2);
    const g2 = tf
      .grad((t: tf.Tensor) => mine.bound(t).loss)(s2)
      .arraySync() as number[][];
    const expected = v2.map((row, i) => row.map((x, k) => (k === i ? -1 / 4 : Math.exp(x) / (n * average))));
    expectAllClose(g2.flat(), expected.flat(), 1e-5);
    expectClose(mine.average()![0], average, 1e-5);

    // The reported estimate stays the batch's DV value.
    const r = read(mine.bound(s2));
    expectClose(r.estimate, read(dv(s2)).estimate, 1e-6);

    tf.dispose([s1, s2, dvGrad, g1]);
    mine.dispose();
  });

  test('[B, B, L] scores keep one average per position; another L throws until reset()', () => {
    const mine = new Mine();
    const s = randomScores(33, [3, 3, 2], 2);
    read(mine.bound(s));
    expect(mine.average()).toHaveLength(2);
    const other = randomScores(34, [3, 3], 2);
    expect(() => mine.bound(other)).toThrow(ShapeError);
    expect(() => mine.bound(other)).toThrow(/Mine.bound: 'scores' must keep L = 2/);
    mine.reset();
    expect(mine.average()).toBeNull();
    read(mine.bound(other));
    expect(mine.average()).toHaveLength(1);
    tf.dispose([s, other]);
    mine.dispose();
  });

  test('decay outside [0, 1) is a ConfigError naming the option', () => {
    expect(() => new Mine({ decay: 1 })).toThrow(ConfigError);
    expect(() => new Mine({ decay: -0.1 })).toThrow(/Mine: option 'decay'/);
  });

  test('a training step leaks no tensors (the state tensor is replaced, not accumulated)', () => {
    const mine = new Mine();
    const s = randomScores(35, [5, 5], 2);
    const step = () => {
      const g = tf.grad((t: tf.Tensor) => mine.bound(t).loss)(s);
      g.dispose();
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    mine.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    s.dispose();
  });
});
