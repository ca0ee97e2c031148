/**
 * One training step of any {@link Objective}: the step the trainer runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, Objective } from './objective';

/**
 * Minimises `objective.loss(batch, { training: true, step })` over `objective.variables`
 * with `optimizer`, then runs `objective.auxiliaryStep` (e.g. DIM's prior discriminator)
 * if it has one, and reads every metric back as a number. Leaves no tensors behind.
 *
 * @param objective any objective from `buildObjective`
 * @param optimizer the main optimizer (DIM's reference: Adam 1e-4, e.g. the engine's `adam(1e-4)`)
 * @param batch images `[batch, height, width, channels]` in [0, 1] (the caller keeps ownership)
 * @param step the step number (randomised views and schedules may use it)
 * @returns `{ loss, ...metrics, ...auxiliary metrics }` as plain numbers (MI estimates in nats)
 * @throws ShapeError for images of the wrong shape; NonFiniteError when scores diverge
 * @example
 * const optimizer = adam(1e-4); // from @infomax/engine: tf.train.adam with a fused update
 * for (let step = 0; step < 100; step++) console.log(trainStep(objective, optimizer, { images }, step));
 */
export function trainStep(objective: Objective, optimizer: tf.Optimizer, batch: Batch, step: number): Record<string, number> {
  let metrics: Record<string, tf.Scalar> = {};
  const loss = optimizer.minimize(
    () => {
      const result = objective.loss(batch, { training: true, step });
      // The metrics would be freed with the rest of the forward pass; keep them to read after.
      metrics = Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, tf.keep(v)]));
      return result.loss;
    },
    true,
    objective.variables,
  ) as tf.Scalar;
  const names = Object.keys(metrics);
  const values = tf.tidy(() => tf.stack([loss, ...names.map((k) => metrics[k])]).dataSync());
  tf.dispose([loss, ...Object.values(metrics)]);
  const out: Record<string, number> = { loss: values[0] };
  names.forEach((k, i) => (out[k] = values[i + 1]));
  return { ...out, ...(objective.auxiliaryStep?.(batch, { step }) ?? {}) };
}
