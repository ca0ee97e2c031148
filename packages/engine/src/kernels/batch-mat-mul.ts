/**
 * BatchMatMul that transposes explicitly before the stock kernel. The stock wasm
 * BatchMatMul is 7–25× slower when an operand is transposed, and every matmul
 * gradient transposes one (dW = xᵀ·dy, dx = dy·Wᵀ).
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
    const at = transposeA ? swapLast(a) : null;
    const bt = transposeB ? swapLast(b) : null;
    const out = stock({
      inputs: { a: at ?? a, b: bt ?? b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    release(be, at, bt);
    return out;
  };
}
