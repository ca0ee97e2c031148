/**
 * Gradient clipping by the global L2 norm (Pascanu et al. 2013, "On the difficulty of
 * training recurrent neural networks", arXiv:1211.5063), as PyTorch's `clip_grad_norm_`:
 * every gradient is scaled by min(1, c / (‖g‖ + 1e-6)), ‖g‖ the norm of all of them
 * together. Tensor math only (no read-back), so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from './errors';
import { sumOfSquares } from './reductions';
import { finite } from './schema/fields';
import { parseConfig } from './schema/parse-config';

/**
 * A largest global gradient norm: a finite number > 0 (the optimizers' `clipNorm` option).
 * @example
 * parseConfig(clipNormSchema, 0, fail); // fail('', 'expected a finite number > 0, got 0')
 */
export const clipNormSchema = finite({ above: 0 });

/** One `{ name, tensor }` of `applyGradients`' list form. */
export type NamedGradient = { name: string; tensor: tf.Tensor };

/**
 * The global L2 norm of a list of tensors, √(Σ_t Σ_i t_i²). The per-tensor sums are stacked,
 * not `addN`-ed: webgpu's AddN binds every input to one shader and fails past the device's
 * storage-buffer limit (8 to 10 tensors); Pack splits.
 * @param gradients tensors of any shapes (at least one)
 * @returns a scalar (the caller owns it; call inside `tf.tidy` to free the intermediates)
 * @example
 * const norm = tf.tidy(() => globalNorm(Object.values(grads)));
 */
export function globalNorm(gradients: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.sum(tf.stack(gradients.map((g) => sumOfSquares(g))))) as tf.Scalar;
}

/**
 * The gradients scaled so that their global norm is at most `clipNorm` (unchanged, bit for
 * bit, when it already is: the scale is then exactly 1).
 * @param gradients the `{ name, tensor }` list an optimizer's `applyGradients` receives
 * @param clipNorm the largest global norm, > 0
 * @returns new tensors in the same order (call inside `tf.tidy`)
 * @throws ConfigError `clipByGlobalNorm: argument clipNorm: expected a finite number > 0, got …`
 * @example
 * tf.tidy(() => optimizer.applyGradients(clipByGlobalNorm(grads, 1)));
 */
export function clipByGlobalNorm(gradients: NamedGradient[], clipNorm: number): NamedGradient[] {
  parseConfig(clipNormSchema, clipNorm, (_, message) => new ConfigError(`clipByGlobalNorm: argument clipNorm: ${message}`));
  if (gradients.length === 0) return [];
  const norm = globalNorm(gradients.map((g) => g.tensor));
  const scale = tf.minimum(tf.div(clipNorm, tf.add(norm, 1e-6)), 1);
  return gradients.map(({ name, tensor }) => ({ name, tensor: tf.mul(tensor, scale) }));
}

/**
 * `applyGradients`' argument (a map or a list) as a list in the same order (an optimizer's
 * slots follow it), gradients cast to float32 and, when `clipNorm` is given, clipped by
 * their global norm; a missing gradient stays null (call inside `tf.tidy`).
 */
export function gradientList(
  variableGradients: tf.NamedTensorMap | NamedGradient[],
  clipNorm: number | undefined,
): Array<{ name: string; tensor: tf.Tensor | null }> {
  const list = Array.isArray(variableGradients)
    ? variableGradients
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
  const cast = list.map(({ name, tensor }) => ({
    name,
    tensor: tensor == null ? null : tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32'),
  }));
  if (clipNorm === undefined) return cast;
  const present = cast.filter((g): g is NamedGradient => g.tensor !== null);
  const clipped = new Map(clipByGlobalNorm(present, clipNorm).map((g, i) => [present[i], g.tensor]));
  return cast.map((g) => ({ name: g.name, tensor: g.tensor === null ? null : clipped.get(g as NamedGradient)! }));
}
