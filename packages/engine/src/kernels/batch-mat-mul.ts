/**
 * BatchMatMul that never hands the stock kernel a transposed operand. The stock
 * wasm BatchMatMul is 7–25× slower when an operand is transposed, and every matmul
 * gradient transposes one (dW = xᵀ·dy, dx = dy·Wᵀ). An explicit transpose costs a
 * pass over the operand, so of the two equivalent forms
 *   op(A)·op(B)            (transpose the flagged operands), and
 *   (op(B)ᵀ·op(A)ᵀ)ᵀ       (transpose the unflagged operands and the product)
 * we take the one that moves fewer elements: for dx = dy·Wᵀ with a large W the
 * second form transposes only dy and dx, never W.
 */
import * as tf from '@tensorflow/tfjs';
import { Backend, callKernel, release } from './kernel-utils';

/** Wraps the backend's own BatchMatMul (`stock`) so it only ever sees untransposed operands. */
export function batchMatMulUntransposed(backendName: string, stock: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const be = backend as Backend;
    if (!transposeA && !transposeB) return stock({ inputs, backend, attrs }) as tf.TensorInfo;
    const swapLast = (x: tf.TensorInfo) => {
      const perm = x.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return callKernel(backendName, 'Transpose', be, { x }, { perm });
    };
    const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      stock({ inputs: { a: x, b: y }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;

    const sizeA = tf.util.sizeFromShape(a.shape);
    const sizeB = tf.util.sizeFromShape(b.shape);
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)];
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)];
    const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
    const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0);
    const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + batch * rows * cols;

    if (direct <= swapped) {
      const at = transposeA ? swapLast(a) : null;
      const bt = transposeB ? swapLast(b) : null;
      const out = plain(at ?? a, bt ?? b);
      release(be, at, bt);
      return out;
    }
    // op(A)·op(B) = (op(B)ᵀ · op(A)ᵀ)ᵀ, where op(B)ᵀ is B itself when B was flagged.
    const bt = transposeB ? null : swapLast(b);
    const at = transposeA ? null : swapLast(a);
    const productT = plain(bt ?? b, at ?? a);
    const out = swapLast(productT);
    release(be, at, bt, productT);
    return out;
  };
}
