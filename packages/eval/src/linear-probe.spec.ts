import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, LabelError, NonFiniteError, ShapeError } from './errors';
import { linearProbe, LinearProbeOptions } from './linear-probe';
import { blobs, expectClose, expectNoLeak, gaussian, randomLabels } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

function blobTask(seed: number, classes = 4, dim = 8): LinearProbeOptions {
  const rng = new Rng(seed);
  const train = blobs(rng, 400, dim, classes, 8);
  const test = blobs(rng, 200, dim, classes, 8);
  return {
    trainFeatures: train.features,
    trainLabels: train.labels,
    testFeatures: test.features,
    testLabels: test.labels,
    dim,
    classes,
    epochs: 20,
    batchSize: 64,
  };
}

describe('linearProbe', () => {
  it('4 linearly separable Gaussian blobs (8σ apart), dim 8: ≥ 99% train and test accuracy', async () => {
    const r = await linearProbe(blobTask(1));
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.epochs).toBe(20);
    // Separable classes have no finite optimum short of the L2 penalty's; the cosine schedule's
    // mean step is half the constant one's, so 20 epochs take the loss to ≈0.24 (constant: ≈0.18).
    expect(r.loss).toBeLessThan(0.3);
    expect(r.seconds).toBeGreaterThan(0);
  });

  it('random labels, 10 classes, 2000 test rows: test accuracy at chance (10% ± 3 points)', async () => {
    const rng = new Rng(2);
    const dim = 16;
    const r = await linearProbe({
      trainFeatures: gaussian(rng, 1000, dim),
      trainLabels: randomLabels(rng, 1000, 10),
      testFeatures: gaussian(rng, 2000, dim),
      testLabels: randomLabels(rng, 2000, 10),
      dim,
      classes: 10,
      epochs: 10,
    });
    expectClose(r.testAccuracy, 0.1, 0.03);
    // It does fit noise in the training split: the gap is what a leak would hide.
    expect(r.trainAccuracy).toBeGreaterThan(r.testAccuracy);
  });

  it('same seed → identical loss and accuracies; another seed → another shuffle', async () => {
    const task = { ...blobTask(3, 3, 6), epochs: 3, learningRate: 1e-3 };
    const a = await linearProbe({ ...task, seed: 7 });
    const b = await linearProbe({ ...task, seed: 7 });
    const c = await linearProbe({ ...task, seed: 8 });
    expect([b.loss, b.trainAccuracy, b.testAccuracy]).toEqual([a.loss, a.trainAccuracy, a.testAccuracy]);
    expect(c.loss).not.toBe(a.loss);
  });

  it('with standardisation, rescaling and shifting a feature leaves the result (nearly) unchanged', async () => {
    const task = { ...blobTask(4, 3, 4), epochs: 5 };
    const warp = (x: Float32Array) => x.map((v, i) => (i % 4 === 1 ? 1000 * v + 50 : v));
    const a = await linearProbe(task);
    const b = await linearProbe({ ...task, trainFeatures: warp(task.trainFeatures), testFeatures: warp(task.testFeatures) });
    expectClose(b.loss, a.loss, 1e-3);
    expectClose(b.testAccuracy, a.testAccuracy, 0.01);
  });

  it('reports each epoch to onEpoch with a falling loss', async () => {
    const losses: number[] = [];
    await linearProbe({ ...blobTask(5), epochs: 4, onEpoch: (_, loss) => losses.push(loss) });
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
  });

  it("the cosine schedule ends nearer the optimum than a constant step: lower final loss, within 1% of a 4× longer run's", async () => {
    // Overlapping classes: the optimum loss is well above 0, and a constant large step jitters around it.
    const rng = new Rng(11);
    const dim = 16;
    const train = blobs(rng, 1200, dim, 6, 1.5);
    const test = blobs(rng, 300, dim, 6, 1.5);
    const task = {
      trainFeatures: train.features,
      trainLabels: train.labels,
      testFeatures: test.features,
      testLabels: test.labels,
      dim,
      classes: 6,
      batchSize: 32,
      learningRate: 0.05,
    };
    const constant = await linearProbe({ ...task, epochs: 12, schedule: 'constant' });
    const cosine = await linearProbe({ ...task, epochs: 12 });
    const longer = await linearProbe({ ...task, epochs: 48 });
    expect(cosine.loss).toBeLessThan(constant.loss);
    expectClose(cosine.loss, longer.loss, 0.01 * longer.loss);
  });

  it('leaks no tensors', async () => {
    const task = { ...blobTask(6), epochs: 2 };
    await expectNoLeak(() => linearProbe(task));
  });

  it('rejects mismatched lengths, bad labels and bad options, naming the argument', async () => {
    const task = blobTask(7);
    await expect(linearProbe({ ...task, trainLabels: task.trainLabels.subarray(1) })).rejects.toThrow(/linearProbe: trainLabels/);
    await expect(linearProbe({ ...task, testFeatures: task.testFeatures.subarray(1) })).rejects.toThrow(ShapeError);
    await expect(linearProbe({ ...task, testLabels: Int32Array.from(task.testLabels, () => 4) })).rejects.toThrow(LabelError);
    await expect(linearProbe({ ...task, epochs: 0 })).rejects.toThrow(/linearProbe: epochs/);
    await expect(linearProbe({ ...task, learningRate: -1 })).rejects.toThrow(ConfigError);
    await expect(linearProbe({ ...task, schedule: 'step' as never })).rejects.toThrow(
      /linearProbe: schedule must be one of cosine, constant/,
    );
    await expect(linearProbe({ ...task, trainFeatures: task.trainFeatures.map((v, i) => (i === 9 ? NaN : v)) })).rejects.toThrow(
      NonFiniteError,
    );
    const before = tf.memory().numTensors;
    await expect(linearProbe({ ...task, classes: 1 })).rejects.toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
