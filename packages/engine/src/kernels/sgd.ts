/**
 * `InfomaxSgd`: one SGD-with-momentum step for one variable as a single kernel, on wasm
 * (WebAssembly SIMD, in place on the backend's memory) and cpu (one JS loop), where tfjs
 * ops take five or six passes over memory. PyTorch's formula and operation order:
 *   g' = (g + w·λ)·s, b' = b·μ + g', w' = w + d·(−lr), d = nesterov ? g' + b'·μ : b',
 * s being LARS's trust ratio (1 for SGD: exact).
 *
 * Inputs `{ w, g, b }` (same shape, float32; b is the momentum buffer), attrs
 * {@link SgdAttrs}; outputs `[w', b']`.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels, type WasmBackendLike } from './simd/module';

export const SGD_KERNEL = 'InfomaxSgd';

export interface SgdAttrs {
  learningRate: number;
  /** μ, ≥ 0 (0: plain SGD, b' = g'). */
  momentum: number;
  /** λ, L2 weight decay added to the gradient. */
  weightDecay: number;
  /** s, the factor of the decayed gradient (LARS's trust ratio; 1 for SGD). */
  scale: number;
  /** Nesterov's look-ahead direction (Sutskever et al. 2013). */
  nesterov: boolean;
}

interface Inputs {
  w: tf.TensorInfo;
  g: tf.TensorInfo;
  b: tf.TensorInfo;
}

/** The wasm kernel (registered only where the engine has WebAssembly SIMD). */
export function sgdWasm(): tf.KernelFunc {
  return ({ inputs, backend: be, attrs }) => {
    const { w, g, b } = inputs as unknown as Inputs;
    const k = simdKernels(be as tf.KernelBackend);
    if (!k) throw new Error(`${SGD_KERNEL}: this engine has no WebAssembly SIMD`);
    const wasm = be as WasmBackendLike;
    const outs = [wasm.makeOutput(w.shape, 'float32'), wasm.makeOutput(w.shape, 'float32')];
    k.sgd(
      tf.util.sizeFromShape(w.shape),
      k.address(w),
      k.address(g),
      k.address(b),
      k.address(outs[0]),
      k.address(outs[1]),
      attrs as unknown as SgdAttrs,
    );
    return outs;
  };
}

/** The cpu kernel: the same arithmetic in float32 (Math.fround after each operation). */
export function sgdCpu(): tf.KernelFunc {
  return ({ inputs, backend: be, attrs }) => {
    const { w, g, b } = inputs as unknown as Inputs;
    const backend = be as tf.KernelBackend;
    const a = attrs as unknown as SgdAttrs;
    const read = (t: tf.TensorInfo) => backend.readSync(t.dataId) as Float32Array;
    const [W, G, B] = [read(w), read(g), read(b)];
    const n = W.length;
    const [wo, bo] = [new Float32Array(n), new Float32Array(n)];
    const f = Math.fround;
    const mu = f(a.momentum),
      wd = f(a.weightDecay),
      lr = f(-a.learningRate),
      s = f(a.scale);
    for (let i = 0; i < n; i++) {
      const gi = f(f(G[i] + f(W[i] * wd)) * s);
      const bi = f(f(B[i] * mu) + gi);
      bo[i] = bi;
      wo[i] = f(W[i] + f((a.nesterov ? f(gi + f(bi * mu)) : bi) * lr));
    }
    return [wo, bo].map((values) => ({ dataId: backend.write(values, w.shape, 'float32'), shape: w.shape, dtype: 'float32' as const }));
  };
}
