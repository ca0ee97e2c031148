import * as tf from '@tensorflow/tfjs';
import { initEngine } from './backend';
import { adam, ADAM_BETA_POWERS } from './optimizers';
import { Rng } from './random';

/** A quadratic with a seeded target: the gradient is 2(w − target), new every step from the target's drift. */
let made = 0;
function problem(seed: number) {
  const rng = new Rng(seed);
  const w = tf.variable(tf.tensor1d(Array.from({ length: 37 }, () => rng.normal())), true, `w${made++}`);
  const targets = Array.from({ length: 400 }, () => tf.tensor1d(Array.from({ length: 37 }, () => rng.normal())));
  const step = (opt: tf.Optimizer, t: number) => opt.minimize(() => tf.sum(tf.square(tf.sub(w, targets[t]))) as tf.Scalar);
  return { w, step, dispose: () => tf.dispose([w, ...targets]) };
}

/** Bit patterns of a float32 array, for exact comparison. */
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

describe.each(['cpu', 'wasm'])('adam on %s: getWeights / setWeights resume bit for bit', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend: backend as 'cpu' | 'wasm', log: null });
  });

  test('the running β products differ from pow(β, t + 1) at some step below 400 (why they are stored)', () => {
    const differs = tf.tidy(() => {
      let acc = tf.scalar(0.999);
      for (let t = 1; t < 400; t++) {
        acc = tf.mul(acc, 0.999);
        if (acc.dataSync()[0] !== tf.pow(0.999, t + 1).dataSync()[0]) return t;
      }
      return -1;
    });
    expect(differs).toBeGreaterThan(0);
  });

  test.each([1, 7, 60, 233])('stop after %i steps, restore into a new optimizer: the next 40 steps are identical', async (stop) => {
    const a = problem(1);
    const b = problem(1);
    const optA = adam(0.01);
    const optB = adam(0.01);
    for (let t = 0; t < stop; t++) {
      a.step(optA, t);
      b.step(optB, t);
    }
    const saved = await optB.getWeights();
    expect(saved.map((s) => s.name).slice(-2)).toEqual([...ADAM_BETA_POWERS]);
    // The copies a checkpoint would hold: values only, re-created as new tensors.
    const copies = saved.map((s) => ({ name: s.name, tensor: tf.tensor(s.tensor.dataSync().slice(), s.tensor.shape, s.tensor.dtype) }));
    tf.dispose(saved.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
    optB.dispose();
    const restored = adam(0.01);
    await restored.setWeights(copies);
    tf.dispose(copies.map((c) => c.tensor));
    for (let t = stop; t < stop + 40; t++) {
      a.step(optA, t);
      b.step(restored, t);
    }
    expect(bits(b.w)).toEqual(bits(a.w));
    optA.dispose();
    restored.dispose();
    a.dispose();
    b.dispose();
  });

  test('tfjs’s own list (no β products) still loads', async () => {
    const a = problem(2);
    const opt = adam(0.01);
    for (let t = 0; t < 3; t++) a.step(opt, t);
    const saved = (await opt.getWeights()).filter((s) => !(ADAM_BETA_POWERS as readonly string[]).includes(s.name));
    const restored = adam(0.01);
    await restored.setWeights(saved);
    expect(restored.iterations).toBe(3);
    opt.dispose();
    restored.dispose();
    a.dispose();
  });

  test('a β product that is not a scalar is refused, naming it', async () => {
    const opt = adam(0.01);
    const bad = [
      { name: 'iter', tensor: tf.scalar(2, 'int32') },
      { name: ADAM_BETA_POWERS[0], tensor: tf.zeros([2]) },
    ];
    await expect(opt.setWeights(bad)).rejects.toThrow(/adam\/accBeta1' must be a scalar/);
    tf.dispose(bad.map((b) => b.tensor));
    opt.dispose();
  });
});
