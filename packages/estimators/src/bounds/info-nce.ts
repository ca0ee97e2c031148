import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, poolAxes, toLayout } from '../internal/layout';
import { maskedLogSumExp } from '../internal/score-math';
import type { BoundResult, NegativeOptions, PoolOptions } from './types';

/**
 * Options of {@link infoNce}: which pairs are negatives, and whether they count at every
 * location (`poolLocations`: K becomes (row i's negatives) · L + 1, the tiled layout's
 * numbers at the cost of `[B, N + Q, L]`).
 */
export type InfoNceOptions = NegativeOptions & PoolOptions;

/**
 * InfoNCE (noise-contrastive) lower bound: the mean over rows of
 * T(x_i, y_i) − log( (1/K) Σ_k e^T(x_i, y_k) ), K = 1 + the row's negatives.
 * Low variance, but never above log K: it saturates when the true MI exceeds log K.
 * For the other direction (y as anchor) pass `scores.transpose()` (CMC averages both).
 *
 * van den Oord et al. 2018 (CPC), https://arxiv.org/abs/1807.03748; Poole et al. 2019,
 * https://arxiv.org/abs/1905.06922
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link NegativeOptions}; extra negatives raise K (and the log K ceiling).
 * @returns `{ estimate, loss }` scalars; `loss = −estimate` (the cross-entropy of picking the positive, minus log K).
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate).
 * @example
 * const { estimate, loss } = infoNce(critic.scores(x, y)); // estimate ≤ log B
 */
export function infoNce(scores: tf.Tensor, options: InfoNceOptions = {}): BoundResult {
  checkBoundArgs('infoNce', scores, options);
  poolAxes('infoNce', scores, options);
  return tf.tidy(() => {
    const { pos, all, neg, posMask } = toLayout(scores, options);
    if (options.poolLocations) {
      // One log-sum-exp per row over every negative pair at every location, [B, 1]; a
      // location's candidates are its positive and that pool, so
      // pos − log(e^pos + e^pool) = −softplus(pool − pos).
      const l = all.shape[2];
      const pool = maskedLogSumExp(all, neg, [1, 2]).reshape([-1, 1]);
      const logK = tf.log(tf.add(tf.mul(tf.sum(neg, 1), l), 1)); // [B, 1]
      const estimate = tf.mean(tf.sub(logK, tf.softplus(tf.sub(pool, pos)))) as tf.Scalar;
      return { estimate, loss: tf.neg(estimate) };
    }
    const candidates = tf.add(neg, posMask) as tf.Tensor3D;
    const lse = maskedLogSumExp(all, candidates, [1]).squeeze([1]); // [B, L]
    const logK = tf.log(tf.sum(candidates, 1)); // [B, 1]
    const estimate = tf.mean(tf.add(tf.sub(pos, lse), logK)) as tf.Scalar;
    return { estimate, loss: tf.neg(estimate) };
  });
}
