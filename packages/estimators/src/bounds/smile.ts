import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, poolAxes, toLayout } from '../internal/layout';
import { checkChoice, checkNumber } from '../internal/validate';
import { dvPerPosition, jsdPerPosition } from '../internal/score-math';
import type { BoundResult, NegativeOptions, PoolOptions } from './types';

/** What {@link smile} trains the critic with. */
export const SMILE_TRAINING = ['jsd', 'smile'] as const;
/** One of {@link SMILE_TRAINING}. */
export type SmileTraining = (typeof SMILE_TRAINING)[number];

/** Options of {@link smile}. */
export interface SmileOptions extends NegativeOptions, PoolOptions {
  /**
   * τ > 0: e^T is clipped to [e^−τ, e^τ] in the partition term, which bounds the
   * estimator's variance (at the price of bias when the true log-ratio leaves
   * [−τ, τ]). `Infinity` gives plain DV. Default 5 (Song & Ermon's middle setting).
   */
  clip?: number;
  /**
   * The loss: `'jsd'` (default, as in the paper's experiments: the critic is trained
   * with the f-GAN JSD objective and SMILE only reads the estimate off it) or
   * `'smile'` (minimise −SMILE itself).
   */
  train?: SmileTraining;
}

/**
 * SMILE: Donsker–Varadhan with a clipped partition function,
 * E_p(x,y)[T] − log E_p(x)p(y)[clip(e^T, e^−τ, e^τ)].
 *
 * Song & Ermon 2020, "Understanding the Limitations of Variational Mutual Information
 * Estimators", https://arxiv.org/abs/1910.06222
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link SmileOptions}.
 * @returns `{ estimate, loss }` scalars; the loss is −JSD or −SMILE (`train`).
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate);
 *   ConfigError for a non-positive `clip` or unknown `train`.
 * @example
 * const { estimate, loss } = smile(critic.scores(x, y), { clip: 5 });
 */
export function smile(scores: tf.Tensor, options: SmileOptions = {}): BoundResult {
  const clip = options.clip ?? 5;
  const train = options.train ?? 'jsd';
  checkNumber('smile', 'clip', clip, 0, Infinity, { loOpen: true });
  checkChoice('smile', 'train', train, SMILE_TRAINING);
  checkBoundArgs('smile', scores, options);
  const axes = poolAxes('smile', scores, options);
  return tf.tidy(() => {
    const { pos, all, neg } = toLayout(scores, options);
    const clipped = Number.isFinite(clip) ? (tf.clipByValue(all, -clip, clip) as tf.Tensor3D) : all;
    const estimate = tf.mean(dvPerPosition(pos, clipped, neg, axes)) as tf.Scalar;
    const loss = train === 'jsd' ? tf.neg(tf.mean(jsdPerPosition(pos, all, neg))) : tf.neg(estimate);
    return { estimate, loss: loss as tf.Scalar };
  });
}
