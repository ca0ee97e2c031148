/**
 * The objective's metrics (MI estimates) on held-out images, in evaluation mode:
 * the number the probe accuracy is compared with at each evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@infomax/data';
import type { Objective } from '@infomax/objectives';

/** Held-out batches averaged per evaluation. */
const BATCHES = 4;

/**
 * Mean loss and metrics of `objective.loss` over the first few `batchSize` batches of `test` (training: false).
 * @example
 * heldOutMetrics(objective, test, 64, step); // { loss: -0.61, mi_local: 0.61 }
 */
export function heldOutMetrics(objective: Objective, test: ImageDataset, batchSize: number, step: number): Record<string, number> {
  const size = test.height * test.width * test.channels;
  const n = Math.min(BATCHES, Math.floor(test.count / batchSize));
  const sums: Record<string, number> = {};
  for (let b = 0; b < n; b++) {
    const values = tf.tidy(() => {
      const bytes = test.images.subarray(b * batchSize * size, (b + 1) * batchSize * size);
      const images = tf.tensor4d(Float32Array.from(bytes, (v) => v / 255), [batchSize, test.height, test.width, test.channels]);
      const { loss, metrics } = objective.loss({ images }, { training: false, step });
      const names = ['loss', ...Object.keys(metrics)];
      const stacked = tf.stack([loss, ...Object.values(metrics)]).dataSync();
      return Object.fromEntries(names.map((k, i) => [k, stacked[i]]));
    });
    for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v / n;
  }
  return sums;
}
