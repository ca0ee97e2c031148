/**
 * The evaluation path on webgpu (SwiftShader) against cpu: a frozen DIM encoder's features
 * (extractFeatures), then the linear probe, kNN (both metrics) and PCA on the same features.
 * Labels come from a fixed linear map of the pixels, so the probe has something to find.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { buildObjective } from '@infomax/objectives';
import { extractFeatures, knn, linearProbe, pca, pcaTransform } from '@infomax/eval';
import { relativeError } from '../../../packages/engine/src/test-utils/kernel-harness';
import { describeWebgpu } from './test-utils/webgpu';

const [n, side, dim, classes] = [256, 16, 8, 4];
const rng = new Rng(11);
const pixels = Uint8Array.from({ length: n * side * side }, () => rng.int(256));
const map = Float32Array.from({ length: side * side * classes }, () => rng.normal());
const labels = Int32Array.from({ length: n }, (_, i) => {
  const scores = Array.from({ length: classes }, (_, k) =>
    pixels.subarray(i * side * side, (i + 1) * side * side).reduce((s, p, j) => s + p * map[j * classes + k], 0),
  );
  return scores.indexOf(Math.max(...scores));
});

async function features(backend: string): Promise<Float32Array> {
  await tf.setBackend(backend);
  const o = buildObjective({
    kind: 'dim',
    inputShape: [side, side, 1],
    encoder: { kind: 'dcgan', filters: [4, 8], fc: [], codeSize: dim },
    headUnits: 8,
    seed: 4,
  } as never);
  try {
    return await extractFeatures((x) => o.embed!(x), pixels, [n, side, side, 1], 64);
  } finally {
    o.dispose();
  }
}

/** The same task on both backends: cpu's features, split in halves. */
function task(f: Float32Array) {
  const half = n / 2;
  return {
    trainFeatures: f.subarray(0, half * dim),
    trainLabels: labels.subarray(0, half),
    testFeatures: f.subarray(half * dim),
    testLabels: labels.subarray(half),
    dim,
    classes,
  };
}

describeWebgpu('the evaluation functions on webgpu against cpu', () => {
  let cpuFeatures: Float32Array;
  beforeAll(async () => {
    cpuFeatures = await features('cpu');
  });

  test('extractFeatures of a DIM code: 256 images, within 1e-4, not constant', async () => {
    const gpu = await features('webgpu');
    expect(relativeError(gpu, cpuFeatures)).toBeLessThan(1e-4);
    expect(Math.max(...gpu) - Math.min(...gpu)).toBeGreaterThan(1e-3);
  });

  test('linearProbe (10 epochs): the same loss and accuracies, above chance on the training half', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return linearProbe({ ...task(cpuFeatures), epochs: 10, seed: 0 });
    };
    const [gpu, cpu] = [await run('webgpu'), await run('cpu')];
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4);
    // 128 rows a split: a borderline row may flip.
    expect(Math.abs(gpu.trainAccuracy - cpu.trainAccuracy)).toBeLessThanOrEqual(1 / 128);
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy)).toBeLessThanOrEqual(1 / 128);
    expect(gpu.trainAccuracy).toBeGreaterThan(1 / classes);
  });

  test.each(['euclidean', 'cosine'] as const)('knn (k = 5, %s): the same predictions', async (metric) => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return knn({ ...task(cpuFeatures), k: 5, metric });
    };
    const [gpu, cpu] = [await run('webgpu'), await run('cpu')];
    const differ = gpu.predictions.filter((p, i) => p !== cpu.predictions[i]).length;
    expect(differ).toBeLessThanOrEqual(1);
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy)).toBeLessThanOrEqual(1 / 128);
  });

  test('pca (k = 2) and pcaTransform: the same explained shares, axes and points', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const fit = await pca(cpuFeatures.subarray(0, (n / 2) * dim), dim, { k: 2 });
      return { ...fit, others: await pcaTransform(fit, cpuFeatures.subarray((n / 2) * dim)) };
    };
    const [gpu, cpu] = [await run('webgpu'), await run('cpu')];
    gpu.explainedVarianceRatio.forEach((e, i) => expect(Math.abs(e - cpu.explainedVarianceRatio[i])).toBeLessThan(1e-4));
    expect(relativeError(gpu.components, cpu.components)).toBeLessThan(1e-3);
    expect(relativeError(gpu.points, cpu.points)).toBeLessThan(1e-3);
    expect(relativeError(gpu.others, cpu.others)).toBeLessThan(1e-3);
    expect(gpu.explainedVarianceRatio[0]).toBeGreaterThan(gpu.explainedVarianceRatio[1]);
  });
});
