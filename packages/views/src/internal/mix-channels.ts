import * as tf from '@tensorflow/tfjs';

/** A per-pixel linear colour map, rows = output channels, given row-major. */
export type ColourMatrix = readonly (readonly number[])[];

/** `[B,H,W,C]` → `[B,H,W,rows]`: every pixel's channel vector multiplied by `matrix`. */
export function mixChannels(x: tf.Tensor4D, matrix: ColourMatrix): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const mt = tf.transpose(tf.tensor2d(matrix.map((row) => [...row])));
  return tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, c]), mt), [b, h, w, matrix.length]);
}

/** The inverse of a 3×3 colour matrix (adjugate over determinant). */
export function invert3(m: ColourMatrix): ColourMatrix {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/**
 * Channels [start, start + count) of `x`, as a product with a 0/1 selection matrix:
 * exact for finite values, and on wasm ~15× faster than slicing a short last axis.
 */
export function selectChannels(x: tf.Tensor4D, start: number, count: number): tf.Tensor4D {
  const channels = x.shape[3];
  const rows = Array.from({ length: count }, (_, i) => Array.from({ length: channels }, (_, c) => (c === start + i ? 1 : 0)));
  return mixChannels(x, rows);
}
