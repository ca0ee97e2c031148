/**
 * How an objective's step divides into a per-example part and a batch part, so that
 * threads can share the per-example part exactly (see the engine's `ExampleParallel`):
 * `loss(batch)` equals `batchLoss(examples(images))`, and row i of every output of
 * `examples` depends on image i alone. An objective whose loss uses the other images
 * of the batch as negatives (DIM, CMC, CPC) keeps those couplings in `batchLoss`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LossResult } from './objective';

/** The per-example / batch division of an objective's loss. */
export interface ExampleSplit {
  /** The per-example part's variables (a subset of the objective's `variables`), in a fixed order. */
  readonly variables: tf.Variable[];
  /**
   * The per-example part (encoder, per-location heads): plain tensor math.
   * @param images `[b, H, W, C]` in [0, 1] (a shard of a batch)
   * @param options `training` as for `Objective.loss`
   * @returns outputs each `[b, ...]`, row i from image i only
   */
  examples(images: tf.Tensor4D, options: { training: boolean }): tf.Tensor[];
  /**
   * The rest of the loss, on the whole batch: plain tensor math.
   * @param outputs what {@link examples} returns for the batch (shards concatenated on axis 0)
   * @param options as for `Objective.loss`
   * @returns the loss and metrics of `Objective.loss`
   */
  batchLoss(outputs: tf.Tensor[], options: { training: boolean; step: number }): LossResult;
}
