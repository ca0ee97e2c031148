/** Counting correct argmax predictions of a classifier, in row chunks to bound memory. */
import * as tf from '@tensorflow/tfjs';

const CHUNK_ROWS = 4096;

/**
 * Rows of `x` ([n, dim] row-major) whose argmax of `logits(x)` equals the label (read back
 * asynchronously: any backend). `logits` maps `[rows, dim]` to `[rows, classes]` inside `tf.tidy`.
 */
export async function countCorrect(
  x: Float32Array,
  labels: Int32Array,
  dim: number,
  logits: (x: tf.Tensor2D) => tf.Tensor2D,
): Promise<number> {
  const n = labels.length;
  let correct = 0;
  for (let first = 0; first < n; first += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, n - first);
    const predicted = tf.tidy(() => logits(tf.tensor2d(x.subarray(first * dim, (first + size) * dim), [size, dim])).argMax(1));
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < size; i++) if (p[i] === labels[first + i]) correct++;
  }
  return correct;
}
