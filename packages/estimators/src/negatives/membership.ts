/**
 * Positives of part × whole scores: row i (a part: a node, a patch) scored against
 * every whole k (its graph or image and the others in the batch), positive where the
 * part belongs to the whole. InfoGraph's local–global pairs: Sun et al. 2020,
 * "InfoGraph", https://arxiv.org/abs/1908.01000.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { checkPositiveInt, describe } from '../internal/validate';

/**
 * The positive mask of `[parts, wholes]` scores: `mask[i, k] = 1` when part i belongs to
 * whole k (`segmentIds[i] = k`). Pass it as `positiveMask` to any bound; the other wholes
 * in the batch are the negatives (or pass a `negativeMask` too).
 *
 * @param segmentIds `[parts]` int32, the whole of each part, each in `[0, wholes)`.
 * @param wholes number of wholes, ≥ 2 (a row needs a negative).
 * @returns `[parts, wholes]` float32 0/1, one 1 per row (an id out of range gives a row of
 *   zeros, which the bounds reject).
 * @throws ShapeError when `segmentIds` is not a rank-1 int32 tensor or `wholes` < 2;
 *   ConfigError when `wholes` is not a positive integer.
 * @example
 * const scores = tf.matMul(nodeHead, graphHead, false, true); // [nodes, graphs]
 * const { loss } = jsd(scores, { positiveMask: membershipMask(batch.segmentIds, batch.numGraphs) });
 */
export function membershipMask(segmentIds: tf.Tensor1D, wholes: number): tf.Tensor2D {
  const fn = 'membershipMask';
  if (!(segmentIds instanceof tf.Tensor) || segmentIds.rank !== 1 || segmentIds.dtype !== 'int32') {
    throw new ShapeError(`${fn}: 'segmentIds' must be an int32 tensor [parts], got ${describe(segmentIds)}`);
  }
  checkPositiveInt(fn, 'wholes', wholes);
  if (wholes < 2) throw new ShapeError(`${fn}: 'wholes' must be at least 2 (the other wholes are the negatives), got ${wholes}`);
  return tf.tidy(() => tf.oneHot(segmentIds, wholes).toFloat() as tf.Tensor2D);
}
