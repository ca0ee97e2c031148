/**
 * Masked reductions for the bounds. Masks are applied after `exp` and the
 * exponent is clipped at 0 before it, so a masked-out entry never turns into
 * exp(0) = 1 (which a mask-before-exp would add) nor into Infinity · 0 = NaN.
 */
import * as tf from '@tensorflow/tfjs';

// Pushes masked-out entries far below any score for the max; finite, so no Inf·0.
const MASKED_OFFSET = 1e30;

/** The maximum of `values` over the entries where `mask` is 1 (a stabiliser only: its gradient cancels). */
function maskedMax(values: tf.Tensor3D, mask: tf.Tensor3D, axes: number[]): tf.Tensor {
  return tf.max(tf.sub(values, tf.mul(tf.sub(1, mask), MASKED_OFFSET)), axes, true);
}

/**
 * log( sum over masked entries of exp(values) ) over `axes` of [B, N, L] values with a
 * [B, N, 1] 0/1 mask (a constant: it gets no gradient); keeps dims.
 *
 * Its gradient is written out, the masked softmax `dy · e / Σe`, rather than taped: the
 * taped one back-propagates through the max stabiliser, whose contribution cancels but
 * costs a broadcast comparison of the whole score tensor (`max`'s gradient), the slowest
 * kernel on wasm (over half of a CPC step's time on its [B·L, B·L] scores).
 */
export function maskedLogSumExp(values: tf.Tensor3D, mask: tf.Tensor3D, axes: number[]): tf.Tensor {
  const lse = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
    const m = maskedMax(x, mask, axes);
    const e = tf.mul(tf.exp(tf.minimum(tf.sub(x, m), 0)), mask);
    const sum = tf.sum(e, axes, true);
    save([e, sum]);
    return { value: tf.add(tf.log(sum), m), gradFunc: (dy, [eSaved, sumSaved]) => tf.mul(eSaved, tf.div(dy, sumSaved)) };
  });
  return lse(values);
}

/**
 * log( mean over masked entries of exp(values) ), reduced over `axes` of
 * [B, N, L] values with a [B, N, 1] 0/1 mask; keeps dims.
 */
export function maskedLogMeanExp(values: tf.Tensor3D, mask: tf.Tensor3D, axes: number[] = [0, 1]): tf.Tensor {
  return tf.sub(maskedLogSumExp(values, mask, axes), tf.log(maskedCount(values, mask, axes)));
}

/** Mean of `values` over masked entries of axes 0 and 1: [L]. */
export function maskedMean(values: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor1D {
  return tf.div(tf.sum(tf.mul(values, mask), [0, 1]), tf.reshape(maskedCount(values, mask, [0, 1]), [-1])) as tf.Tensor1D;
}

/**
 * How many entries of `values` the mask selects along `axes` (keeps dims; broadcasts
 * against the reduction of `values`): the mask's own sum times the length of every axis
 * it broadcasts along. Exact for counts below 2²⁴, and without materialising the mask at
 * the scores' shape (a broadcast there was a third of a DIM step's batch part on wasm).
 */
function maskedCount(values: tf.Tensor3D, mask: tf.Tensor3D, axes: number[]): tf.Tensor {
  const repeats = axes.reduce((r, a) => r * (mask.shape[a] === 1 ? values.shape[a] : 1), 1);
  return tf.mul(tf.sum(mask, axes, true), repeats);
}

/**
 * Donsker–Varadhan value per position: mean(pos) − log mean_neg exp(all): [L]. The
 * negatives' mean spans `axes` (`[0, 1, 2]`: every location's negatives, one value for all).
 */
export function dvPerPosition(pos: tf.Tensor2D, all: tf.Tensor3D, neg: tf.Tensor3D, axes: number[] = [0, 1]): tf.Tensor1D {
  return tf.sub(tf.mean(pos, 0), maskedLogMeanExp(all, neg, axes).reshape([-1])) as tf.Tensor1D;
}

/** TUBA value per position with the log-baseline already subtracted: 1 + mean(pos) − mean_neg exp(all): [L]. */
export function tubaPerPosition(pos: tf.Tensor2D, all: tf.Tensor3D, neg: tf.Tensor3D): tf.Tensor1D {
  return tf.sub(tf.add(1, tf.mean(pos, 0)), tf.exp(maskedLogMeanExp(all, neg).reshape([-1]))) as tf.Tensor1D;
}

/** f-GAN Jensen–Shannon value per position: −mean softplus(−pos) − mean_neg softplus(all): [L]. */
export function jsdPerPosition(pos: tf.Tensor2D, all: tf.Tensor3D, neg: tf.Tensor3D): tf.Tensor1D {
  return tf.sub(tf.neg(tf.mean(tf.softplus(tf.neg(pos)), 0)), maskedMean(tf.softplus(all), neg)) as tf.Tensor1D;
}

/**
 * A tensor equal to `x` whose gradient is zero: the value enters the loss as a
 * constant (MINE's moving average).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return tf.customGrad((...inputs) => ({
    value: (inputs[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }))(x) as T;
}
