import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { DataParallel } from './data-parallel';
import type { ParallelTask } from './data-parallel';
import { initEngine } from './backend';
import { ConfigError } from './errors';
import { Rng } from './random';
import { randn, relativeError } from './test-utils/kernel-harness';

const TASK = path.join(__dirname, 'test-utils', 'tiny-conv-task.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTask } = require(TASK) as { createTask: (o: { seed: number }) => ParallelTask };

describe('DataParallel (worker_threads, gradient averaging)', () => {
  it('3 steps on 2 workers (batch 7, shards 4+3) give the weights of full-batch training in one thread', async () => {
    await initEngine({ backend: 'wasm', log: null });
    const rng = new Rng(9);
    const batches = Array.from({ length: 3 }, () => ({ x: randn(rng, 7 * 64), y: randn(rng, 7 * 3) }));

    const task = createTask({ seed: 5 });
    const singleLosses: number[] = [];
    for (const b of batches) {
      const x = tf.tensor4d(b.x, [7, 8, 8, 1]);
      const y = tf.tensor2d(b.y, [7, 3]);
      const { value, grads } = tf.variableGrads(() => task.loss([x, y]), task.variables);
      singleLosses.push(value.dataSync()[0]);
      task.optimizer.applyGradients(grads);
      tf.dispose([x, y, value, grads]);
    }
    const expected = task.variables.map((v) => v.dataSync().slice() as Float32Array);

    const dp = await DataParallel.create({ module: TASK, options: { seed: 5 }, workers: 2 });
    const losses: number[] = [];
    let got: Float32Array[];
    try {
      for (const b of batches) {
        losses.push(
          await dp.step([
            { values: b.x, shape: [7, 8, 8, 1], dtype: 'float32' },
            { values: b.y, shape: [7, 3], dtype: 'float32' },
          ]),
        );
      }
      got = await dp.readWeights();
    } finally {
      // Live workers would keep jest from exiting.
      await dp.dispose();
    }
    losses.forEach((l, i) => expect(Math.abs(l - singleLosses[i]) / singleLosses[i]).toBeLessThan(1e-4));
    expect(got).toHaveLength(expected.length);
    got.forEach((w, i) => expect(relativeError(w, expected[i])).toBeLessThan(1e-4));
  });

  it('bad options are ConfigErrors naming the option', async () => {
    await expect(DataParallel.create({ module: TASK, workers: 0 })).rejects.toThrow(ConfigError);
    await expect(DataParallel.create({ module: 'relative/task.js' })).rejects.toThrow(/option 'module' must be an absolute path/);
  });

  it('a task module that throws surfaces as an error naming the worker', async () => {
    await expect(DataParallel.create({ module: path.join(__dirname, 'no-such-task.js'), workers: 1 })).rejects.toThrow(
      /DataParallel worker 0: .*Cannot find module/,
    );
  });
});
