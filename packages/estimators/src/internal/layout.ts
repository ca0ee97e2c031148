/**
 * The score layout turned into the three tensors every bound is written on, and
 * the validation of the negative options that shape it.
 */
import * as tf from '@tensorflow/tfjs';
import { canReadSync } from '@infomax/engine';
import { ShapeError } from '../errors';
import type { NegativeOptions } from '../bounds/types';
import { checkFloat, checkScores, describe } from './validate';

/** Scores arranged for the bounds: B rows, N = B + Q candidate columns, L positions. */
export interface ScoreLayout {
  /** Positive scores T(x_i, y_i): [B, L]. */
  pos: tf.Tensor2D;
  /** Every candidate score (the B columns of the batch, then Q extra columns): [B, N, L]. */
  all: tf.Tensor3D;
  /** 1 where the pair is a negative, else 0: [B, N, 1]. */
  neg: tf.Tensor3D;
  /** 1 on the positives (column i of row i), else 0: [B, N, 1]. */
  posMask: tf.Tensor3D;
}

/** Masks already checked, with their fewest negatives in a row. */
const checkedMasks = new WeakMap<tf.Tensor, number>();

/** One read-back for the three facts (each dataSync stalls a GPU backend). */
function maskFacts(mask: tf.Tensor, b: number): Float32Array {
  return tf.tidy(() => {
    const m = mask.toFloat();
    const isBinary = tf.all(tf.logicalOr(tf.equal(m, 0), tf.equal(m, 1))).toFloat();
    return tf.stack([isBinary, tf.sum(tf.mul(m, tf.eye(b))), tf.min(tf.sum(m, 1))]).dataSync() as Float32Array;
  });
}

/** Throws unless the mask is 0/1 with a zero diagonal; returns its fewest negatives in a row. */
function checkMaskValues(fn: string, mask: tf.Tensor, b: number): number {
  const [binary, diagonal, minRow] = maskFacts(mask, b);
  if (!binary) throw new ShapeError(`${fn}: option 'negativeMask' must hold only 0 and 1`);
  if (diagonal !== 0) {
    throw new ShapeError(`${fn}: option 'negativeMask' must be 0 on the diagonal (those pairs are the positives)`);
  }
  return minRow;
}

/** Validates `scores` and the negative options (throws a typed error naming `fn`). */
export function checkBoundArgs(fn: string, scores: unknown, options: NegativeOptions = {}): asserts scores is tf.Tensor {
  checkScores(fn, scores);
  const b = scores.shape[0];
  const { negativeMask, extra } = options;
  let q = 0;
  if (extra !== undefined) {
    if (!(extra instanceof tf.Tensor)) {
      throw new ShapeError(`${fn}: option 'extra' must be a tf.Tensor, got ${describe(extra)}`);
    }
    const wantRank = scores.rank;
    const okShape =
      extra.rank === wantRank && extra.shape[0] === b && (wantRank === 2 || extra.shape[2] === scores.shape[2]);
    if (!okShape) {
      const want = wantRank === 2 ? `[${b}, Q]` : `[${b}, Q, ${scores.shape[2]}]`;
      throw new ShapeError(`${fn}: option 'extra' must have shape ${want} to match scores [${scores.shape}], got [${extra.shape}]`);
    }
    checkFloat(fn, extra, 'extra');
    q = extra.shape[1] as number;
  }
  if (negativeMask !== undefined) {
    if (!(negativeMask instanceof tf.Tensor) || negativeMask.rank !== 2 || negativeMask.shape[0] !== b || negativeMask.shape[1] !== b) {
      throw new ShapeError(`${fn}: option 'negativeMask' must have shape [${b}, ${b}] to match scores [${scores.shape}], got ${describe(negativeMask)}`);
    }
    // Its values need a synchronous read; where the backend has none (webgpu) only the shape is checked.
    if (!canReadSync()) return;
    // Tensors are immutable: a mask checked once (an objective reuses one every step) needs no second pass.
    let minRow = checkedMasks.get(negativeMask);
    if (minRow === undefined) {
      minRow = checkMaskValues(fn, negativeMask, b);
      checkedMasks.set(negativeMask, minRow);
    }
    if (minRow + q < 1) {
      throw new ShapeError(`${fn}: option 'negativeMask' leaves a row without negatives (and 'extra' adds none)`);
    }
  }
}

/** Builds the {@link ScoreLayout} (plain tensor math; call inside `tf.tidy`). */
export function toLayout(scores: tf.Tensor, options: NegativeOptions = {}): ScoreLayout {
  const b = scores.shape[0];
  const s3 = (scores.rank === 2 ? scores.expandDims(2) : scores) as tf.Tensor3D;
  const eye = tf.eye(b);
  const pos = tf.sum(tf.mul(s3, eye.expandDims(2)), 1) as tf.Tensor2D;
  let negCols: tf.Tensor2D = options.negativeMask ? options.negativeMask.toFloat() : tf.sub(1, eye);
  let posCols: tf.Tensor2D = eye;
  let all = s3;
  const extra = options.extra;
  if (extra !== undefined && (extra.shape[1] as number) > 0) {
    const q = extra.shape[1] as number;
    const e3 = (extra.rank === 2 ? extra.expandDims(2) : extra) as tf.Tensor3D;
    all = tf.concat([s3, e3], 1);
    negCols = tf.concat([negCols, tf.ones([b, q])], 1);
    posCols = tf.concat([posCols, tf.zeros([b, q])], 1);
  }
  return { pos, all, neg: negCols.expandDims(2), posMask: posCols.expandDims(2) };
}
