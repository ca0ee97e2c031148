import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, toLayout } from '../internal/layout';
import { checkChoice } from '../internal/validate';
import { dvPerPosition, jsdPerPosition, tubaPerPosition } from '../internal/score-math';
import type { BoundResult, NegativeOptions } from './types';

/** What {@link jsd} reports as its estimate. */
export const JSD_REPORTS = ['nwj', 'dv', 'jsd'] as const;
/** One of {@link JSD_REPORTS}. */
export type JsdReport = (typeof JSD_REPORTS)[number];

/** Options of {@link jsd}. */
export interface JsdOptions extends NegativeOptions {
  /**
   * The estimate to report from the JSD-trained critic. `'nwj'` (default): NWJ of
   * T + 1 (the JSD optimum is T = log-ratio, the NWJ optimum 1 + log-ratio);
   * `'dv'`: Donsker–Varadhan (shift-invariant); `'jsd'`: the f-GAN value itself,
   * 2·JSD − 2·log 2 at the optimum — not an MI estimate.
   */
  report?: JsdReport;
}

/**
 * Jensen–Shannon (f-GAN) objective: −E_p(x,y)[softplus(−T)] − E_p(x)p(y)[softplus(T)].
 * Not a bound on MI, but its gradients are stable; DIM's default. The loss is this
 * objective; the estimate is an MI bound evaluated on the same critic (`report`).
 *
 * Nowozin et al. 2016 (f-GAN), https://arxiv.org/abs/1606.00709; Hjelm et al. 2019 (DIM),
 * https://arxiv.org/abs/1808.06670; Poole et al. 2019, https://arxiv.org/abs/1905.06922
 *
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal;
 *   or [B, N] / [B, N, L] with `positiveMask` (e.g. nodes × graphs).
 * @param options see {@link JsdOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −(f-GAN JSD value)`.
 * @throws ShapeError for a non-square or wrongly shaped argument (values are not read: NaN scores give a NaN estimate);
 *   ConfigError for an unknown `report`.
 * @example
 * const { estimate, loss } = jsd(critic.scores(x, y), { report: 'nwj' });
 */
export function jsd(scores: tf.Tensor, options: JsdOptions = {}): BoundResult {
  const report = options.report ?? 'nwj';
  checkChoice('jsd', 'report', report, JSD_REPORTS);
  checkBoundArgs('jsd', scores, options);
  return tf.tidy(() => {
    const { pos, all, neg } = toLayout(scores, options);
    const value = tf.mean(jsdPerPosition(pos, all, neg)) as tf.Scalar;
    let estimate: tf.Scalar;
    if (report === 'jsd') estimate = value.clone();
    else if (report === 'dv') estimate = tf.mean(dvPerPosition(pos, all, neg)) as tf.Scalar;
    // NWJ(T + 1) = 1 + E_p[T] − E_q[e^T]: TUBA with a zero log-baseline on T itself.
    else estimate = tf.mean(tubaPerPosition(pos, all, neg)) as tf.Scalar;
    return { estimate, loss: tf.neg(value) };
  });
}
