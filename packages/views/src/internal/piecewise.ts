import * as tf from '@tensorflow/tfjs';

/**
 * `x > threshold ? above : below`, elementwise and differentiable. tf.where would
 * need a comparison op on the gradient tape, and tfjs 4.22 has no gradient for
 * Greater / LessEqual; `step` has one (zero), so the mask is built from it.
 * Both branches must be finite everywhere: 0·NaN is NaN.
 */
export function piecewise(x: tf.Tensor, threshold: number, above: tf.Tensor, below: tf.Tensor): tf.Tensor {
  const mask = tf.step(tf.sub(x, threshold));
  return tf.add(below, tf.mul(mask, tf.sub(above, below)));
}
