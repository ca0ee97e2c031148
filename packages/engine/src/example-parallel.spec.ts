import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { ExampleParallel } from './example-parallel';
import type { ExampleTask } from './example-parallel';
import { initEngine } from './backend';
import { ConfigError, EngineError } from './errors';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

const TASK = path.join(__dirname, 'test-utils', 'tiny-example-task.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTask } = require(TASK) as { createTask: (o: { seed: number }) => ExampleTask };

/** A loss that couples the batch: InfoNCE of codes against every other code, plus a term on the maps. */
function coupled([map, code]: tf.Tensor[]): tf.Scalar {
  const scores = tf.matMul(code as tf.Tensor2D, code as tf.Tensor2D, false, true);
  const nce = tf.neg(tf.mean(tf.sub(tf.sum(tf.mul(scores, tf.eye(scores.shape[0])), 1), tf.logSumExp(scores, 1))));
  return tf.add(nce, tf.mean(tf.square(map))) as tf.Scalar;
}

describe('ExampleParallel (per-example part on threads, batch part once)', () => {
  let split: ExampleParallel;
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
    split = await ExampleParallel.create({ module: TASK, options: { seed: 1 }, threads: 3 });
  });
  afterAll(async () => {
    await split?.dispose();
  });

  it('batch 7 on 3 threads (shards 2+3+2): the loss and every gradient of the one-thread loss within 1e-5', () => {
    const task = createTask({ seed: 5 });
    const rng = new Rng(3);
    const x = tf.tensor4d(randn(rng, 7 * 64), [7, 8, 8, 1]);
    const one = tf.variableGrads(() => coupled(task.forward([x])), task.variables);
    const before = tf.memory().numTensors;
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => coupled(split.forward([x], task.variables, (s) => task.forward(s))),
        [...task.variables, split.gate],
      );
      const { [split.gate.name]: gate, ...rest } = grads;
      gate.dispose();
      const summed = split.gather(rest, task.variables);
      const out = { value: value.dataSync()[0], grads: task.variables.map((v) => summed[v.name].dataSync().slice() as Float32Array) };
      tf.dispose([value, ...task.variables.map((v) => summed[v.name])]);
      return out;
    };
    const a = run();
    const b = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(a.value - one.value.dataSync()[0])).toBeLessThan(1e-5 * Math.abs(one.value.dataSync()[0]));
    task.variables.forEach((v, i) => expect(relativeError(a.grads[i], one.grads[v.name].dataSync() as Float32Array)).toBeLessThan(1e-5));
    // The same inputs on the same threads: bit-identical.
    expect(b.value).toBe(a.value);
    a.grads.forEach((g, i) => expect(Array.from(b.grads[i])).toEqual(Array.from(g)));
    tf.dispose([x, one.value, one.grads]);
    task.variables.forEach((v) => v.dispose());
  });

  it('a per-example output the loss ignores is an EngineError, and the threads are ready for the next step', () => {
    const task = createTask({ seed: 5 });
    const x = tf.zeros([4, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const [, code] = split.forward([x], task.variables, (s) => task.forward(s));
      return tf.sum(code) as tf.Scalar;
    }, [...task.variables, split.gate]);
    expect(() => split.gather(grads, task.variables)).toThrow(/output 0 of thread 1 got no gradient/);
    tf.dispose([value, grads]);
    expect(tf.memory().numTensors).toBe(before);
    const ok = tf.variableGrads(() => coupled(split.forward([x], task.variables, (s) => task.forward(s))), [...task.variables, split.gate]);
    tf.dispose(split.gather(ok.grads, task.variables));
    ok.value.dispose();
    tf.dispose(x);
    task.variables.forEach((v) => v.dispose());
  });

  it('a failed forward pass releases the workers (cancel), and variables of other shapes are refused', () => {
    const task = createTask({ seed: 5 });
    const x = tf.zeros([4, 8, 8, 1]);
    expect(() =>
      tf.variableGrads(() => {
        split.forward([x], task.variables, (s) => task.forward(s));
        throw new Error('bound failed');
      }, [...task.variables, split.gate]),
    ).toThrow('bound failed');
    split.cancel();
    expect(() => split.forward([x], task.variables.slice(1), (s) => task.forward(s))).toThrow(/shapes of the task's variables/);
    const ok = tf.variableGrads(() => coupled(split.forward([x], task.variables, (s) => task.forward(s))), [...task.variables, split.gate]);
    tf.dispose(split.gather(ok.grads, task.variables));
    tf.dispose([ok.value, x]);
    task.variables.forEach((v) => v.dispose());
  });

  it('bad options are ConfigErrors; a task that fails to build is an EngineError', async () => {
    await expect(ExampleParallel.create({ module: TASK, threads: 1 })).rejects.toThrow(ConfigError);
    await expect(ExampleParallel.create({ module: 'task.js' })).rejects.toThrow(/option 'module' must be an absolute path/);
    await expect(ExampleParallel.create({ module: path.join(__dirname, 'no-such-task.js') })).rejects.toThrow(EngineError);
  });
});
