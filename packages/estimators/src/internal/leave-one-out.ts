/**
 * log( (1/(B−1)) Σ_{k≠j} e^{s[i,k,l]} ) for every (i, j, l) in O(B²·L) memory,
 * without the cancellation of "total minus one term" when the left-out term is
 * the row's largest.
 */
import * as tf from '@tensorflow/tfjs';

// Guards only the branch that tf.where discards, so its log stays finite (and its gradient 0, not NaN).
const TINY = 1e-30;

/**
 * Leave-one-out log-mean-exp along axis 1 of [B, B, L] scores: [B, B, L].
 *
 * Where j is not the row's unique maximum, the sum without j still holds a term
 * equal to the maximum M1, so Σ_k e^{s−M1} − e^{s_j−M1} ≥ 1 loses no precision.
 * Where j is the unique maximum, the sum is taken around the second largest M2
 * over the other entries, masked after exp.
 */
export function logLeaveOneOutMeanExp(s: tf.Tensor3D): tf.Tensor3D {
  const n = s.shape[1];
  const m1 = tf.max(s, 1, true);
  const e1 = tf.exp(tf.sub(s, m1));
  const withoutJ = tf.add(m1, tf.log(tf.maximum(tf.sub(tf.sum(e1, 1, true), e1), TINY)));

  const isMax = tf.equal(s, m1);
  const maxCount = tf.sum(tf.cast(isMax, 'float32'), 1, true);
  const uniqueMax = tf.logicalAnd(isMax, tf.equal(maxCount, 1));
  const m2 = tf.max(tf.where(isMax, tf.broadcastTo(tf.min(s, 1, true), s.shape), s), 1, true);
  const notMax = tf.sub(1, tf.cast(isMax, 'float32'));
  const e2 = tf.mul(tf.exp(tf.minimum(tf.sub(s, m2), 0)), notMax);
  const withoutMax = tf.add(m2, tf.log(tf.maximum(tf.sum(e2, 1, true), TINY)));

  const logSum = tf.where(uniqueMax, tf.broadcastTo(withoutMax, s.shape), withoutJ);
  return tf.sub(logSum, Math.log(n - 1)) as tf.Tensor3D;
}
