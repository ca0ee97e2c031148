/**
 * The gradients of a training step: of `objective.loss` on one thread, or, with a
 * splitter, of the objective's batch part on every thread's per-example outputs
 * (the same gradient up to float summation order; see `ExampleSplit`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ExampleSplitter } from '@infomax/engine';
import { ConfigError } from '../errors';
import type { Batch, LossResult, Objective } from '../objective';

/** What {@link stepGradients} needs of a step. */
export interface GradientRequest {
  objective: Objective;
  optimizer: tf.Optimizer;
  batch: Batch;
  step: number;
  /** Receives the loss's metrics inside the gradient function (to keep them past its tidy). */
  onMetrics: (metrics: LossResult['metrics']) => void;
  /** Spreads the per-example part over threads; absent: one thread. */
  parallel?: ExampleSplitter;
}

/**
 * The loss and the gradients of `objective.variables`.
 * @throws ConfigError when `parallel` is given and the objective has no split
 */
export function stepGradients(r: GradientRequest): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { objective, optimizer, batch, step, onMetrics, parallel } = r;
  const options = { training: true, step };
  const track = (result: LossResult) => {
    onMetrics(result.metrics);
    return result.loss;
  };
  if (!parallel) return optimizer.computeGradients(() => track(objective.loss(batch, options)), objective.variables);
  const split = objective.split?.();
  if (!split) {
    throw new ConfigError(
      `trainStep: option 'parallel' needs an objective that splits into per-example and batch parts; '${objective.config.kind}' ${objective.split ? 'cannot with this config (batch norm)' : 'does not'}`,
    );
  }
  try {
    const { value, grads } = optimizer.computeGradients(() => {
      const outputs = parallel.forward([batch.images], split.variables, ([x]) => split.examples(x as tf.Tensor4D, options));
      return track(split.batchLoss(outputs, options));
    }, [...objective.variables, parallel.gate]);
    const { [parallel.gate.name]: gate, ...rest } = grads;
    gate.dispose();
    return { value, grads: parallel.gather(rest, split.variables) };
  } finally {
    parallel.cancel();
  }
}
