/**
 * The score layout turned into the three tensors every bound is written on, and
 * the validation of the negative options that shape it.
 */
import * as tf from '@tensorflow/tfjs';
import { canReadSync } from '@infomax/engine';
import { ConfigError, ShapeError } from '../errors';
import type { NegativeOptions, PoolOptions } from '../bounds/types';
import { checkFloat, checkScores, describe } from './validate';

/** Scores arranged for the bounds: B rows, N + Q candidate columns (N = B for square scores), L positions. */
export interface ScoreLayout {
  /** Positive scores T(x_i, y_i) (or of row i's `positiveMask` column): [B, L]. */
  pos: tf.Tensor2D;
  /** Every candidate score (the N columns of the batch, then Q extra columns): [B, N + Q, L]. */
  all: tf.Tensor3D;
  /** 1 where the pair is a negative, else 0: [B, N + Q, 1]. */
  neg: tf.Tensor3D;
  /** 1 on the positives (column i of row i, or the `positiveMask` column), else 0: [B, N + Q, 1]. */
  posMask: tf.Tensor3D;
}

/** Negative masks already checked against the diagonal, with their fewest negatives in a row. */
const checkedMasks = new WeakMap<tf.Tensor, number>();

/**
 * One read-back for the facts of a 0/1 mask (each dataSync stalls a GPU backend): binary,
 * its sum over `positives` (the diagonal when undefined; 0 when null), fewest and most 1s in a row.
 */
function maskFacts(mask: tf.Tensor, positives: tf.Tensor | undefined | null): Float32Array {
  return tf.tidy(() => {
    const m = mask.toFloat();
    const isBinary = tf.all(tf.logicalOr(tf.equal(m, 0), tf.equal(m, 1))).toFloat();
    const onPositives = positives === null ? tf.scalar(0) : tf.sum(tf.mul(m, positives ? positives.toFloat() : tf.eye(m.shape[0])));
    const rows = tf.sum(m, 1);
    return tf.stack([isBinary, onPositives, tf.min(rows), tf.max(rows)]).dataSync() as Float32Array;
  });
}

/** Throws unless the negative mask is 0/1 and 0 on the positives; returns its fewest negatives in a row. */
function checkMaskValues(fn: string, mask: tf.Tensor, positives: tf.Tensor | undefined): number {
  const [binary, onPositives, minRow] = maskFacts(mask, positives);
  if (!binary) throw new ShapeError(`${fn}: option 'negativeMask' must hold only 0 and 1`);
  if (onPositives !== 0) {
    const where = positives ? "where 'positiveMask' is 1" : 'on the diagonal';
    throw new ShapeError(`${fn}: option 'negativeMask' must be 0 ${where} (those pairs are the positives)`);
  }
  return minRow;
}

/** Throws unless `mask` is a 0/1 `[B, N]` tensor with exactly one 1 per row. */
function checkPositiveMask(fn: string, mask: unknown, b: number, n: number): void {
  if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== n) {
    throw new ShapeError(`${fn}: option 'positiveMask' must have shape [${b}, ${n}] to match the scores, got ${describe(mask)}`);
  }
  if (!canReadSync()) return;
  const [binary, , minRow, maxRow] = maskFacts(mask, null);
  if (!binary || minRow !== 1 || maxRow !== 1) {
    throw new ShapeError(`${fn}: option 'positiveMask' must hold 0 and 1 with exactly one 1 per row (each row's positive)`);
  }
}

/** Validates `scores` and the negative options (throws a typed error naming `fn`). */
export function checkBoundArgs(fn: string, scores: unknown, options: NegativeOptions = {}): asserts scores is tf.Tensor {
  const { positiveMask, negativeMask, extra } = options;
  checkScores(fn, scores, 'scores', positiveMask !== undefined);
  const [b, n] = scores.shape;
  if (positiveMask !== undefined) checkPositiveMask(fn, positiveMask, b, n);
  let q = 0;
  if (extra !== undefined) {
    if (!(extra instanceof tf.Tensor)) {
      throw new ShapeError(`${fn}: option 'extra' must be a tf.Tensor, got ${describe(extra)}`);
    }
    const wantRank = scores.rank;
    const okShape = extra.rank === wantRank && extra.shape[0] === b && (wantRank === 2 || extra.shape[2] === scores.shape[2]);
    if (!okShape) {
      const want = wantRank === 2 ? `[${b}, Q]` : `[${b}, Q, ${scores.shape[2]}]`;
      throw new ShapeError(`${fn}: option 'extra' must have shape ${want} to match scores [${scores.shape}], got [${extra.shape}]`);
    }
    checkFloat(fn, extra, 'extra');
    q = extra.shape[1] as number;
  }
  if (negativeMask !== undefined) {
    if (!(negativeMask instanceof tf.Tensor) || negativeMask.rank !== 2 || negativeMask.shape[0] !== b || negativeMask.shape[1] !== n) {
      throw new ShapeError(
        `${fn}: option 'negativeMask' must have shape [${b}, ${n}] to match scores [${scores.shape}], got ${describe(negativeMask)}`,
      );
    }
    // Its values need a synchronous read; where the backend has none (webgpu) only the shape is checked.
    if (!canReadSync()) return;
    // Tensors are immutable: a mask checked once against the diagonal (an objective reuses one every
    // step) needs no second pass; against a positive mask, the pair is checked.
    let minRow = positiveMask === undefined ? checkedMasks.get(negativeMask) : undefined;
    if (minRow === undefined) {
      minRow = checkMaskValues(fn, negativeMask, positiveMask);
      if (positiveMask === undefined) checkedMasks.set(negativeMask, minRow);
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
  let posCols: tf.Tensor2D = options.positiveMask ? options.positiveMask.toFloat() : tf.eye(b);
  const pos = tf.sum(tf.mul(s3, posCols.expandDims(2)), 1) as tf.Tensor2D;
  let negCols: tf.Tensor2D = options.negativeMask ? options.negativeMask.toFloat() : tf.sub(1, posCols);
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

/**
 * Checks `poolLocations` (see {@link PoolOptions}) and returns the axes the negatives'
 * reduction spans: `[0, 1]` per location, `[0, 1, 2]` pooled over the locations.
 * @throws ConfigError for a non-boolean; ShapeError for pooling on scores without locations
 */
export function poolAxes(fn: string, scores: tf.Tensor, options: PoolOptions): number[] {
  const pool = options.poolLocations;
  if (pool !== undefined && typeof pool !== 'boolean') {
    throw new ConfigError(`${fn}: option 'poolLocations' must be a boolean, got ${JSON.stringify(pool)}`);
  }
  if (pool && scores.rank !== 3) throw new ShapeError(`${fn}: option 'poolLocations' needs [B, N, L] scores, got [${scores.shape}]`);
  return pool ? [0, 1, 2] : [0, 1];
}
