import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { checkPair, resolveBase, resolveHidden } from '../internal/critic-args';
import { Mlp, normalizeRows } from '../internal/mlp';
import { checkPositiveInt } from '../internal/validate';
import type { Critic, CriticActivation, CriticBaseOptions } from './types';

/** Options of {@link separableCritic}. */
export interface SeparableCriticOptions extends CriticBaseOptions {
  /** Hidden layer sizes of g and of h (each its own MLP). Default [256, 256] (Poole et al. 2019). `[]` makes g and h linear maps. */
  hidden?: number[];
  /** Size of the embeddings g(x), h(y). Default 32. */
  embedDim?: number;
  /** Hidden nonlinearity. Default 'relu'. */
  activation?: CriticActivation;
  /** Score with the cosine of g(x) and h(y) instead of the dot product (then divide by `temperature`). Default false. */
  cosine?: boolean;
}

/**
 * Separable critic T(x, y) = g(x)·h(y) / τ: two MLPs embed x and y, every pair is one
 * dot product, so all B×M scores cost one matrix product. Cannot represent every
 * log-ratio, but is the cheap critic of CPC, CMC and DIM's encoders-as-critic.
 *
 * Poole et al. 2019, https://arxiv.org/abs/1905.06922 (separable vs concat critics)
 *
 * @param options see {@link SeparableCriticOptions}.
 * @returns a {@link Critic}: `scores(x [B, xDim], y [M, yDim]) → [B, M]`.
 * @throws ConfigError / ShapeError for bad sizes, temperature or activation.
 * @example
 * const critic = separableCritic({ xDim: 20, yDim: 20, seed: 1 });
 * const loss = () => infoNce(critic.scores(x, y)).loss;
 * optimizer.minimize(loss, false, critic.variables);
 */
export function separableCritic(options: SeparableCriticOptions): Critic {
  const fn = 'separableCritic';
  const base = resolveBase(fn, options);
  const hidden = options.hidden ?? [256, 256];
  const embedDim = options.embedDim ?? 32;
  const activation = options.activation ?? 'relu';
  const cosine = options.cosine ?? false;
  resolveHidden(fn, hidden, activation, 0);
  checkPositiveInt(fn, 'embedDim', embedDim);
  const rng = new Rng(base.seed);
  const g = new Mlp([base.xDim, ...hidden, embedDim], activation, rng);
  const h = new Mlp([base.yDim, ...hidden, embedDim], activation, rng);
  return {
    scores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      checkPair(`${fn}.scores`, x, y, base.xDim, base.yDim);
      // An empty memory queue: no columns (and no zero-sized matmul, which XNNPACK logs as an error).
      if (y.shape[0] === 0 || x.shape[0] === 0) return tf.zeros([x.shape[0], y.shape[0]]);
      return tf.tidy(() => {
        let gx = g.apply(x);
        let hy = h.apply(y);
        if (cosine) {
          gx = normalizeRows(gx);
          hy = normalizeRows(hy);
        }
        return tf.div(tf.matMul(gx, hy, false, true), base.temperature) as tf.Tensor2D;
      });
    },
    get variables() {
      return [...g.variables, ...h.variables];
    },
    dispose() {
      g.dispose();
      h.dispose();
    },
  };
}
