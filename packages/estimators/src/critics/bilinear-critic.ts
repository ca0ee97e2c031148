import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { checkPair, resolveBase } from '../internal/critic-args';
import { glorotVariable, normalizeRows } from '../internal/mlp';
import type { Critic, CriticBaseOptions } from './types';

/** Options of {@link bilinearCritic}. */
export interface BilinearCriticOptions extends CriticBaseOptions {
  /** Score the unit-normalised x and y (xᵀWy with |x| = |y| = 1), then divide by `temperature`. Default false. */
  cosine?: boolean;
}

/**
 * Bilinear critic T(x, y) = xᵀ W y / τ with a learned W [xDim, yDim]: CPC's W_k and
 * the critic of many DIM/CMC heads. Optimal for jointly Gaussian x, y up to terms
 * in x or y alone (which the bounds with baselines/InfoNCE ignore).
 *
 * van den Oord et al. 2018 (CPC), https://arxiv.org/abs/1807.03748
 *
 * @param options see {@link BilinearCriticOptions}.
 * @returns a {@link Critic}: `scores(x [B, xDim], y [M, yDim]) → [B, M]`.
 * @throws ConfigError for bad sizes or temperature.
 * @example
 * const critic = bilinearCritic({ xDim: 64, yDim: 64 });
 * const { estimate } = infoNce(critic.scores(context, code));
 */
export function bilinearCritic(options: BilinearCriticOptions): Critic {
  const fn = 'bilinearCritic';
  const base = resolveBase(fn, options);
  const cosine = options.cosine ?? false;
  const w = glorotVariable(new Rng(base.seed), base.xDim, base.yDim);
  return {
    scores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      checkPair(`${fn}.scores`, x, y, base.xDim, base.yDim);
      // An empty memory queue: no columns (and no zero-sized matmul, which XNNPACK logs as an error).
      if (y.shape[0] === 0 || x.shape[0] === 0) return tf.zeros([x.shape[0], y.shape[0]]);
      return tf.tidy(() => {
        const xs = cosine ? normalizeRows(x) : x;
        const ys = cosine ? normalizeRows(y) : y;
        return tf.div(tf.matMul(tf.matMul(xs, w), ys, false, true), base.temperature) as tf.Tensor2D;
      });
    },
    get variables() {
      return [w];
    },
    dispose() {
      w.dispose();
    },
  };
}
