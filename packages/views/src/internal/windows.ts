import * as tf from '@tensorflow/tfjs';

/** How many windows of `size` every `stride` fit in `length`. */
export function windowCount(length: number, size: number, stride: number): number {
  return Math.floor((length - size) / stride) + 1;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Sliding windows along one axis, built from `slice`, `pad`, `reshape` and `stack`
 * only: tfjs 4.22 has no gradient for StridedSlice, and the gradient of `gather`
 * needs UnsortedSegmentSum, which the wasm backend lacks. Every op used here has a
 * gradient and a kernel on every backend.
 *
 * The axis is cut into blocks of g = gcd(size, stride) pixels. Window w starts at
 * block w·k (k = stride/g) and spans q = size/g blocks, so its j-th block is block
 * w·k + j: for each j one slice takes blocks j, j+k, j+2k, … (a plain slice when
 * k = 1; otherwise slice, pad to a multiple of k, reshape to [count, k] and keep
 * column 0). That is q slices, not one per window, and none when size = stride.
 *
 * @param x any tensor
 * @param axis the axis to window
 * @returns x with `axis` replaced by two axes `[count, size]`
 */
export function slidingWindows(x: tf.Tensor, axis: number, size: number, stride: number): tf.Tensor {
  const n = x.shape[axis];
  const count = windowCount(n, size, stride);
  const g = gcd(size, stride);
  const k = stride / g;
  const q = size / g;
  const span = (count - 1) * stride + size;
  // Work on [outer, n, inner]: wasm's PadV2 returns garbage for rank-7 tensors, and
  // this keeps every intermediate at rank ≤ 5 whatever the rank of x.
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const flat = tf.reshape(x, [outer, n, inner]);
  const blocks = tf.reshape(tf.slice(flat, [0, 0, 0], [outer, span, inner]), [outer, span / g, g, inner]);

  const pieces: tf.Tensor[] = [];
  for (let j = 0; j < q; j++) {
    if (k === 1) {
      pieces.push(tf.slice(blocks, [0, j, 0, 0], [outer, count, g, inner]));
      continue;
    }
    const taken = tf.slice(blocks, [0, j, 0, 0], [outer, (count - 1) * k + 1, g, inner]);
    const padded = tf.pad(taken, [[0, 0], [0, k - 1], [0, 0], [0, 0]]);
    const grouped = tf.reshape(padded, [outer, count, k, g, inner]);
    pieces.push(tf.reshape(tf.slice(grouped, [0, 0, 0, 0, 0], [outer, count, 1, g, inner]), [outer, count, g, inner]));
  }
  const windows = q === 1 ? pieces[0] : tf.stack(pieces, 2); // [outer, count, q, g, inner]
  return tf.reshape(windows, [...x.shape.slice(0, axis), count, size, ...x.shape.slice(axis + 1)]);
}
