import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, toLayout } from '../internal/layout';
import { tubaPerPosition } from '../internal/score-math';
import type { BoundResult, NegativeOptions } from './types';

/** Options of {@link nwj}: which pairs are negatives. */
export type NwjOptions = NegativeOptions;

/**
 * Nguyen–Wainwright–Jordan lower bound (f-divergence KL, "MINE-f"):
 * I ≥ E_p(x,y)[T] − E_p(x)p(y)[e^(T−1)]. Unbiased in a mini-batch but its variance
 * grows like e^I. Tight for T = 1 + log p(x,y)/(p(x)p(y)).
 *
 * Nguyen, Wainwright & Jordan 2010, https://arxiv.org/abs/0809.0853
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link NegativeOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −estimate`.
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate).
 * @example
 * const { estimate, loss } = nwj(critic.scores(x, y));
 */
export function nwj(scores: tf.Tensor, options: NwjOptions = {}): BoundResult {
  checkBoundArgs('nwj', scores, options);
  return tf.tidy(() => {
    const { pos, all, neg } = toLayout(scores, options);
    // NWJ is TUBA with the constant baseline a = e.
    const estimate = tf.mean(tubaPerPosition(tf.sub(pos, 1), tf.sub(all, 1), neg)) as tf.Scalar;
    return { estimate, loss: tf.neg(estimate) };
  });
}
