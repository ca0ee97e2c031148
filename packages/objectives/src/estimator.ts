/**
 * The bound an objective trains with, chosen by name: every objective builds
 * scores in the shared layout `[B, B]` / `[B, B, L]` (positives on the diagonal)
 * and hands them here, so every objective × estimator pair works.
 */
import type * as tf from '@tensorflow/tfjs';
import { dv, infoNce, jsd, nwj, smile, type BoundResult, type NegativeOptions } from '@infomax/estimators';

/** Estimator names a config accepts, declared once. */
export const ESTIMATOR_KINDS = ['jsd', 'infonce', 'dv', 'nwj', 'smile'] as const;
/** One of {@link ESTIMATOR_KINDS}. */
export type EstimatorKind = (typeof ESTIMATOR_KINDS)[number];

/**
 * Applies the named bound of `@infomax/estimators` to a score tensor.
 * `jsd` trains with the f-GAN Jensen–Shannon value and reports NWJ on the same critic
 * (an MI estimate in nats); `smile` clips at its default τ = 5.
 *
 * Hjelm et al. 2019 (DIM, JSD default), https://arxiv.org/abs/1808.06670;
 * Poole et al. 2019 (the bounds), https://arxiv.org/abs/1905.06922
 *
 * @param kind one of {@link ESTIMATOR_KINDS}
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`
 * @param negatives in-batch mask and extra (memory-queue) negatives, see the estimators' NegativeOptions
 * @returns `{ estimate, loss }` scalars the caller owns
 * @throws ShapeError / NonFiniteError from the bound
 * @example
 * const { estimate, loss } = applyEstimator('infonce', scores);
 */
export function applyEstimator(kind: EstimatorKind, scores: tf.Tensor, negatives: NegativeOptions = {}): BoundResult {
  switch (kind) {
    case 'jsd':
      return jsd(scores, negatives);
    case 'infonce':
      return infoNce(scores, negatives);
    case 'dv':
      return dv(scores, negatives);
    case 'nwj':
      return nwj(scores, negatives);
    case 'smile':
      return smile(scores, negatives);
  }
}
