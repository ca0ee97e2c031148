/** Counting correct argmax predictions of a linear classifier, in row chunks to bound memory. */
import * as tf from '@tensorflow/tfjs';

const CHUNK_ROWS = 4096;

/** Rows of `x` ([n, dim]) whose argmax of x·W + b equals the label. */
export function countCorrect(x: tf.Tensor2D, labels: Int32Array, w: tf.Variable, b: tf.Variable): number {
  const n = x.shape[0];
  let correct = 0;
  for (let first = 0; first < n; first += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, n - first);
    const predicted = tf.tidy(() =>
      x
        .slice([first, 0], [size, -1])
        .matMul(w as tf.Tensor2D)
        .add(b)
        .argMax(1),
    );
    const p = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < size; i++) if (p[i] === labels[first + i]) correct++;
  }
  return correct;
}
