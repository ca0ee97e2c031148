import * as tf from '@tensorflow/tfjs';

/**
 * `x` sliced to `[begin, begin + size)` along one axis. Done on a 2-D view
 * [outer, axis·inner] so the copy is `outer` long runs: wasm slices in JavaScript
 * with one copy per innermost run, which is slow when the last axis is short
 * (e.g. 3 channels).
 */
export function sliceAxis(x: tf.Tensor, axis: number, begin: number, size: number): tf.Tensor {
  const shape = x.shape as number[];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const flat = tf.reshape(x, [outer, shape[axis] * inner]);
  const out = [...shape];
  out[axis] = size;
  return tf.reshape(tf.slice(flat, [0, begin * inner], [outer, size * inner]), out);
}
