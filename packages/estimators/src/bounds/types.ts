/**
 * Types shared by every bound. One score layout everywhere: `scores[i, k, ...]` is
 * the critic's value T(x_i, y_k); positives (samples of the joint) are on the
 * diagonal `i == k` (or, for rectangular scores, where `positiveMask` says); every
 * other pair is a sample of the product of marginals.
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

/** Which pairs count as positives (joint samples) and which as negatives (product-of-marginals samples). */
export interface NegativeOptions {
  /**
   * [B, N] of 0/1 with exactly one 1 per row: the column of row i's positive. With it,
   * scores may be rectangular, [B, N] or [B, N, L] — e.g. nodes × graphs, positive
   * where the node belongs to the graph (InfoGraph; {@link membershipMask} builds it).
   * Default: the diagonal of square scores.
   */
  positiveMask?: tf.Tensor2D;
  /**
   * [B, N] of 0/1 (N = B for square scores): 1 where the pair (x_i, y_k) is a negative.
   * Default: every pair that is not a positive (all other pairs in the batch).
   * {@link shuffleNegatives} gives the MINE choice of one shuffled partner per row.
   * It must be 0 on the positives.
   */
  negativeMask?: tf.Tensor2D;
  /**
   * Extra negatives for each row: [B, Q] (or [B, Q, L] for [B, B, L] scores),
   * `extra[i, q] = T(x_i, m_q)` for Q stored samples m_q, e.g. the contents of a
   * {@link MemoryQueue}. Always counted as negatives. Default: none.
   */
  extra?: tf.Tensor;
}

/**
 * For `[B, N, L]` scores: row i's negatives at each location are its negative pairs at
 * every location, `scores[i, k, l']` for each negative k and each l' (Deep InfoMax's local
 * negatives: a location's code against every location of the other images). The same
 * numbers as tiling the scores to `[B·L, N·L]`, each row repeated for its L locations, at
 * the cost of `[B, N, L]`. Taken by InfoNCE, DV and SMILE; JSD, NWJ and TUBA without a
 * baseline give the same numbers either way (they average the negatives' terms alike).
 */
export interface PoolOptions {
  /** Default false: the negatives of location l are the pairs at l only. */
  poolLocations?: boolean;
}
