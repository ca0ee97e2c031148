/**
 * One training step of any {@link Objective}: the step the trainer runs.
 */
import * as tf from '@tensorflow/tfjs';
import { globalNorm, releaseTapeOnThrow, type ExampleSplitter } from '@infomax/engine';
import { NonFiniteError } from './errors';
import type { Batch, Objective } from './objective';
import { nonFiniteFacts, nonFiniteKind, stateSums, stepState, type Watched } from './internal/step-health';
import { stepGradients } from './internal/step-gradients';

/**
 * A step's results before they are read back, all in `values`: the metric scalars (named
 * by `names`, the loss first), the gradients' global norm, then the sum of each tensor
 * of `state`.
 */
interface PendingStep {
  names: string[];
  values: tf.Tensor1D;
  numbers: Record<string, number>;
  state: Watched[];
}

/** Options of {@link trainStep} and {@link trainStepAsync}. */
export interface StepOptions {
  /**
   * Spreads the per-example part of the step (the encoder, per-location heads) over
   * threads: the engine's Node-only `ExampleParallel`. Needs an objective with a
   * `split()` (DIM without batch norm). The gradient is the one-thread gradient up to
   * float summation order. Default: none (one thread).
   */
  parallel?: ExampleSplitter;
}

/**
 * Minimises the loss, then runs the auxiliary step, and gathers everything the step
 * reports or checks into one tensor so that one read-back serves it all. Whatever
 * happens, it leaves behind that tensor only (or nothing, when it throws).
 */
