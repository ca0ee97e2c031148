/**
 * Freeing what a gradient tape kept when the function being differentiated throws.
 *
 * To compute gradients, tfjs records every kernel of the forward pass on a tape and
 * keeps a clone of each tensor a gradient will need; the backward pass frees those
 * clones. When the forward pass throws (a shape error deep inside a loss, a bound's
 * argument check), tfjs-core 4.22's `Engine.gradients` leaves its tape behind with the
 * clones still alive, and the next gradient replaces the tape without freeing them:
 * every throwing training step leaks the tensors its forward pass saved.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs' engine state that hold the tape (not in its public typings). */
interface TapeState {
  gradientDepth: number;
  activeTape?: Array<{ saved?: tf.Tensor[] }> | null;
}

/**
 * Runs `f`; if it throws, frees the tensors that an abandoned gradient tape still
 * holds, then rethrows. Wrap a whole training step (`optimizer.minimize`, an
 * auxiliary step) in it so that a step that fails leaves no tensor behind.
 *
 * @param f any synchronous function (it may compute gradients, e.g. `optimizer.minimize`)
 * @returns what `f` returns
 * @throws whatever `f` throws, unchanged
 * @example
 * const loss = releaseTapeOnThrow(() => optimizer.minimize(() => lossOf(batch), true));
 */
export function releaseTapeOnThrow<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    releaseAbandonedTape();
    throw e;
  }
}

function releaseAbandonedTape(): void {
  const state = tf.engine().state as unknown as TapeState;
  // Inside an outer gradient (depth > 0) the tape is still that gradient's to free.
  if (state.gradientDepth > 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}
