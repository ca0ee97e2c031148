import { initEngine, Rng } from '@infomax/engine';
import { ConfigError } from './errors';
import { linearProbe } from './linear-probe';
import { gatherRows } from './internal/rows';
import { tunedLinearProbe, type TunedLinearProbeOptions } from './tuned-linear-probe';
import { blobs, expectNoLeak, gaussian } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/**
 * A task that over-fits: 2 classes told apart by one weak feature among `dim` noise
 * features, with fewer training rows than features. Unpenalised, the probe fits the
 * noise of the training rows; a strong penalty keeps it near the one useful direction.
 */
function wideTask(seed: number, n = 200, dim = 400): TunedLinearProbeOptions {
  const rng = new Rng(seed);
  const make = (rows: number) => {
    const x = gaussian(rng, rows, dim);
    const y = Int32Array.from({ length: rows }, () => rng.int(2));
    for (let i = 0; i < rows; i++) x[i * dim] += y[i] === 1 ? 1.5 : -1.5;
    return { x, y };
  };
  const train = make(n);
  const test = make(2000);
  return {
    trainFeatures: train.x,
    trainLabels: train.y,
    testFeatures: test.x,
    testLabels: test.y,
    dim,
    classes: 2,
    epochs: 40,
    batchSize: 50,
    validationFraction: 0.25,
    weightDecays: [0, 1],
  };
}

describe('tunedLinearProbe', () => {
  it('on a task that over-fits, picks the strong penalty, and beats the unpenalised probe on the test split', async () => {
    const task = wideTask(1);
    const r = await tunedLinearProbe(task);
    expect(r.validation.map((v) => v.weightDecay)).toEqual([0, 1]);
    expect(r.validation[1].accuracy).toBeGreaterThan(r.validation[0].accuracy);
    expect(r.weightDecay).toBe(1);
    const plain = await linearProbe({ ...task, weightDecay: 0 });
    expect(plain.trainAccuracy).toBe(1); // it fits the noise
    expect(r.testAccuracy).toBeGreaterThan(plain.testAccuracy + 0.05);
  });

  it('the final fit is linearProbe on the whole training split at the chosen penalty (same numbers)', async () => {
    const task = wideTask(2);
    const r = await tunedLinearProbe(task);
    expect(r.folds).toBe(1);
    const again = await linearProbe({ ...task, weightDecay: r.weightDecay });
    expect([r.loss, r.trainAccuracy, r.testAccuracy]).toEqual([again.loss, again.trainAccuracy, again.testAccuracy]);
  });

  it('each candidate scores what linearProbe scores on the held-out rows, fitted on the rest', async () => {
    const task = wideTask(7);
    const r = await tunedLinearProbe(task);
    const n = task.trainLabels.length;
    const order = new Rng(0).permutation(n);
    const held = Math.round(0.25 * n);
    const fit = gatherRows(task.trainFeatures, task.trainLabels, order.subarray(held), task.dim);
    const check = gatherRows(task.trainFeatures, task.trainLabels, order.subarray(0, held), task.dim);
    for (const v of r.validation) {
      const p = await linearProbe({
        ...task,
        trainFeatures: fit.x,
        trainLabels: fit.y,
        testFeatures: check.x,
        testLabels: check.y,
        weightDecay: v.weightDecay,
      });
      expect(v.accuracy).toBe(p.testAccuracy);
    }
  });

  it('with folds, each candidate scores the rows each fold held out, as linearProbe fitted on the other folds scores them', async () => {
    const task = { ...wideTask(8, 90, 40), epochs: 10, validationFraction: undefined };
    const r = await tunedLinearProbe({ ...task, folds: 4 });
    expect(r.folds).toBe(4);
    const n = task.trainLabels.length;
    const order = new Rng(0).permutation(n);
    const cuts = [0, 22, 45, 67, 90]; // floor(f·90/4)
    for (const v of r.validation) {
      let correct = 0;
      for (let f = 0; f < 4; f++) {
        const held = order.subarray(cuts[f], cuts[f + 1]);
        const rest = Int32Array.from([...order.subarray(0, cuts[f]), ...order.subarray(cuts[f + 1])]);
        const fit = gatherRows(task.trainFeatures, task.trainLabels, rest, task.dim);
        const check = gatherRows(task.trainFeatures, task.trainLabels, held, task.dim);
        const p = await linearProbe({
          ...task,
          trainFeatures: fit.x,
          trainLabels: fit.y,
          testFeatures: check.x,
          testLabels: check.y,
          weightDecay: v.weightDecay,
        });
        correct += Math.round(p.testAccuracy * held.length);
      }
      expect(v.accuracy).toBe(correct / n);
    }
  });

  it('never reads the test split to choose: scrambled test labels leave the choice and its scores unchanged', async () => {
    const task = wideTask(3);
    const scrambled = { ...task, testLabels: task.testLabels.map((y) => 1 - y) };
    const a = await tunedLinearProbe(task);
    const b = await tunedLinearProbe(scrambled);
    expect(b.validation).toEqual(a.validation);
    expect(b.weightDecay).toBe(a.weightDecay);
    expect(b.testAccuracy).toBeCloseTo(1 - a.testAccuracy, 10);
  });

  it('a tie goes to the larger penalty', async () => {
    // Blobs 10σ apart: every penalty in the grid classifies all validation rows correctly.
    const rng = new Rng(4);
    const train = blobs(rng, 300, 4, 3, 10);
    const test = blobs(rng, 100, 4, 3, 10);
    const r = await tunedLinearProbe({
      trainFeatures: train.features,
      trainLabels: train.labels,
      testFeatures: test.features,
      testLabels: test.labels,
      dim: 4,
      classes: 3,
      epochs: 10,
      batchSize: 64,
      weightDecays: [1e-5, 1e-3, 1e-4],
    });
    expect(r.validation.map((v) => v.accuracy)).toEqual([1, 1, 1]);
    expect(r.weightDecay).toBe(1e-3);
  });

  it('rejects an empty or negative grid and a fraction that leaves a side empty, naming the option', async () => {
    const task = { ...wideTask(5, 20, 4), epochs: 1 };
    await expect(tunedLinearProbe({ ...task, weightDecays: [] })).rejects.toThrow(ConfigError);
    await expect(tunedLinearProbe({ ...task, weightDecays: [1e-4, -1] })).rejects.toThrow(/weightDecays/);
    await expect(tunedLinearProbe({ ...task, validationFraction: 0 })).rejects.toThrow(/validationFraction/);
    await expect(tunedLinearProbe({ ...task, validationFraction: 1 })).rejects.toThrow(/validationFraction/);
    await expect(tunedLinearProbe({ ...task, validationFraction: 0.01 })).rejects.toThrow(/at least one row/);
    for (const folds of [1, 2.5, 21])
      await expect(tunedLinearProbe({ ...task, validationFraction: undefined, folds })).rejects.toThrow(/folds must be an integer from 2/);
    await expect(tunedLinearProbe({ ...task, folds: 5 })).rejects.toThrow(/validationFraction or folds, not both/);
  });

  it('leaks no tensors', async () => {
    const task = { ...wideTask(6, 60, 8), epochs: 2 };
    await expectNoLeak(() => tunedLinearProbe(task));
  });
});
