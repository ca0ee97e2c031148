import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, LabelError } from './errors';
import { linearProbe } from './linear-probe';
import { mlpProbe } from './mlp-probe';
import type { LabelledSplits } from './internal/validate';
import { blobs, expectNoLeak } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** XOR of the quadrant: label 1 where x·y < 0, uniform points in [-1, 1]²; no line separates the classes. */
function xor(rng: Rng, n: number): { features: Float32Array; labels: Int32Array } {
  const features = Float32Array.from({ length: 2 * n }, () => 2 * rng.uniform() - 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (features[2 * i] * features[2 * i + 1] < 0 ? 1 : 0));
  return { features, labels };
}

function xorTask(seed: number): LabelledSplits {
  const rng = new Rng(seed);
  const train = xor(rng, 1000);
  const test = xor(rng, 1000);
  return {
    trainFeatures: train.features,
    trainLabels: train.labels,
    testFeatures: test.features,
    testLabels: test.labels,
    dim: 2,
    classes: 2,
  };
}

function blobTask(seed: number): LabelledSplits {
  const rng = new Rng(seed);
  const train = blobs(rng, 400, 8, 4, 8);
  const test = blobs(rng, 200, 8, 4, 8);
  return {
    trainFeatures: train.features,
    trainLabels: train.labels,
    testFeatures: test.features,
    testLabels: test.labels,
    dim: 8,
    classes: 4,
  };
}

describe('mlpProbe', () => {
  it('XOR of the quadrants: the MLP probe reaches ≥ 95 % test accuracy where the linear probe stays near chance (≤ 65 %)', async () => {
    const task = xorTask(1);
    const mlp = await mlpProbe({ ...task, hiddenUnits: 32, learningRate: 1e-2, batchSize: 64 });
    const linear = await linearProbe({ ...task, epochs: 50 });
    expect(mlp.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(linear.testAccuracy).toBeLessThanOrEqual(0.65);
    expect(mlp.testAccuracy - linear.testAccuracy).toBeGreaterThan(0.3);
  });

  it('4 separable Gaussian blobs (8σ apart): ≥ 99 % test accuracy, and early stopping ends the run patience epochs after the best one', async () => {
    const r = await mlpProbe({ ...blobTask(2), patience: 5, maxEpochs: 200 });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.validationAccuracy).toBe(1);
    // Validation accuracy reaches 100 % within a few epochs; nothing can beat it, so the run stops 5 epochs later.
    expect(r.epochs).toBe(r.bestEpoch + 5);
    expect(r.epochs).toBeLessThan(30);
    // Cross-entropy near 0 plus the L2 penalty of ~37,000 weights of scale ~0.1 (He init for dim 8).
    expect(r.loss).toBeLessThan(0.25);
  });

  it('keeps the best validation epoch: the reported validation accuracy is the maximum of those seen', async () => {
    const seen: number[] = [];
    const r = await mlpProbe({ ...xorTask(3), hiddenUnits: 8, maxEpochs: 15, patience: 15, onEpoch: (_e, _l, v) => seen.push(v) });
    expect(seen).toHaveLength(15);
    expect(r.validationAccuracy).toBe(Math.max(...seen));
    expect(seen[r.bestEpoch - 1]).toBe(r.validationAccuracy);
    expect(seen.indexOf(r.validationAccuracy)).toBe(r.bestEpoch - 1);
  });

  it('same seed → identical results; another seed → another run', async () => {
    const task = { ...xorTask(4), hiddenUnits: 16, maxEpochs: 3 };
    const a = await mlpProbe({ ...task, seed: 7 });
    const b = await mlpProbe({ ...task, seed: 7 });
    const c = await mlpProbe({ ...task, seed: 8 });
    expect({ ...b, seconds: 0 }).toEqual({ ...a, seconds: 0 });
    expect(c.loss).not.toBe(a.loss);
  });

  it('leaks no tensors', async () => {
    const task = { ...blobTask(5), hiddenUnits: 16, maxEpochs: 2 };
    await expectNoLeak(() => mlpProbe(task));
  });

  it('bad options and labels: ConfigError / LabelError naming the option', async () => {
    const task = blobTask(6);
    await expect(mlpProbe({ ...task, hiddenUnits: 0 })).rejects.toThrow(ConfigError);
    await expect(mlpProbe({ ...task, hiddenUnits: 0 })).rejects.toThrow(/hiddenUnits/);
    await expect(mlpProbe({ ...task, validationFraction: 1 })).rejects.toThrow(/validationFraction/);
    await expect(mlpProbe({ ...task, patience: 1.5 })).rejects.toThrow(/patience/);
    await expect(mlpProbe({ ...task, trainLabels: task.trainLabels.map(() => 9) })).rejects.toThrow(LabelError);
  });
});
