/**
 * The evaluation functions on a backend that cannot read values synchronously (webgpu
 * under Node.js), simulated by the engine's async-only copy of the cpu backend: each
 * gives what it gives on cpu, and leaks nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, registerAsyncOnlyBackend, Rng } from '@infomax/engine';
import { extractFeatures, knn, linearProbe, pca, pcaTransform, tunedLinearProbe } from './index';
import { blobs } from './test-utils/helpers';

const asyncOnly = registerAsyncOnlyBackend();
beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
});

const rng = new Rng(4);
const [n, h, w, c] = [40, 4, 4, 1];
const pixels = Uint8Array.from({ length: n * h * w * c }, () => rng.int(256));
const projection = Float32Array.from({ length: h * w * c * 6 }, () => rng.normal());
const trainSet = blobs(rng, 120, 6, 3, 3);
const testSet = blobs(rng, 60, 6, 3, 3);
const task = {
  trainFeatures: trainSet.features,
  trainLabels: trainSet.labels,
  testFeatures: testSet.features,
  testLabels: testSet.labels,
  dim: 6,
  classes: 3,
};

async function everything(backend: string) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const weights = tf.tensor2d(projection, [h * w * c, 6]);
  const features = await extractFeatures((x) => tf.relu(tf.matMul(tf.reshape(x, [x.shape[0], -1]), weights)), pixels, [n, h, w, c], 16);
  weights.dispose();
  const probe = await linearProbe({ ...task, epochs: 5, seed: 1 });
  const tuned = await tunedLinearProbe({ ...task, epochs: 3, weightDecays: [1e-3, 1e-1], folds: 2, seed: 1 });
  const neighbours = await knn({ ...task, k: 5 });
  const projected = await pca(trainSet.features, 6, { k: 4 });
  const transformed = await pcaTransform(projected, features);
  return { features, probe, tuned, neighbours, projected, transformed, leaked: tf.memory().numTensors - before };
}

test('extractFeatures, linearProbe, tunedLinearProbe, knn, pca and pcaTransform give the cpu backend’s results and leak nothing', async () => {
  const want = await everything('cpu');
  const got = await everything(asyncOnly);
  expect(got.leaked).toBe(0);
  got.features.forEach((v, i) => expect(v).toBeCloseTo(want.features[i], 4));
  expect(got.probe.testAccuracy).toBeCloseTo(want.probe.testAccuracy, 6);
  expect(got.probe.trainAccuracy).toBeCloseTo(want.probe.trainAccuracy, 6);
  expect(got.tuned.weightDecay).toBe(want.tuned.weightDecay);
  expect(got.tuned.testAccuracy).toBeCloseTo(want.tuned.testAccuracy, 6);
  expect(Array.from(got.neighbours.predictions)).toEqual(Array.from(want.neighbours.predictions));
  got.projected.points.forEach((v, i) => expect(v).toBeCloseTo(want.projected.points[i], 4));
  got.projected.explainedVariance.forEach((v, i) => expect(v).toBeCloseTo(want.projected.explainedVariance[i], 6));
  got.transformed.forEach((v, i) => expect(v).toBeCloseTo(want.transformed[i], 4));
});
