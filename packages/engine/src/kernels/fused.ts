/**
 * The fused kernels' epilogue (`_FusedMatMul`, `FusedConv2D`): bias and activation applied
 * with the backend's own kernels after infomax computes the product.
 */
import * as tf from '@tensorflow/tfjs';
import { callKernel, release } from './kernel-utils';

type Activation = (
  x: tf.TensorInfo,
  alpha: tf.TensorInfo | undefined,
  attrs: tf.NamedAttrMap,
) => [string, Record<string, tf.TensorInfo>, Record<string, unknown>];

/** The activation kernels a fused op may apply, by tfjs activation name. */
const ACTIVATIONS: Record<string, Activation> = {
  relu: (x) => ['Relu', { x }, {}],
  relu6: (x) => ['Relu6', { x }, {}],
  elu: (x) => ['Elu', { x }, {}],
  sigmoid: (x) => ['Sigmoid', { x }, {}],
  leakyrelu: (x, _, attrs) => ['LeakyRelu', { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 }],
  prelu: (x, alpha) => ['Prelu', { x, alpha: alpha! }, {}],
};

/**
 * A fused kernel whose product is `product(args)` (null when it does not apply), followed
 * by bias and activation; `fallback` (the stock kernel) for what it does not cover.
 */
export function fusedKernel(
  backendName: string,
  fallback: tf.KernelFunc,
  product: (args: Parameters<tf.KernelFunc>[0]) => tf.TensorInfo | null,
): tf.KernelFunc {
  return (args) => {
    const { bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (activation !== 'linear' && !ACTIVATIONS[activation]) return fallback(args);
    const be = args.backend as tf.KernelBackend;
    const y = product(args);
    if (!y) return fallback(args);
    let out = y;
    if (bias) {
      out = callKernel(backendName, 'Add', be, { a: y, b: bias });
      release(be, y);
    }
    if (activation !== 'linear') {
      const [name, inputs, extra] = ACTIVATIONS[activation](out, preluActivationWeights, attrs);
      const activated = callKernel(backendName, name, be, inputs, extra);
      release(be, out);
      out = activated;
    }
    return out;
  };
}
