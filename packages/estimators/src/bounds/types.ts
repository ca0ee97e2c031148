/**
 * Types shared by every bound. One score layout everywhere: `scores[i, k, ...]` is
 * the critic's value T(x_i, y_k); positives (samples of the joint) are on the
 * diagonal `i == k`; every other pair is a sample of the product of marginals.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * What every bound returns. Both are scalars the caller owns (dispose them, or work
 * inside `tf.tidy`). A type alias rather than an interface so that `tf.tidy` accepts it
 * as a return value.
 */
export type BoundResult = {
  /** The MI estimate in nats (averaged over the extra axis L when there is one). */
  estimate: tf.Scalar;
  /**
   * The scalar to minimise to train the critic. Usually `-estimate`, but a bound may
   * train with another objective (JSD-trained SMILE) or a surrogate whose gradient
   * is the one wanted (MINE); its value is then not an MI estimate.
   */
  loss: tf.Scalar;
};

/** Which pairs count as negatives (product-of-marginals samples). */
export interface NegativeOptions {
  /**
   * [B, B] of 0/1: 1 where the pair (x_i, y_k) is a negative. Default: every
   * off-diagonal pair (all other pairs in the batch). {@link shuffleNegatives}
   * gives the MINE choice of one shuffled partner per row. The diagonal must be 0.
   */
  negativeMask?: tf.Tensor2D;
  /**
   * Extra negatives for each row: [B, Q] (or [B, Q, L] for [B, B, L] scores),
   * `extra[i, q] = T(x_i, m_q)` for Q stored samples m_q, e.g. the contents of a
   * {@link MemoryQueue}. Always counted as negatives. Default: none.
   */
  extra?: tf.Tensor;
}
