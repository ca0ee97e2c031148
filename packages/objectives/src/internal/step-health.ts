/**
 * The finiteness checks of a training step, folded into the one read-back the step
 * makes for its metrics: the loss and every metric come back as they are, and beside
 * them the gradients' global norm and the sum of each tensor of the state after the
 * update (optimizer slots, weights). Which tensor failed, and how, is worked out only
 * after a failure. A diverging run (a learning rate too high) shows first in Adam's second
 * moments, which overflow to Infinity while the loss and the weights still look finite.
 */
import * as tf from '@tensorflow/tfjs';
import { sumAll } from '@infomax/engine';
import type { Objective } from '../objective';

/** A tensor of the step's state and the words that name it in an error. */
export interface Watched {
  label: string;
  tensor: tf.Tensor;
}

/** tfjs' `OptimizerVariable`: how every tfjs optimizer holds its slots. */
interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

function isSlot(x: unknown): x is SlotVariable {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as SlotVariable).originalName === 'string' &&
    (x as SlotVariable).variable instanceof tf.Variable
  );
}

/**
 * Every slot variable an optimizer holds (Adam's `<weight>/m` and `<weight>/v`, momentum's
 * `<weight>/momentum`, ...), whatever its class: tfjs optimizers keep them as arrays of
 * `{ originalName, variable }` fields.
 */
export function optimizerSlots(optimizer: tf.Optimizer, owner: string): Watched[] {
  const out: Watched[] = [];
  for (const field of Object.values(optimizer)) {
    if (!Array.isArray(field)) continue;
    for (const slot of field) if (isSlot(slot)) out.push({ label: `${owner} slot '${slot.originalName}'`, tensor: slot.variable });
  }
  return out;
}

/** The state a step leaves: the main optimizer's slots, each auxiliary optimizer's, then every weight. */
export function stepState(objective: Objective, optimizer: tf.Optimizer): Watched[] {
  const weight = (v: tf.Variable): Watched => ({ label: `weight '${v.name}' [${v.shape}]`, tensor: v });
  return [
    ...optimizerSlots(optimizer, 'optimizer'),
    ...Object.entries(objective.auxiliaryOptimizers).flatMap(([name, o]) => optimizerSlots(o, `${name} optimizer`)),
    ...objective.variables.map(weight),
    ...objective.auxiliaryVariables.map(weight),
  ];
}

/**
 * The sum of each tensor: `[watched.length]` float32 (plain tensor math; call inside
 * `tf.tidy`). A sum is finite when its tensor is, unless finite values overflow it
 * (entries past ~1e31), which {@link nonFiniteFacts} then tells apart. One pass over the
 * values, the cheapest reduction on every backend (a third of isFinite + all on wasm; the
 * engine's SIMD sum there).
 */
export function stateSums(watched: Watched[]): tf.Tensor1D {
  if (watched.length === 0) return tf.zeros([0]);
  return tf.stack(watched.map((w) => sumAll(w.tensor))) as tf.Tensor1D;
}

/** `[holds NaN, holds +Infinity, holds −Infinity]` as 0/1 of one tensor, read back after a failure only. */
export function nonFiniteFacts(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(
    () => tf.stack([tf.any(tf.isNaN(t)), tf.any(tf.equal(t, Infinity)), tf.any(tf.equal(t, -Infinity))]).cast('float32') as tf.Tensor1D,
  );
}

/** What {@link nonFiniteFacts} read, in words; null when the tensor is finite after all. */
export function nonFiniteKind(facts: ArrayLike<number>): string | null {
  return facts[0] ? 'NaN' : facts[1] ? 'Infinity' : facts[2] ? '-Infinity' : null;
}
