/**
 * The task each extra training thread builds (`createTask`, loaded by the engine's
 * `ExampleParallel` in a worker): the objective of the run, of which it runs only the
 * per-example part. Its weights come from the main thread before every step.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ExampleTask } from '@infomax/engine';
import { buildObjective, type Objective, type ObjectiveConfig } from '@infomax/objectives';

/** What the trainer passes to every worker. */
export interface SplitTaskOptions {
  /** The run's objective config, defaults filled in (`objective.config`). */
  objective: ObjectiveConfig;
}

/**
 * Builds the per-example part of the run's objective.
 * @throws Error when the objective has no split (the trainer checks this before starting threads)
 * @example
 * const task = createTask({ objective: objective.config });
 */
export function createTask(options: SplitTaskOptions): ExampleTask {
  const objective = buildObjective(options.objective) as Objective<unknown, unknown, unknown>;
  const split = objective.split?.();
  if (!split) throw new Error(`split-task: objective '${objective.config.kind}' does not split into per-example and batch parts`);
  return { variables: split.variables, forward: ([images]) => split.examples(images as tf.Tensor4D, { training: true }) };
}
