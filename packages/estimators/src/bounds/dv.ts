import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, poolAxes, toLayout } from '../internal/layout';
import { dvPerPosition } from '../internal/score-math';
import type { BoundResult, NegativeOptions, PoolOptions } from './types';

/** Options of {@link dv}: which pairs are negatives, and whether they count at every location. */
export type DvOptions = NegativeOptions & PoolOptions;

/**
 * Donsker–Varadhan lower bound: I ≥ E_p(x,y)[T] − log E_p(x)p(y)[e^T].
 * Tight for T = log p(x,y)/(p(x)p(y)) + any constant. Biased in a mini-batch (the log
 * of a mean); {@link Mine} corrects its gradient.
 *
 * Donsker & Varadhan 1983; used by MINE, Belghazi et al. 2018, https://arxiv.org/abs/1801.04062
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link NegativeOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −estimate`.
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate).
 * @example
 * const { estimate, loss } = dv(critic.scores(x, y));
 */
export function dv(scores: tf.Tensor, options: DvOptions = {}): BoundResult {
  checkBoundArgs('dv', scores, options);
  const axes = poolAxes('dv', scores, options);
  return tf.tidy(() => {
    const { pos, all, neg } = toLayout(scores, options);
    const estimate = tf.mean(dvPerPosition(pos, all, neg, axes)) as tf.Scalar;
    return { estimate, loss: tf.neg(estimate) };
  });
}
