/**
 * One training step of any {@link Objective}: the step the trainer runs.
 */
import * as tf from '@tensorflow/tfjs';
import { releaseTapeOnThrow } from '@infomax/engine';
import type { Batch, Objective } from './objective';

/** A step's metrics before they are read back: scalars to read (then dispose) and numbers as they are. */
interface PendingMetrics {
  names: string[];
  scalars: tf.Scalar[];
  numbers: Record<string, number>;
}

/**
 * Minimises the loss, then runs the auxiliary step, keeping every metric as a scalar
 * so that one read-back serves them all. A step that throws leaves nothing behind.
 */
function runStep(objective: Objective, optimizer: tf.Optimizer, batch: Batch, step: number): PendingMetrics {
  const made: tf.Scalar[] = [];
  try {
    return releaseTapeOnThrow(() => {
      let metrics: Record<string, tf.Scalar> = {};
      const loss = optimizer.minimize(
        () => {
          const result = objective.loss(batch, { training: true, step });
          // The metrics would be freed with the rest of the forward pass; keep them to read after.
          metrics = Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, tf.keep(v)]));
          made.push(...Object.values(metrics));
          return result.loss;
        },
        true,
        objective.variables,
      ) as tf.Scalar;
      made.push(loss);
      const pending: PendingMetrics = { names: ['loss', ...Object.keys(metrics)], scalars: [loss, ...Object.values(metrics)], numbers: {} };
      for (const [k, v] of Object.entries(objective.auxiliaryStep?.(batch, { step }) ?? {})) {
        if (typeof v === 'number') {
          pending.numbers[k] = v;
        } else {
          made.push(v);
          pending.names.push(k);
          pending.scalars.push(v);
        }
      }
      return pending;
    });
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}

function named(pending: PendingMetrics, values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  pending.names.forEach((k, i) => (out[k] = values[i]));
  return { ...out, ...pending.numbers };
}

/**
 * Minimises `objective.loss(batch, { training: true, step })` over `objective.variables`
 * with `optimizer`, then runs `objective.auxiliaryStep` (e.g. DIM's prior discriminator)
 * if it has one, and reads every metric back as a number (one synchronous read). Leaves
 * no tensors behind, also when it throws. On a backend that reads only asynchronously (webgpu) use
 * {@link trainStepAsync}.
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
  const pending = runStep(objective, optimizer, batch, step);
  try {
    return named(pending, tf.tidy(() => tf.stack(pending.scalars).dataSync()));
  } finally {
    tf.dispose(pending.scalars);
  }
}

/**
 * {@link trainStep} with the metrics read back by `await data()`: the step for every
 * backend, webgpu included (whose `dataSync` does not work under Node.js), and the one
 * the trainer runs. There the bounds cannot check their scores for NaN before the
 * update (that check needs a synchronous read): a diverged step shows as a non-finite
 * loss in the returned numbers instead of a NonFiniteError.
 *
 * @returns the same numbers as {@link trainStep}
 * @example
 * for (let step = 0; step < 100; step++) console.log(await trainStepAsync(objective, optimizer, { images }, step));
 */
export async function trainStepAsync(objective: Objective, optimizer: tf.Optimizer, batch: Batch, step: number): Promise<Record<string, number>> {
  const pending = runStep(objective, optimizer, batch, step);
  const stacked = tf.stack(pending.scalars);
  try {
    return named(pending, await stacked.data());
  } finally {
    tf.dispose([stacked, ...pending.scalars]);
  }
}
