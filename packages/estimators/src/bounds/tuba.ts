import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, toLayout } from '../internal/layout';
import { baselineColumn, checkLogBaseline } from '../internal/baseline';
import { tubaPerPosition } from '../internal/score-math';
import type { BoundResult, NegativeOptions } from './types';

/** Options of {@link tuba}. */
export interface TubaOptions extends NegativeOptions {
  /**
   * log a(x_i), the log-baseline of row i: a number, [B], or [B, L] for [B, B, L]
   * scores (typically the output of a small network on x, trained with the critic
   * through this loss). Default 0 (a = 1).
   */
  logBaseline?: number | tf.Tensor;
}

/**
 * Tractable unnormalized Barber–Agakov (TUBA) lower bound with a learned baseline:
 * I ≥ 1 + E_p(x,y)[T − log a(x)] − E_p(x)p(y)[e^T / a(x)]. With a ≡ e it is NWJ;
 * tight for T = log a(x) + log p(x,y)/(p(x)p(y)). The baseline of row i is a(x_i).
 *
 * Poole et al. 2019, "On Variational Bounds of Mutual Information", https://arxiv.org/abs/1905.06922
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link TubaOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −estimate`.
 * @throws ShapeError for a non-square or wrongly shaped argument or baseline (values are not read: NaN scores give a NaN estimate).
 * @example
 * const { estimate, loss } = tuba(critic.scores(x, y), { logBaseline: baselineNet(x).squeeze([1]) });
 */
export function tuba(scores: tf.Tensor, options: TubaOptions = {}): BoundResult {
  checkBoundArgs('tuba', scores, options);
  checkLogBaseline('tuba', scores, options.logBaseline);
  return tf.tidy(() => {
    const { pos, all, neg } = toLayout(scores, options);
    const b = baselineColumn(options.logBaseline ?? 0, pos.shape[0], pos.shape[1]); // [B, L]
    const estimate = tf.mean(tubaPerPosition(tf.sub(pos, b) as tf.Tensor2D, tf.sub(all, b.expandDims(1)) as tf.Tensor3D, neg)) as tf.Scalar;
    return { estimate, loss: tf.neg(estimate) };
  });
}
