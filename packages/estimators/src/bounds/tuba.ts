import * as tf from '@tensorflow/tfjs';
import { checkBoundArgs, toLayout } from '../internal/layout';
import { checkFloatFinite, checkNumber, describe } from '../internal/validate';
import { ShapeError } from '../errors';
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
 * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the diagonal.
 * @param options see {@link TubaOptions}.
 * @returns `{ estimate, loss }` scalars; `loss = −estimate`.
 * @throws ShapeError for a non-square or wrongly shaped argument or baseline; NonFiniteError for NaN/Infinity.
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

/** Throws unless `logBaseline` is a finite number, [B] or [B, L] matching `scores`. */
export function checkLogBaseline(fn: string, scores: tf.Tensor, logBaseline: unknown): void {
  if (logBaseline === undefined) return;
  if (typeof logBaseline === 'number') {
    checkNumber(fn, 'logBaseline', logBaseline, -Infinity, Infinity, { loOpen: true, hiOpen: true });
    return;
  }
  const b = scores.shape[0];
  const l = scores.rank === 3 ? scores.shape[2] : 1;
  const ok =
    logBaseline instanceof tf.Tensor &&
    logBaseline.shape[0] === b &&
    (logBaseline.rank === 1 || (logBaseline.rank === 2 && logBaseline.shape[1] === l));
  if (!ok) {
    throw new ShapeError(`${fn}: option 'logBaseline' must be a number, [${b}] or [${b}, ${l}], got ${describe(logBaseline)}`);
  }
  checkFloatFinite(fn, logBaseline as tf.Tensor, 'logBaseline');
}

/** The log-baseline as a [B, L] tensor. */
export function baselineColumn(logBaseline: number | tf.Tensor, b: number, l: number): tf.Tensor2D {
  if (typeof logBaseline === 'number') return tf.fill([b, l], logBaseline) as tf.Tensor2D;
  const col = logBaseline.rank === 1 ? logBaseline.reshape([b, 1]) : logBaseline;
  return tf.broadcastTo(col, [b, l]) as tf.Tensor2D;
}
