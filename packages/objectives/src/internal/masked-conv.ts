/**
 * CPC's autoregressive context network over the rows of a grid of patch codes:
 * convolutions whose kernels see only the current and earlier rows (the input is
 * padded above and the conv is 'valid' vertically), so the context at row t
 * summarises rows ≤ t. Plain tensor math on tf.Variables.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import { glorot, zerosVariable } from './mlp';

/** A stack of row-causal convolutions `[B, R, C, in] → [B, R, C, out]`, ReLU between. */
export class MaskedConvStack {
  private readonly kernels: tf.Variable[] = [];
  private readonly biases: tf.Variable[] = [];

  /**
   * @param channels sizes `[in, hidden…, out]`
   * @param rows kernel height (rows seen: the current one and `rows − 1` above)
   * @param cols kernel width (odd; centred, 'same' horizontally)
   */
  constructor(
    channels: number[],
    private readonly rows: number,
    private readonly cols: number,
    rng: Rng,
  ) {
    for (let i = 0; i + 1 < channels.length; i++) {
      const [cin, cout] = [channels[i], channels[i + 1]];
      this.kernels.push(glorot(rng, [rows, cols, cin, cout], rows * cols * cin, rows * cols * cout));
      this.biases.push(zerosVariable(cout));
    }
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const side = (this.cols - 1) / 2;
    let h = x;
    this.kernels.forEach((k, i) => {
      const padded = tf.pad(h, [
        [0, 0],
        [this.rows - 1, 0],
        [side, side],
        [0, 0],
      ]);
      h = tf.add(tf.conv2d(padded, k as tf.Tensor4D, 1, 'valid'), this.biases[i]);
      if (i + 1 < this.kernels.length) h = tf.relu(h);
    });
    return h;
  }

  get variables(): tf.Variable[] {
    return [...this.kernels, ...this.biases];
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
