import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { checkPair, resolveBase, resolveHidden } from '../internal/critic-args';
import { Mlp, activate, biasVariable, glorotVariable } from '../internal/mlp';
import type { Critic, CriticActivation, CriticBaseOptions } from './types';

/** Options of {@link concatCritic}. */
export interface ConcatCriticOptions extends CriticBaseOptions {
  /** Hidden layer sizes, at least one. Default [256, 256] (Poole et al. 2019). */
  hidden?: number[];
  /** Hidden nonlinearity. Default 'relu'. */
  activation?: CriticActivation;
}

/**
 * Concat critic T(x, y) = MLP([x, y]) / τ on every pair (x_i, y_k). The most
 * expressive critic (it can learn any log-ratio) and the most expensive: B×M MLP
 * evaluations. The first layer is split, [x, y]·W = x·W_x + y·W_y, so the pairs are
 * formed by broadcasting two small products instead of tiling the inputs.
 *
 * Belghazi et al. 2018 (MINE), https://arxiv.org/abs/1801.04062; Poole et al. 2019,
 * https://arxiv.org/abs/1905.06922
 *
 * @param options see {@link ConcatCriticOptions}.
 * @returns a {@link Critic}: `scores(x [B, xDim], y [M, yDim]) → [B, M]`.
 * @throws ConfigError / ShapeError for bad sizes, temperature or activation.
 * @example
 * const critic = concatCritic({ xDim: 20, yDim: 20, hidden: [256, 256], seed: 3 });
 * const { estimate } = nwj(critic.scores(x, y));
 */
export function concatCritic(options: ConcatCriticOptions): Critic {
  const fn = 'concatCritic';
  const base = resolveBase(fn, options);
  const hidden = options.hidden ?? [256, 256];
  const activation = options.activation ?? 'relu';
  resolveHidden(fn, hidden, activation, 1);
  const rng = new Rng(base.seed);
  // Glorot limits of the joint first layer [xDim + yDim, hidden[0]], drawn as two blocks.
  const joint = glorotVariable(rng, base.xDim + base.yDim, hidden[0]);
  const wx = tf.tidy(() => tf.variable(joint.slice([0, 0], [base.xDim, hidden[0]])));
  const wy = tf.tidy(() => tf.variable(joint.slice([base.xDim, 0], [base.yDim, hidden[0]])));
  joint.dispose();
  const b0 = biasVariable(hidden[0]);
  const rest = new Mlp([...hidden, 1], activation, rng);
  return {
    scores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
      checkPair(`${fn}.scores`, x, y, base.xDim, base.yDim);
      // An empty memory queue: no columns (and no zero-sized matmul, which XNNPACK logs as an error).
      if (y.shape[0] === 0 || x.shape[0] === 0) return tf.zeros([x.shape[0], y.shape[0]]);
      return tf.tidy(() => {
        const bx = x.shape[0];
        const my = y.shape[0];
        const pre = tf.add(tf.add(tf.matMul(x, wx).expandDims(1), tf.matMul(y, wy).expandDims(0)), b0); // [B, M, H]
        const h = activate(pre, activation).reshape([bx * my, hidden[0]]) as tf.Tensor2D;
        const out = rest.apply(h);
        return tf.div(out.reshape([bx, my]), base.temperature) as tf.Tensor2D;
      });
    },
    get variables() {
      return [wx, wy, b0, ...rest.variables];
    },
    dispose() {
      wx.dispose();
      wy.dispose();
      b0.dispose();
      rest.dispose();
    },
  };
}
