/**
 * log( (1/(B−1)) Σ_{k≠j} e^{s[i,k,l]} ) for every (i, j, l) in O(B²·L) memory,
 * without the cancellation of "total minus one term" when the left-out term is
 * the row's largest.
 */
import * as tf from '@tensorflow/tfjs';

// Guards only the branch that tf.where discards, so its log stays finite (and its gradient 0, not NaN).
const TINY = 1e-30;
// Pushes the maxima far below the rest when looking for the second largest.
const MASKED_OFFSET = 1e30;

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

  // Indicators by arithmetic (step of a difference): the wasm backend's broadcasting
  // comparisons and where/broadcastTo are ~50× slower than its arithmetic.
  const notMax = tf.step(tf.sub(m1, s)); // 0 on the entries equal to the row maximum
  const isMax = tf.sub(1, notMax);
  const uniqueMax = tf.mul(isMax, tf.step(tf.sub(1.5, tf.sum(isMax, 1, true))));
  const m2 = tf.max(tf.sub(s, tf.mul(isMax, MASKED_OFFSET)), 1, true);
  const e2 = tf.mul(tf.exp(tf.minimum(tf.sub(s, m2), 0)), notMax);
  const withoutMax = tf.add(m2, tf.log(tf.maximum(tf.sum(e2, 1, true), TINY)));

  const logSum = tf.add(withoutJ, tf.mul(uniqueMax, tf.sub(withoutMax, withoutJ)));
  return tf.sub(logSum, Math.log(n - 1)) as tf.Tensor3D;
}
