import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { checkBoundArgs, toLayout } from '../internal/layout';
import { checkNumber, describe } from '../internal/validate';
import { maskedLogMeanExp, stopGradient } from '../internal/score-math';
import type { BoundResult, NegativeOptions } from './types';

/** Options of {@link Mine}. */
export interface MineOptions {
  /**
   * Weight of the old moving average of E_q[e^T] at each step, in [0, 1). Poole et
   * al.'s benchmark uses 0.9; Belghazi et al. mention a small rate, i.e. a decay
   * close to 1. Default 0.9.
   */
  decay?: number;
}

/**
 * MINE: Donsker–Varadhan with the bias-corrected gradient. The mini-batch gradient of
 * log E_q[e^T] is biased (the log of a mean); MINE divides E_q[e^T ∇T] by a moving
 * average of E_q[e^T] instead of the batch mean. Stateful: call once per training
 * step, on the scores of that step.
 *
 * Belghazi et al. 2018, "Mutual Information Neural Estimation", https://arxiv.org/abs/1801.04062
 *
 * @example
 * const mine = new Mine({ decay: 0.9 });
 * optimizer.minimize(() => mine.bound(critic.scores(x, y)).loss, false, critic.variables);
 * mine.dispose();
 */
export class Mine {
  private readonly decay: number;
  /** log of the moving average of E_q[e^T], per position [L]; null before the first step. */
  private logAverage: tf.Tensor1D | null = null;

  /**
   * @param options see {@link MineOptions}.
   * @throws ConfigError when `decay` is outside [0, 1).
   */
  constructor(options: MineOptions = {}) {
    const decay = options.decay ?? 0.9;
    checkNumber('Mine', 'decay', decay, 0, 1, { hiOpen: true });
    this.decay = decay;
  }

  /**
   * One step: the DV estimate of this batch, and a surrogate loss whose gradient is
   * −(E_p[∇T] − E_q[e^T ∇T] / moving average). Updates the moving average.
   *
   * @param scores [B, B] or [B, B, L], `scores[i, k] = T(x_i, y_k)`, positives on the
   *   diagonal; L must stay the same between calls.
   * @param options see {@link NegativeOptions}.
   * @returns `{ estimate, loss }` scalars; the loss's value is a surrogate, only its gradient matters.
   * @throws ShapeError for wrongly shaped arguments or an L that changed (values are not read: NaN scores give a NaN estimate).
   */
  bound(scores: tf.Tensor, options: NegativeOptions = {}): BoundResult {
    checkBoundArgs('Mine.bound', scores, options);
    const l = scores.rank === 3 ? (scores.shape[2] as number) : 1;
    if (this.logAverage !== null && this.logAverage.shape[0] !== l) {
      throw new ShapeError(
        `Mine.bound: 'scores' must keep L = ${this.logAverage.shape[0]} positions between calls, got [${scores.shape}] (call reset() first)`,
      );
    }
    const previous = this.logAverage;
    const result = tf.tidy(() => {
      const { pos, all, neg } = toLayout(scores, options);
      const logMean = maskedLogMeanExp(all, neg).reshape([l]) as tf.Tensor1D;
      const batchLog = stopGradient(logMean);
      const updated =
        previous === null ? batchLog : logAddExp(tf.add(previous, Math.log(this.decay)), tf.add(batchLog, Math.log(1 - this.decay)));
      const positive = tf.mean(pos, 0);
      const estimate = tf.mean(tf.sub(positive, logMean)) as tf.Scalar;
      const loss = tf.neg(tf.mean(tf.sub(positive, tf.exp(tf.sub(logMean, stopGradient(updated)))))) as tf.Scalar;
      return { estimate, loss, updated: tf.keep(updated.clone()) };
    });
    this.logAverage = result.updated as tf.Tensor1D;
    previous?.dispose();
    return { estimate: result.estimate, loss: result.loss };
  }

  /**
   * The moving average of E_q[e^T] per position, or null before the first step. A
   * diagnostic that reads synchronously: on webgpu (see the engine's `canReadSync`) it
   * throws; the bound itself never reads.
   */
  average(): number[] | null {
    return this.logAverage === null ? null : Array.from(this.logAverage.dataSync(), Math.exp);
  }

  /**
   * The log of the moving average of E_q[e^T] per position, `[L]` (`[0]` before the first
   * step): the state a checkpoint saves so that a resumed run takes the same steps. The
   * caller owns the tensor.
   * @example
   * const saved = mine.state(); // later: mine.load(saved)
   */
  state(): tf.Tensor1D {
    return this.logAverage === null ? tf.tensor1d([]) : this.logAverage.clone();
  }

  /**
   * Puts back what {@link state} returned (the caller keeps the tensor); `[0]` forgets the average.
   * @throws ShapeError when `logAverage` is not a float32 tensor `[L]`
   */
  load(logAverage: tf.Tensor): void {
    if (!(logAverage instanceof tf.Tensor) || logAverage.rank !== 1 || logAverage.dtype !== 'float32') {
      throw new ShapeError(
        `Mine.load: argument 'logAverage' must be a float32 tensor [L] (what state() returns), got ${describe(logAverage)}`,
      );
    }
    this.reset();
    if (logAverage.shape[0] > 0) this.logAverage = logAverage.clone() as tf.Tensor1D;
  }

  /** Forgets the moving average (e.g. when L changes). */
  reset(): void {
    this.logAverage?.dispose();
    this.logAverage = null;
  }

  /** Frees the state's tensor. */
  dispose(): void {
    this.reset();
  }
}

function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m))))) as tf.Tensor1D;
}
