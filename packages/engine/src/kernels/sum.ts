/**
 * `InfomaxSum`: the sum of every entry of a float32 tensor, or of their squares, as one
 * scalar, on wasm with WebAssembly SIMD: sixteen running float32 sums over each block of
 * 1024 floats, the blocks' totals added in float64. The stock `Sum` keeps one float32
 * running sum (each add waits for the last, and the error grows with the length) and a sum
 * of squares first writes the squares out: a training step's checks (the gradients' global
 * norm, every weight and optimizer slot summed) took a tenth of a DIM step on wasm that way.
 *
 * Input `{ x }` (float32, any shape), attr `squares` (boolean); output a float32 scalar.
 * The order of the additions is not tfjs's, so results differ from `tf.sum`'s in the last
 * bits (tested within 1e-6 of Σ|x| of a float64 sum).
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels, wasmHeapView } from './simd/module';

export const SUM_KERNEL = 'InfomaxSum';

/** The wasm kernel (registered only where the engine has WebAssembly SIMD). */
export function sumWasm(): tf.KernelFunc {
  return ({ inputs, backend: b, attrs }) => {
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    const backend = b as tf.KernelBackend;
    const k = simdKernels(backend);
    if (!k) throw new Error(`${SUM_KERNEL}: this engine has no WebAssembly SIMD`);
    const value = k.sum(tf.util.sizeFromShape(x.shape), k.address(x), Boolean((attrs as { squares?: boolean }).squares));
    // The output is allocated after the sum: a new allocation may grow (and move) the memory.
    const out = (backend as unknown as { makeOutput(s: number[], d: tf.DataType): tf.TensorInfo }).makeOutput([], 'float32');
    wasmHeapView(backend, out)![0] = value;
    return out;
  };
}

/** Its gradient: `dy` everywhere for a sum, `2·x·dy` for a sum of squares. */
export const sumGradient: tf.GradConfig = {
  kernelName: SUM_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const d = dy as tf.Tensor;
    return { x: () => ((attrs as { squares?: boolean }).squares ? tf.mul(tf.mul(x, 2), d) : tf.mul(tf.onesLike(x), d)) };
  },
};
