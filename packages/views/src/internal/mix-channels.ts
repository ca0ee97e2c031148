import * as tf from '@tensorflow/tfjs';

/** A per-pixel linear colour map, rows = output channels, given row-major. */
export type ColourMatrix = readonly (readonly number[])[];

/** `[B,H,W,C]` → `[B,H,W,rows]`: every pixel's channel vector multiplied by `matrix`. */
export function mixChannels(x: tf.Tensor4D, matrix: ColourMatrix): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const mt = tf.transpose(tf.tensor2d(matrix.map((row) => [...row])));
  return tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, c]), mt), [b, h, w, matrix.length]);
}
