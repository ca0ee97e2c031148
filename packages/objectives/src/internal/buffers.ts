/**
 * The pieces of an objective's buffers (see `Objective.buffers`): a generator's state as
 * a tensor of four int32 words, and the check that a restored set of buffers is the set
 * the objective saves.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng, RngState } from '@infomax/engine';
import { ShapeError } from '../errors';

/** A generator's state as an int32 tensor `[4]` (the words' bits; the caller owns it). */
export function rngBuffer(rng: Rng): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(rng.state()), 'int32');
}

/** Moves `rng` to the state {@link rngBuffer} saved. */
export function setRng(rng: Rng, buffer: tf.Tensor): void {
  rng.setState(Array.from(buffer.dataSync()) as unknown as RngState);
}

/**
 * Checks that `given` holds exactly the buffers named in `expected`, each of the shape
 * given there (`null`: any number of rows, the rest fixed).
 * @throws ShapeError naming `fn` and the buffer at fault
 */
export function checkBuffers(fn: string, given: Record<string, tf.Tensor>, expected: Record<string, (number | null)[]>): void {
  for (const name of Object.keys(given)) {
    if (!(name in expected))
      throw new ShapeError(
        `${fn}: unknown buffer '${name}'; expected ${Object.keys(expected)
          .map((n) => `'${n}'`)
          .join(', ')}`,
      );
  }
  for (const [name, shape] of Object.entries(expected)) {
    const t = given[name];
    if (t === undefined) throw new ShapeError(`${fn}: buffer '${name}' is missing`);
    if (t.rank !== shape.length || shape.some((d, i) => d !== null && d !== t.shape[i])) {
      throw new ShapeError(
        `${fn}: buffer '${name}' must have shape [${shape.map((d) => d ?? 'n').join(', ')}], got [${t.shape.join(', ')}]`,
      );
    }
  }
}
