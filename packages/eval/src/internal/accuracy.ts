/** Counting correct argmax predictions of a linear classifier, in row chunks to bound memory. */
import * as tf from '@tensorflow/tfjs';

const CHUNK_ROWS = 4096;

/** Rows of `x` ([n, dim] row-major) whose argmax of x·W + b equals the label (read back asynchronously: any backend). */
export async function countCorrect(x: Float32Array, labels: Int32Array, dim: number, w: tf.Variable, b: tf.Variable): Promise<number> {
  const n = labels.length;
  let correct = 0;
  for (let first = 0; first < n; first += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, n - first);
    const predicted = tf.tidy(() =>
      tf
        .tensor2d(x.subarray(first * dim, (first + size) * dim), [size, dim])
        .matMul(w as tf.Tensor2D)
        .add(b)
        .argMax(1),
    );
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < size; i++) if (p[i] === labels[first + i]) correct++;
  }
  return correct;
}
