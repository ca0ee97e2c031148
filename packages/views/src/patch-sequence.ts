/**
 * Patches as a sequence for Contrastive Predictive Coding: raster order, and for each
 * offset k the patches k rows below, which the context at each position must pick out.
 */
import * as tf from '@tensorflow/tfjs';
import { int, object } from '@infomax/engine';
import { expectImageBatch, optionError, parseOptions, ShapeError } from './errors';
import { sliceAxis } from './internal/slice-axis';
import { gridOf, PATCH_GRID_SCHEMA, resolvePatchGrid, type PatchGridOptions } from './patch-grid';

/** Options of {@link patchSequence}. */
export interface PatchSequenceOptions extends PatchGridOptions {
  /** K: predict 1..K rows below; an integer in [1, rows − 1]. Required. CPC uses K = 5 on a 7×7 grid. */
  offsets: number;
}

/** The keys of {@link PatchSequenceOptions} and their ranges (`offsets` below the grid's rows is checked with the images). */
const SEQUENCE_SCHEMA = object({ ...PATCH_GRID_SCHEMA.shape, offsets: int(1) });

/** What {@link patchSequence} returns. */
export interface PatchSequence {
  /** `[batch, rows·cols, size, size, channels]`: patch (r, c) at position t = r·cols + c. */
  patches: tf.Tensor5D;
  /** Rows of the patch grid. */
  rows: number;
  /** Columns of the patch grid. */
  cols: number;
  /**
   * `targets[k − 1]`, k = 1..K: `[batch, (rows − k)·cols, size, size, channels]`.
   * Element j is `patches[:, j + k·cols]`, the patch k rows below position j:
   * for j = r·cols + c it is patch (r + k, c). The positions that predict, j in
   * [0, (rows − k)·cols), are the first (rows − k)·cols of the sequence.
   */
  targets: tf.Tensor5D[];
}

/**
 * Cut images into a patch grid and lay it out as a sequence in raster order, with
 * the rows-below targets CPC predicts for offsets k = 1..K. Differentiable.
 *
 * The index mapping is a plain shift: the context at position j = r·cols + c
 * (summarising rows ≤ r) predicts position j + k·cols. {@link sequenceTargets}
 * applies the same shift to any per-position tensor, e.g. the patch codes.
 *
 * van den Oord, Li, Vinyals (2018), "Representation Learning with Contrastive
 * Predictive Coding", https://arxiv.org/abs/1807.03748 (ImageNet: a 7×7 grid of
 * 64×64 patches overlapping by 32 pixels, from a 256×256 image).
 *
 * @param images `[batch, height, width, channels]`
 * @param options patch `size`, `stride` and `offsets` K, see {@link PatchSequenceOptions}
 * @returns see {@link PatchSequence}; the caller disposes `patches` and every `targets[i]`
 * @throws ShapeError when `images` is not rank 4 float32 or the patch exceeds the image;
 *   ConfigError when `size`/`stride` are not positive integers, `offsets` is not in [1, rows − 1], or for an unknown option.
 * @example
 * const seq = patchSequence(images, { size: 8, stride: 4, offsets: 3 }); // [B,32,32,3]: 7×7 grid
 * seq.patches.shape;    // [B, 49, 8, 8, 3]
 * seq.targets[2].shape; // [B, 28, 8, 8, 3]: position j → patch j + 21
 */
export function patchSequence(images: tf.Tensor4D, options: PatchSequenceOptions): PatchSequence {
  expectImageBatch('patchSequence', 'images', images);
  const o = parseOptions('patchSequence', SEQUENCE_SCHEMA, options);
  const { size, stride, rows, cols } = resolvePatchGrid('patchSequence', images, o);
  if (rows < 2) {
    throw new ShapeError(
      `patchSequence: the grid of argument 'images' [${images.shape}] with size ${size} and stride ${stride} ` +
        `has ${rows} row; predicting rows below needs at least 2`,
    );
  }
  const offsets = o.offsets;
  if (offsets > rows - 1)
    throw optionError('patchSequence', 'offsets', `an integer in 1..${rows - 1} (below the ${rows} rows of patches)`, offsets);
  const [batch, , , channels] = images.shape;
  return tf.tidy(() => {
    const patches = tf.reshape(gridOf(images, size, stride), [batch, rows * cols, size, size, channels]) as tf.Tensor5D;
    const targets = Array.from({ length: offsets }, (_, i) => shifted(patches, cols, i + 1, 'below') as tf.Tensor5D);
    return { patches, rows, cols, targets };
  });
}

/** Options of {@link sequenceTargets}. */
export interface SequenceTargetsOptions {
  /** Columns of the grid the sequence was laid out from (positions per row). Required. */
  cols: number;
  /** k: how many rows below the target lies; an integer ≥ 1 with k·cols < sequence length. Required. */
  offset: number;
}

/** The keys of {@link SequenceTargetsOptions} and their ranges (k·cols below the length is checked with the sequence). */
const TARGETS_SCHEMA = object({ cols: int(1), offset: int(1) });

/**
 * Pair every position of a raster-order sequence with the position `offset` rows
 * below it: the positive pairs of CPC at that offset.
 *
 * @param sequence `[batch, rows·cols, ...]`, e.g. codes `[batch, rows·cols, dim]`
 * @param options grid width `cols` and `offset` k, see {@link SequenceTargetsOptions}
 * @returns `context` = `sequence[:, 0 : n]` and `target` = `sequence[:, k·cols : k·cols + n]`,
 *   both `[batch, n, ...]` with n = length − k·cols; `target[:, j]` lies k rows below `context[:, j]`
 * @throws ShapeError when `sequence` has rank < 2 or its length is not a multiple of `cols`;
 *   ConfigError when `cols` or `offset` is not a positive integer or k·cols ≥ length, or for an unknown option.
 * @example
 * const { context, target } = sequenceTargets(codes, { cols: 7, offset: 2 }); // [B,49,D] → two [B,35,D]
 */
export function sequenceTargets(sequence: tf.Tensor, options: SequenceTargetsOptions): { context: tf.Tensor; target: tf.Tensor } {
  if (sequence == null || typeof sequence.rank !== 'number' || sequence.rank < 2) {
    throw new ShapeError(
      `sequenceTargets: argument 'sequence' must have rank >= 2 [batch, positions, ...]; ` +
        `got ${sequence == null ? String(sequence) : `rank ${sequence.rank} [${sequence.shape}]`}`,
    );
  }
  const { cols, offset } = parseOptions('sequenceTargets', TARGETS_SCHEMA, options);
  const length = (sequence.shape as number[])[1];
  if (length % cols !== 0) {
    throw new ShapeError(
      `sequenceTargets: the length ${length} of argument 'sequence' [${sequence.shape}] must be a multiple of option 'cols' (${cols})`,
    );
  }
  if (offset * cols >= length) {
    throw optionError(
      'sequenceTargets',
      'offset',
      `an integer with offset·cols below the sequence length ${length} (cols ${cols})`,
      offset,
    );
  }
  return tf.tidy(() => ({
    context: shifted(sequence, cols, offset, 'top'),
    target: shifted(sequence, cols, offset, 'below'),
  }));
}

/**
 * The first `length − offset·cols` positions (`from: 'top'`, the predicting contexts)
 * or the last as many (`from: 'below'`, their targets `offset` rows down).
 */
function shifted(sequence: tf.Tensor, cols: number, offset: number, from: 'top' | 'below'): tf.Tensor {
  const length = (sequence.shape as number[])[1];
  return sliceAxis(sequence, 1, from === 'top' ? 0 : offset * cols, length - offset * cols);
}