function runStep(objective: Objective, optimizer: tf.Optimizer, batch: Batch, step: number, options: StepOptions): PendingStep {
  const made: tf.Tensor[] = [];
  try {
    return releaseTapeOnThrow(() => {
      const metrics: Record<string, tf.Scalar> = {};
      const { value: loss, grads } = stepGradients({
        objective,
        optimizer,
        batch,
        step,
        parallel: options.parallel,
        // The metrics would be freed with the rest of the forward pass; keep them to read after.
        onMetrics: (m) => Object.entries(m).forEach(([k, v]) => made.push((metrics[k] = tf.keep(v)))),
      });
      made.push(loss, ...Object.values(grads));
      const norm = tf.tidy(() => globalNorm(Object.values(grads)));
      made.push(norm);
      // As optimizer.minimize passes them: the optimizer's slots follow this order.
      optimizer.applyGradients(objective.variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      const names = ['loss', ...Object.keys(metrics)];
      const scalars: tf.Scalar[] = [loss, ...Object.values(metrics)];
      const numbers: Record<string, number> = {};
      for (const [k, v] of Object.entries(objective.auxiliaryStep?.(batch, { step }) ?? {})) {
        if (typeof v === 'number') {
          numbers[k] = v;
        } else {
          made.push(v);
          names.push(k);
          scalars.push(v);
        }
      }
      const state = stepState(objective, optimizer);
      const values = tf.tidy(() => tf.concat([tf.stack([...scalars, norm]), stateSums(state)]) as tf.Tensor1D);
      return { names, values, numbers, state };
    });
  } finally {
    tf.dispose(made);
  }
}

/** The first of the loss, the metrics and the gradient norm that is not finite, in words; null when all are. */
function firstNonFinite(pending: PendingStep, values: ArrayLike<number>): string | null {
  const { names, numbers } = pending;
  for (let i = 0; i < names.length; i++) {
    if (!Number.isFinite(values[i])) return `${i === 0 ? 'loss' : `metric '${names[i]}'`} is ${values[i]}`;
  }
  for (const [k, v] of Object.entries(numbers)) if (!Number.isFinite(v)) return `metric '${k}' is ${v}`;
  const norm = values[names.length];
  return Number.isFinite(norm) ? null : `gradient norm is ${norm}`;
}

/** The state tensors whose sum came back non-finite, in order: each holds NaN or ±Infinity, or overflowed its sum. */
function suspects(pending: PendingStep, values: ArrayLike<number>): Watched[] {
  const offset = pending.names.length + 1;
  return pending.state.filter((_, i) => !Number.isFinite(values[offset + i]));
}

function named(pending: PendingStep, values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  pending.names.forEach((k, i) => (out[k] = values[i]));
  return { ...out, ...pending.numbers };
}

/**
 * Minimises `objective.loss(batch, { training: true, step })` over `objective.variables`
 * with `optimizer`, then runs `objective.auxiliaryStep` (e.g. DIM's prior discriminator)
 * if it has one, and reads every metric back as a number in one synchronous read. That
 * same read checks the step: the loss, every metric, the gradients' global norm, every
 * optimizer slot (auxiliary optimizers' too) and every weight after the update must be
 * finite. Leaves no tensors behind, also when it throws. On a backend that reads only
 * asynchronously (webgpu) use {@link trainStepAsync}.
 *
 * @param objective any objective from `buildObjective`
 * @param optimizer the main optimizer (DIM's reference: Adam 1e-4, e.g. the engine's `adam(1e-4)`)
 * @param batch images `[batch, height, width, channels]` in [0, 1] (the caller keeps ownership)
 * @param step the step number (randomised views and schedules may use it)
 * @param options see {@link StepOptions} (threads)
 * @returns `{ loss, ...metrics, ...auxiliary metrics }` as plain numbers (MI estimates in nats)
 * @throws ShapeError for images of the wrong shape; ConfigError for `options.parallel` with an
 *   objective that cannot split; NonFiniteError naming what went
 *   non-finite (`loss is NaN`, `gradient norm is Infinity`, `optimizer slot 'conv1/kernel/v'
 *   holds Infinity`, ...). The update has then been applied: the objective and the optimizer
 *   are diverged, to be rebuilt or restored from a checkpoint.
 * @example
 * const optimizer = adam(1e-4); // from @infomax/engine: tf.train.adam with a fused update
 * for (let step = 0; step < 100; step++) console.log(trainStep(objective, optimizer, { images }, step));
 */
export function trainStep(
  objective: Objective,
  optimizer: tf.Optimizer,
  batch: Batch,
  step: number,
  options: StepOptions = {},
): Record<string, number> {
  const pending = runStep(objective, optimizer, batch, step, options);
  try {
    const values = pending.values.dataSync();
    const bad = firstNonFinite(pending, values);
    if (bad) throw new NonFiniteError(`trainStep: ${bad}`);
    for (const w of suspects(pending, values)) {
      const kind = nonFiniteKind(tf.tidy(() => nonFiniteFacts(w.tensor).dataSync()));
      if (kind) throw new NonFiniteError(`trainStep: ${w.label} holds ${kind}`);
    }
    return named(pending, values);
  } finally {
    pending.values.dispose();
  }
}

/**
 * {@link trainStep} with its one read-back by `await data()`: the step for every
 * backend, webgpu included (whose `dataSync` does not work under Node.js), and the one
 * the trainer runs. The same checks, the same NonFiniteError.
 *
 * @returns the same numbers as {@link trainStep}
 * @throws as {@link trainStep}
 * @example
 * for (let step = 0; step < 100; step++) console.log(await trainStepAsync(objective, optimizer, { images }, step));
 */
export async function trainStepAsync(
  objective: Objective,
  optimizer: tf.Optimizer,
  batch: Batch,
  step: number,
  options: StepOptions = {},
): Promise<Record<string, number>> {
  const pending = runStep(objective, optimizer, batch, step, options);
  try {
    const values = await pending.values.data();
    const bad = firstNonFinite(pending, values);
    if (bad) throw new NonFiniteError(`trainStepAsync: ${bad}`);
    for (const w of suspects(pending, values)) {
      const facts = nonFiniteFacts(w.tensor);
      const kind = nonFiniteKind(await facts.data().finally(() => facts.dispose()));
      if (kind) throw new NonFiniteError(`trainStepAsync: ${w.label} holds ${kind}`);
    }
    return named(pending, values);
  } finally {
    pending.values.dispose();
  }
}
