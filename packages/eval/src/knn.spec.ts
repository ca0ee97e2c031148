import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, LabelError, NonFiniteError, ShapeError } from './errors';
import { knn, KnnOptions } from './knn';
import { blobs, expectNoLeak, naiveKnn } from './test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

// Overlapping blobs (separation 1.5σ) so that votes are split and ties happen.
function task(seed: number, classes: number, dim = 6): KnnOptions {
  const rng = new Rng(seed);
  const train = blobs(rng, 150, dim, classes, 1.5);
  const test = blobs(rng, 60, dim, classes, 1.5);
  return {
    trainFeatures: train.features,
    trainLabels: train.labels,
    testFeatures: test.features,
    testLabels: test.labels,
    dim,
    classes,
  };
}

describe('knn', () => {
  for (const metric of ['cosine', 'euclidean'] as const) {
    for (const [k, classes] of [
      [1, 3],
      [4, 2],
      [6, 3],
      [20, 5],
    ]) {
      it(`${metric}, k=${k}, ${classes} classes, 150×60 rows: the same predictions as a brute-force float64 reference`, async () => {
        const t = task(10 * k + classes, classes);
        const r = await knn({ ...t, k, metric });
        const expected = naiveKnn(t.trainFeatures, t.trainLabels, t.testFeatures, t.dim, classes, k, metric);
        expect(Array.from(r.predictions)).toEqual(Array.from(expected));
        const correct = expected.filter((p, i) => p === t.testLabels[i]).length;
        expect(r.testAccuracy).toBe(correct / 60);
      });
    }
  }

  it('a tied vote goes to the class of the nearest neighbour, not to the lower class index', async () => {
    const base = {
      trainFeatures: Float32Array.from([1.1, 0, 1.5, 0, 5, 0, 5.1, 0]),
      trainLabels: Int32Array.from([1, 0, 0, 1]),
      testFeatures: Float32Array.from([1, 0, 1.45, 0]),
      testLabels: Int32Array.from([1, 0]),
      dim: 2,
      classes: 2,
      metric: 'euclidean' as const,
    };
    expect(Array.from((await knn({ ...base, k: 2 })).predictions)).toEqual([1, 0]);
    expect(Array.from((await knn({ ...base, k: 4 })).predictions)).toEqual([1, 0]);
  });

  it('cosine: scaling every row by its own positive factor changes no prediction', async () => {
    const t = task(5, 4);
    const rng = new Rng(6);
    const scale = (x: Float32Array) => {
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i += t.dim) {
        const s = Math.exp(4 * (rng.uniform() - 0.5));
        for (let j = 0; j < t.dim; j++) out[i + j] = s * x[i + j];
      }
      return out;
    };
    const a = await knn({ ...t, k: 7 });
    const b = await knn({ ...t, k: 7, trainFeatures: scale(t.trainFeatures), testFeatures: scale(t.testFeatures) });
    expect(Array.from(b.predictions)).toEqual(Array.from(a.predictions));
  });

  it('the chunk size does not change the predictions (chunks of 7 rows vs one block)', async () => {
    const t = task(8, 3);
    const whole = await knn({ ...t, k: 5, metric: 'euclidean', chunkRows: 1000 });
    const chunked = await knn({ ...t, k: 5, metric: 'euclidean', chunkRows: 7 });
    expect(Array.from(chunked.predictions)).toEqual(Array.from(whole.predictions));
  });

  it('well-separated blobs: 100% with k=20', async () => {
    const rng = new Rng(9);
    const train = blobs(rng, 300, 8, 4, 10);
    const test = blobs(rng, 100, 8, 4, 10);
    const r = await knn({
      trainFeatures: train.features,
      trainLabels: train.labels,
      testFeatures: test.features,
      testLabels: test.labels,
      dim: 8,
      classes: 4,
    });
    expect(r.testAccuracy).toBe(1);
  });

  it('leaks no tensors (both metrics)', async () => {
    const t = task(12, 3);
    await expectNoLeak(async () => {
      await knn({ ...t, chunkRows: 16 });
      await knn({ ...t, metric: 'euclidean' });
    });
  });

  it('rejects k > nTrain, unknown metrics, bad labels and lengths, naming the argument', async () => {
    const t = task(13, 3);
    const before = tf.memory().numTensors;
    await expect(knn({ ...t, k: 151 })).rejects.toThrow(/knn: k must be at most .*150/);
    await expect(knn({ ...t, k: 0 })).rejects.toThrow(ConfigError);
    await expect(knn({ ...t, metric: 'manhattan' as 'cosine' })).rejects.toThrow(/knn: metric/);
    await expect(knn({ ...t, trainLabels: Int32Array.from(t.trainLabels, (y, i) => (i === 3 ? -1 : y)) })).rejects.toThrow(
      /knn: trainLabels\[3\] = -1/,
    );
    await expect(knn({ ...t, testLabels: Int32Array.from(t.testLabels, () => 3) })).rejects.toThrow(LabelError);
    await expect(knn({ ...t, dim: 7 })).rejects.toThrow(ShapeError);
    await expect(knn({ ...t, testLabels: t.testLabels.subarray(2) })).rejects.toThrow(/knn: testLabels/);
    await expect(knn({ ...t, testFeatures: t.testFeatures.map((v, i) => (i === 5 ? -Infinity : v)) })).rejects.toThrow(NonFiniteError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
