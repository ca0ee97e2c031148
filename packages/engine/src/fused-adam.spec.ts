import * as tf from '@tensorflow/tfjs';
import { initEngine } from './backend';
import { FusedAdam } from './fused-adam';
import { ConfigError } from './errors';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

describe('FusedAdam', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  function run(opt: tf.Optimizer, steps: number): Float32Array[] {
    const rng = new Rng(4);
    const w = tf.variable(tf.tensor2d(randn(rng, 12 * 5), [12, 5]), true, `w${Math.random().toString(36).slice(2)}`);
    const b = tf.variable(tf.zeros([5]), true, `b${Math.random().toString(36).slice(2)}`);
    const x = tf.tensor2d(randn(new Rng(5), 8 * 12), [8, 12]);
    const y = tf.tensor2d(randn(new Rng(6), 8 * 5), [8, 5]);
    for (let i = 0; i < steps; i++) {
      tf.dispose(opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w).add(b).tanh()) as tf.Scalar) ?? []);
    }
    const out = [w.dataSync().slice() as Float32Array, b.dataSync().slice() as Float32Array];
    tf.dispose([w, b, x, y]);
    return out;
  }

  it('20 steps give the weights of tf.train.adam (1e-5 relative)', () => {
    const ours = run(new FusedAdam({ learningRate: 0.01 }), 20);
    const ref = run(tf.train.adam(0.01), 20);
    ours.forEach((w, i) => expect(relativeError(w, ref[i])).toBeLessThan(1e-5));
  });

  it('getWeights/setWeights resumes exactly: 10 + 10 steps equal 20 steps', async () => {
    const rng = new Rng(8);
    const init = randn(rng, 30);
    const train = async (split: boolean) => {
      const w = tf.variable(tf.tensor1d(init), true, `r${Math.random().toString(36).slice(2)}`);
      let opt = new FusedAdam({ learningRate: 0.05 });
      const loss = () => w.square().sum().add(w.sin().sum()) as tf.Scalar;
      for (let i = 0; i < 10; i++) tf.dispose(opt.minimize(loss) ?? []);
      if (split) {
        const saved = await opt.getWeights();
        opt = new FusedAdam({ learningRate: 0.05 });
        await opt.setWeights(saved);
        tf.dispose(saved.map((s) => s.tensor));
      }
      for (let i = 0; i < 10; i++) tf.dispose(opt.minimize(loss) ?? []);
      const out = w.dataSync().slice();
      w.dispose();
      return out;
    };
    expect(relativeError(await train(true), await train(false))).toBe(0);
  });

  it('no tensor leaks per step after the first', () => {
    const w = tf.variable(tf.ones([100]));
    const opt = new FusedAdam();
    const loss = () => w.square().sum() as tf.Scalar;
    tf.dispose(opt.minimize(loss) ?? []);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(opt.minimize(loss) ?? []);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('bad options are ConfigErrors naming the option', () => {
    expect(() => new FusedAdam({ learningRate: 0 })).toThrow(ConfigError);
    expect(() => new FusedAdam({ beta2: 1 })).toThrow(/option 'beta2' must be in \[0, 1\), got 1/);
  });
});
