import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { graphBatch, loadTuDataset, stratifiedFolds, type GraphDataset } from '@infomax/data';
import { buildObjective } from '@infomax/objectives';
import * as path from 'path';
import { crossValidatedProbe, embedGraphs, GRAPH_PROBE_WEIGHT_DECAYS } from './graph-evaluation';
import { describeWithTu, TU_DATASETS } from './test-utils/tu';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

/** 40 rows, classes 0 ×15 and 1 ×25, interleaved. */
const LABELS = Int32Array.from({ length: 40 }, (_, i) => (i % 8 < 3 ? 0 : 1));
const FAST = { folds: 5, innerFolds: 2, probeEpochs: 20, seed: 3 };

describe('crossValidatedProbe', () => {
  it('features that are the one-hot class: every fold scores 1, with a penalty from the grid; no tensors leak', async () => {
    const features = new Float32Array(40 * 2);
    LABELS.forEach((l, i) => (features[2 * i + l] = 1));
    await crossValidatedProbe({ features, dim: 2, labels: LABELS, classes: 2, ...FAST });
    const tensors = tf.memory().numTensors;
    const cv = await crossValidatedProbe({ features, dim: 2, labels: LABELS, classes: 2, ...FAST });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cv.folds).toHaveLength(5);
    expect(cv.folds.map((f) => f.testAccuracy)).toEqual([1, 1, 1, 1, 1]);
    expect([cv.accuracy, cv.foldSd, cv.trainAccuracy]).toEqual([1, 0, 1]);
    for (const f of cv.folds) {
      expect(GRAPH_PROBE_WEIGHT_DECAYS).toContain(f.weightDecay);
      expect(f.validationAccuracy).toBe(1);
    }
  });

  it('constant features: each fold scores exactly its majority share (closed form from the same stratified folds)', async () => {
    const cv = await crossValidatedProbe({ features: new Float32Array(40 * 3).fill(0.5), dim: 3, labels: LABELS, classes: 2, ...FAST });
    const expected = stratifiedFolds(LABELS, { folds: 5, seed: 3 }).map(({ test }) => {
      const ones = Array.from(test).filter((i) => LABELS[i] === 1).length;
      return Math.max(ones, test.length - ones) / test.length;
    });
    cv.folds.forEach((f, i) => expect(f.testAccuracy).toBeCloseTo(expected[i], 12));
    const mean = expected.reduce((a, b) => a + b, 0) / 5;
    expect(cv.accuracy).toBeCloseTo(mean, 12);
    expect(cv.foldSd).toBeCloseTo(Math.sqrt(expected.reduce((a, e) => a + (e - mean) ** 2, 0) / 4), 12);
  });
});

describeWithTu('embedGraphs', () => {
  let mutag: GraphDataset;
  beforeAll(async () => {
    mutag = await loadTuDataset(path.join(TU_DATASETS!, 'MUTAG'));
  });

  it('MUTAG: one row per graph, in dataset order, equal (1e-5) to embedding each graph alone; no tensors leak', async () => {
    const o = buildObjective({
      kind: 'infograph',
      featureSize: mutag.featureSize,
      encoder: { kind: 'gin', hidden: 8, layers: 2 },
      seed: 1,
    });
    await embedGraphs(o, mutag);
    const tensors = tf.memory().numTensors;
    const { features, dim } = await embedGraphs(o, mutag);
    expect(tf.memory().numTensors).toBe(tensors);
    expect([features.length, dim]).toEqual([188 * 16, 16]);
    for (const g of [0, 1, 100, 187]) {
      const batch = graphBatch(mutag, [g]);
      const alone = o.embed(batch);
      const row = alone.dataSync();
      tf.dispose([batch, alone]);
      row.forEach((v, j) => expect(Math.abs(features[g * dim + j] - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    }
    o.dispose();
  });
});
