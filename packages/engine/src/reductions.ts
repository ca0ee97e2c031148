/**
 * Whole-tensor sums for a training step's bookkeeping (norms, finiteness checks): one
 * kernel over the tensor where the engine has one (`InfomaxSum` on wasm with SIMD),
 * else tfjs's `sum`. Float32 sums in another order than `tf.sum`'s: equal up to
 * rounding, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { SUM_KERNEL } from './kernels/sum';

function whole(x: tf.Tensor, squares: boolean): tf.Scalar {
  if (x.dtype === 'float32' && x.size > 0 && tf.getKernel(SUM_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SUM_KERNEL, { x }, { squares } as unknown as tf.NamedAttrMap) as tf.Scalar;
  }
  return tf.tidy(() => tf.sum(squares ? tf.square(x) : x));
}

/**
 * Σ of every entry of `x`.
 * @param x any shape
 * @returns a float32 scalar
 * @example
 * sumAll(tf.tensor([1, 2, 3])); // 6
 */
export function sumAll(x: tf.Tensor): tf.Scalar {
  return whole(x, false);
}

/**
 * Σ x² over every entry of `x`, without writing the squares out.
 * @param x any shape
 * @returns a float32 scalar
 * @example
 * sumOfSquares(tf.tensor([3, 4])); // 25
 */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  return whole(x, true);
}
