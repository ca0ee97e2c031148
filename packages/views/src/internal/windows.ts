import * as tf from '@tensorflow/tfjs';

/** How many windows of `size` every `stride` fit in `length`. */
export function windowCount(length: number, size: number, stride: number): number {
  return Math.floor((length - size) / stride) + 1;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Sliding windows along the first axis, built from `slice`, `pad`, `reshape` and
 * `stack` only: tfjs 4.22 has no gradient for StridedSlice, and the gradient of
 * `gather` needs UnsortedSegmentSum, which the wasm backend lacks (and its forward
 * ran ~10× slower than a slice here). Every op used
 * here has a gradient and a kernel on every backend.
 *
 * The axis is cut into blocks of g = gcd(size, stride) rows. Window w starts at
 * block w·k (k = stride/g) and spans q = size/g blocks, so its j-th block is block
 * w·k + j: for each j one slice takes blocks j, j+k, j+2k, … (a plain slice when
 * k = 1; otherwise slice, pad to a multiple of k, reshape to [count, k] and keep
 * column 0). That is q slices, not one per window, and none when size = stride.
 *
 * Everything runs on a 2-D view [rows, rest]: the first axis leading keeps every
 * slice a few long contiguous runs (wasm slices in JavaScript, one copy per run),
 * and low ranks avoid wasm's PadV2, which returns garbage at rank 7.
 *
 * @param x `[n, ...rest]`
 * @returns `[count, size, ...rest]`, window w = `x[w·stride : w·stride + size]`
 */
export function windowsAlongFirstAxis(x: tf.Tensor, size: number, stride: number): tf.Tensor {
  const [n, ...rest] = x.shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const count = windowCount(n, size, stride);
  const g = gcd(size, stride);
  const k = stride / g;
  const q = size / g;
  const span = (count - 1) * stride + size;
  const blockLen = g * inner;
  // Slices that would copy everything are skipped: on wasm even a contiguous slice
  // of a whole batch costs milliseconds.
  const flat = tf.reshape(x, [n, inner]);
  const blocks = tf.reshape(span === n ? flat : tf.slice(flat, [0, 0], [span, inner]), [span / g, blockLen]);

  const pieces: tf.Tensor[] = [];
  for (let j = 0; j < q; j++) {
    if (k === 1) {
      pieces.push(q === 1 ? blocks : tf.slice(blocks, [j, 0], [count, blockLen]));
      continue;
    }
    const taken = tf.slice(blocks, [j, 0], [(count - 1) * k + 1, blockLen]);
    const grouped = tf.reshape(
      tf.pad(taken, [
        [0, k - 1],
        [0, 0],
      ]),
      [count, k * blockLen],
    );
    pieces.push(tf.slice(grouped, [0, 0], [count, blockLen]));
  }
  const windows = q === 1 ? pieces[0] : tf.stack(pieces, 1); // [count, q, g·inner]
  return tf.reshape(windows, [count, size, ...rest]);
}
