/** The interface every critic implements, and options they share. */
import type * as tf from '@tensorflow/tfjs';

/** Hidden-layer nonlinearities a critic accepts. */
export const CRITIC_ACTIVATIONS = ['relu', 'elu', 'tanh', 'linear'] as const;
/** One of {@link CRITIC_ACTIVATIONS}. */
export type CriticActivation = (typeof CRITIC_ACTIVATIONS)[number];

/** A trainable function T(x, y) scored on all pairs of two batches. */
export interface Critic {
  /**
   * Scores of every pair: `scores[i, k] = T(x_i, y_k)`; with M = B the diagonal holds
   * the positives, the layout every bound takes. Call inside `tf.tidy` or dispose.
   *
   * @param x [B, xDim]
   * @param y [M, yDim] (M = B for the batch; other M for memory-queue negatives)
   * @returns [B, M]
   * @throws ShapeError when x or y are not rank 2 with the configured sizes.
   */
  scores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  /** The trainable variables (pass to `optimizer.minimize(f, false, critic.variables)`). */
  readonly variables: tf.Variable[];
  /** Frees the variables. */
  dispose(): void;
}

/** Sizes and initialisation every critic takes. */
export interface CriticBaseOptions {
  /** Size of each x. */
  xDim: number;
  /** Size of each y. */
  yDim: number;
  /**
   * Scores are divided by this temperature τ > 0 (with `cosine`, CMC/SimCLR use
   * τ ≈ 0.07–0.5). Default 1.
   */
  temperature?: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}
