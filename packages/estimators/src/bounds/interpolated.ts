import * as tf from '@tensorflow/tfjs';
import { checkScores, checkNumber } from '../internal/validate';
import { logLeaveOneOutMeanExp } from '../internal/leave-one-out';
import { maskedLogMeanExp } from '../internal/score-math';
import { baselineColumn, checkLogBaseline } from '../internal/baseline';
import type { BoundResult } from './types';

/** Options of {@link interpolated}. */
export interface InterpolatedOptions {
  /**
   * α in [0, 1]: the weight of the multi-sample (InfoNCE-like) baseline against the
   * learned one. 0 gives TUBA (high variance, no log B ceiling), 1 an InfoNCE-like
   * bound (low variance, ≤ log B); small α (Poole et al. use 0.01) trades between
   * them. Default 0.01.
   */
  alpha?: number;
  /** log q(x_i), the learned log-baseline of row i: a number, [B] or [B, L]. Default 0. */
  logBaseline?: number | tf.Tensor;
}

/**
 * The α-interpolated bound I_α (Poole et al. 2019, eq. 11): TUBA whose baseline for
 * row i is a = α·m + (1−α)·q(x_i), m the leave-one-out mean of e^T over the batch.
 *
 * In this layout, for row x_i the columns y_k (k ≠ i) are independent of x_i: the
 * negative term of pair (i, j) uses the mean over all columns but i; the positive term
 * of row i is averaged over leaving out each j ≠ i. Uses only the in-batch negatives
 * (the leave-one-out construction needs them), so it has no `negativeMask`/`extra`.
 *
 * Poole et al. 2019, "On Variational Bounds of Mutual Information", https://arxiv.org/abs/1905.06922
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal.
 * @param options see {@link InterpolatedOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −estimate`.
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate);
 *   ConfigError for α outside [0, 1].
 * @example
 * const { estimate, loss } = interpolated(critic.scores(x, y), { alpha: 0.01, logBaseline });
 */
export function interpolated(scores: tf.Tensor, options: InterpolatedOptions = {}): BoundResult {
  const alpha = options.alpha ?? 0.01;
  checkNumber('interpolated', 'alpha', alpha, 0, 1);
  checkScores('interpolated', scores);
  checkLogBaseline('interpolated', scores, options.logBaseline);
  return tf.tidy(() => {
    const s = (scores.rank === 2 ? scores.expandDims(2) : scores) as tf.Tensor3D;
    const [b, , l] = s.shape;
    const q = baselineColumn(options.logBaseline ?? 0, b, l).expandDims(1); // [B, 1, L]
    const logA = logInterpolate(logLeaveOneOutMeanExp(s), q, alpha); // [B, B, L]
    const eye = tf.eye(b).expandDims(2);
    const offDiag = tf.sub(1, eye) as tf.Tensor3D;
    const pos = tf.sum(tf.mul(s, eye), 1, true); // [B, 1, L]
    const logADiag = tf.sum(tf.mul(logA, eye), 1, true); // [B, 1, L]: baseline leaving out y_i
    const joint = tf.div(tf.sum(tf.mul(tf.sub(pos, logA), offDiag), [0, 1]), b * (b - 1));
    const marginal = tf.exp(maskedLogMeanExp(tf.sub(s, logADiag) as tf.Tensor3D, offDiag).reshape([l]));
    const estimate = tf.mean(tf.sub(tf.add(1, joint), marginal)) as tf.Scalar;
    return { estimate, loss: tf.neg(estimate) };
  });
}

/** log(α·e^{logM} + (1−α)·e^{logQ}), finite for α at 0 or 1 too. */
function logInterpolate(logM: tf.Tensor3D, logQ: tf.Tensor, alpha: number): tf.Tensor3D {
  if (alpha === 1) return logM;
  if (alpha === 0) return tf.add(tf.zerosLike(logM), logQ) as tf.Tensor3D;
  const a = tf.add(logM, Math.log(alpha));
  // Broadcast by an add, not inside tf.maximum: tfjs' Maximum gradient does not sum a
  // broadcast input back to its shape (the learned baseline needs that gradient).
  const c = tf.add(tf.zerosLike(a), tf.add(logQ, Math.log(1 - alpha)));
  const m = tf.maximum(a, c);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(c, m))))) as tf.Tensor3D;
}
