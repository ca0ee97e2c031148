/**
 * BatchMatMul and _FusedMatMul on wasm through infomax's SIMD GEMM (kernels/simd). Transposes
 * are strides, so no operand is ever copied; the stock kernels hand every product to
 * XNNPACK, which repacks its right-hand operand on each call: for a dense layer's forward
 * pass (x·W with a fresh W after every optimizer step) that repacking costs more than the
 * product, and with a transposed operand it is 7–25× slower still (see docs/benchmarks/engine.md).
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels, type WasmBackendLike } from './simd/module';
import { fusedKernel } from './fused';

/**
 * op(A)·op(B) with the GEMM, batch dimensions broadcast where one side has a single
 * matrix; null when the kernel does not apply (no SIMD, not float32, other broadcasting),
 * so that the caller falls back to the stock kernel.
 */
export function simdMatMul(
  backend: tf.KernelBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo | null {
  const k = simdKernels(backend);
  if (!k || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = a.shape[transposeA ? ra - 1 : ra - 2];
  const kk = a.shape[transposeA ? ra - 2 : ra - 1];
  const n = b.shape[transposeB ? rb - 2 : rb - 1];
  if (b.shape[transposeB ? rb - 1 : rb - 2] !== kk) return null; // the op checked this; stay safe
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = tf.util.sizeFromShape(batchShape);
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;

  const out = (backend as WasmBackendLike).makeOutput([...batchShape, m, n], 'float32');
  if (m === 0 || n === 0 || batch === 0) return out;
  const [rsA, csA] = transposeA ? [1, m] : [kk, 1];
  const [rsB, csB] = transposeB ? [1, kk] : [n, 1];
  const pa = k.address(a);
  const pb = k.address(b);
  const pc = k.address(out);
  for (let p = 0; p < batch; p++) {
    k.gemm(
      m,
      n,
      kk,
      pa + 4 * (batchA === 1 ? 0 : p) * m * kk,
      rsA,
      csA,
      pb + 4 * (batchB === 1 ? 0 : p) * kk * n,
      rsB,
      csB,
      pc + 4 * p * m * n,
      n,
    );
  }
  return out;
}

/** BatchMatMul through the GEMM, else `fallback`. */
export function simdBatchMatMul(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    return simdMatMul(args.backend as tf.KernelBackend, a, b, transposeA, transposeB) ?? (fallback(args) as tf.TensorInfo);
  };
}

/** _FusedMatMul (matmul + bias + activation) with the GEMM for the product, else `fallback`. */
export function simdFusedMatMul(backendName: string, fallback: tf.KernelFunc): tf.KernelFunc {
  return fusedKernel(backendName, fallback, (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf._FusedMatMulAttrs;
    return simdMatMul(args.backend as tf.KernelBackend, a, b, transposeA, transposeB);
  });
}
