import * as tf from '@tensorflow/tfjs';
import { releaseTapeOnThrow } from './gradient-tape';
import { initEngine } from './backend';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
});

/** A gradient whose forward pass saves tensors for the backward pass, then throws. */
function failingGradient(w: tf.Variable): void {
  tf.variableGrads(() => {
    const y = tf.sum(tf.square(tf.mul(tf.exp(w), w))) as tf.Scalar;
    throw new Error(`forward pass failed after computing a [${y.shape}] loss`);
  }, [w]);
}

describe('releaseTapeOnThrow', () => {
  test('tfjs alone keeps the tensors a throwing forward pass saved for its gradient, call after call (why this exists)', () => {
    const w = tf.variable(tf.ones([4]));
    const counts = [tf.memory().numTensors];
    for (let i = 0; i < 2; i++) {
      expect(() => failingGradient(w)).toThrow('forward pass failed');
      counts.push(tf.memory().numTensors);
    }
    expect(counts[1] - counts[0]).toBeGreaterThan(0);
    expect(counts[2] - counts[1]).toBe(counts[1] - counts[0]);
    w.dispose();
  });

  test('wrapped, the same throw leaves the tensor count unchanged, three times over; a good gradient still works after', () => {
    const w = tf.variable(tf.tensor1d([0, 1, 2]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      expect(() => releaseTapeOnThrow(() => failingGradient(w))).toThrow('forward pass failed');
      expect(tf.memory().numTensors).toBe(before);
    }
    const { value, grads } = releaseTapeOnThrow(() => tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]));
    expect(Array.from(grads[w.name].dataSync())).toEqual([0, 2, 4]);
    tf.dispose([value, grads[w.name]]);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  test('returns what the function returns and rethrows its error unchanged', () => {
    expect(releaseTapeOnThrow(() => 7)).toBe(7);
    const error = new RangeError('mine');
    expect(() =>
      releaseTapeOnThrow(() => {
        throw error;
      }),
    ).toThrow(error);
  });
});
