/**
 * The objective's metrics (MI estimates) on held-out images, in evaluation mode:
 * the number the probe accuracy is compared with at each evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import type { ImageDataset } from '@infomax/data';
import type { Objective } from '@infomax/objectives';

/** Held-out batches averaged per evaluation. */
const BATCHES = 4;

/**
 * Mean loss and metrics of `objective.loss` (training: false) over a few `batchSize` batches
 * of `test`, drawn by a seeded shuffle: datasets stored class by class (the bundled digits)
 * would otherwise give batches of one class, whose in-batch negatives are all positives' lookalikes.
 * @example
 * await heldOutMetrics(objective, test, 64, step, 0); // { loss: 1.2, mi_local: 0.4 }
 */
export async function heldOutMetrics(
  objective: Objective,
  test: ImageDataset,
  batchSize: number,
  step: number,
  seed: number,
): Promise<Record<string, number>> {
  const size = test.height * test.width * test.channels;
  const n = Math.min(BATCHES, Math.floor(test.count / batchSize));
  const order = new Rng(seed).permutation(test.count);
  const sums: Record<string, number> = {};
  for (let b = 0; b < n; b++) {
    const pixels = new Float32Array(batchSize * size);
    for (let i = 0; i < batchSize; i++) {
      const j = order[b * batchSize + i];
      for (let p = 0; p < size; p++) pixels[i * size + p] = test.images[j * size + p] / 255;
    }
    let names: string[] = [];
    const stacked = tf.tidy(() => {
      const images = tf.tensor4d(pixels, [batchSize, test.height, test.width, test.channels]);
      const { loss, metrics } = objective.loss({ images }, { training: false, step });
      names = ['loss', ...Object.keys(metrics)];
      return tf.stack([loss, ...Object.values(metrics)]);
    });
    // Read back asynchronously: the one read that works on every backend (webgpu too).
    const values = await stacked.data();
    stacked.dispose();
    names.forEach((k, i) => (sums[k] = (sums[k] ?? 0) + values[i] / n));
  }
  return sums;
}
