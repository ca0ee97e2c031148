/**
 * Patch grids: cut an image batch into (possibly overlapping) square patches, and
 * tile a non-overlapping grid back into images. tfjs has no unfold / extract-patches
 * op; this one is differentiable on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { int, object } from '@infomax/engine';
import { expectImageBatch, parseOptions, ShapeError } from './errors';
import { windowsAlongFirstAxis, windowCount } from './internal/windows';

/** Options of {@link patchGrid}. */
export interface PatchGridOptions {
  /** Side of a square patch in pixels; an integer in [1, min(height, width)]. Required. */
  size: number;
  /**
   * Pixels between the top-left corners of neighbouring patches; an integer ≥ 1.
   * Default `size` (no overlap). Smaller overlaps (CPC uses size/2), larger leaves gaps.
   * Pixels past the last whole patch (right and bottom edges) are left out.
   */
  stride?: number;
}

/**
 * The keys of {@link PatchGridOptions} and their ranges.
 * @internal shared by patchGrid and patchSequence, whose options add to these.
 */
export const PATCH_GRID_SCHEMA = object({ size: int(1), stride: int(1).optional() });

/** The grid a {@link patchGrid} call makes: options resolved, and its rows × cols. */
export interface PatchGridLayout {
  size: number;
  stride: number;
  rows: number;
  cols: number;
}

/**
 * The layout of a patch grid over `images`, from options {@link PATCH_GRID_SCHEMA} resolved.
 * @internal shared by patchGrid and patchSequence, which report under their own name.
 */
export function resolvePatchGrid(fn: string, images: tf.Tensor4D, options: PatchGridOptions): PatchGridLayout {
  const [, height, width] = images.shape;
  const { size, stride = size } = options;
  if (size > height || size > width) {
    throw new ShapeError(
      `${fn}: option 'size' (${size}) must not exceed the height (${height}) or width (${width}) ` +
        `of argument 'images' [${images.shape}]`,
    );
  }
  return { size, stride, rows: windowCount(height, size, stride), cols: windowCount(width, size, stride) };
}

/**
 * Cut every image into a grid of square patches.
 *
 * Patch (r, c) is `images[b, r·stride : r·stride + size, c·stride : c·stride + size, :]`.
 * Differentiable: the gradient of a sum over the patches is, at each pixel, the
 * number of patches that cover it.
 *
 * @param images `[batch, height, width, channels]`
 * @param options patch `size` and `stride`, see {@link PatchGridOptions}
 * @returns `[batch, rows, cols, size, size, channels]` with
 *   rows = ⌊(height − size) / stride⌋ + 1 and cols likewise
 * @throws ShapeError when `images` is not rank 4 float32 or the patch exceeds the image;
 *   ConfigError when `size` or `stride` is not a positive integer, or for an unknown option.
 * @example
 * const patches = patchGrid(images, { size: 8, stride: 4 }); // [B,32,32,3] → [B,7,7,8,8,3]
 */
export function patchGrid(images: tf.Tensor4D, options: PatchGridOptions): tf.Tensor<tf.Rank.R6> {
  expectImageBatch('patchGrid', 'images', images);
  const { size, stride } = resolvePatchGrid('patchGrid', images, parseOptions('patchGrid', PATCH_GRID_SCHEMA, options));
  return tf.tidy(() => gridOf(images, size, stride));
}

/**
 * [B,H,W,C] → [B,rows,cols,p,p,C]: windows down the rows, then across the columns,
 * each with its axis moved to the front. On wasm, slices are fast only over long
 * contiguous runs, and transposes only up to rank 4 (a rank-5 or -6 permutation ran
 * ~50× slower), so every transpose here acts on axes merged down to rank ≤ 4.
 */
export function gridOf(images: tf.Tensor4D, size: number, stride: number): tf.Tensor<tf.Rank.R6> {
  const [batch, height, width, channels] = images.shape;
  const rowsFirst = tf.transpose(tf.reshape(images, [batch, height, width * channels]), [1, 0, 2]); // [H, B, W·C]
  const byRows = windowsAlongFirstAxis(rowsFirst, size, stride); // [rows, p, B, W·C]
  const rows = byRows.shape[0];
  const colsFirst = tf.transpose(tf.reshape(byRows, [rows * size * batch, width, channels]), [1, 0, 2]); // [W, rows·p·B, C]
  const byCols = windowsAlongFirstAxis(colsFirst, size, stride); // [cols, p, rows·p·B, C]
  const cols = byCols.shape[0];
  // [cols·pw, rows·ph, B, C] → [B, rows·ph, cols·pw, C] = [B, rows, ph, cols, pw, C]
  const batchFirst = tf.transpose(tf.reshape(byCols, [cols * size, rows * size, batch, channels]), [2, 1, 0, 3]);
  // [B·rows, ph, cols, pw·C] → [B·rows, cols, ph, pw·C] = [B, rows, cols, ph, pw, C]
  const grid = tf.transpose(tf.reshape(batchFirst, [batch * rows, size, cols, size * channels]), [0, 2, 1, 3]);
  return tf.reshape(grid, [batch, rows, cols, size, size, channels]) as tf.Tensor<tf.Rank.R6>;
}

/**
 * Tile a non-overlapping patch grid back into images: the inverse of
 * {@link patchGrid} with `stride = size` (for images whose sides are multiples of
 * the patch size; otherwise it returns the covered top-left part). An overlapping
 * grid tiles into a larger image that repeats pixels, not the original.
 *
 * @param patches `[batch, rows, cols, patchHeight, patchWidth, channels]`
 * @returns `[batch, rows·patchHeight, cols·patchWidth, channels]`
 * @throws ShapeError when `patches` is not rank 6.
 * @example
 * const same = patchGridInverse(patchGrid(images, { size: 7 })); // [B,28,28,1] again
 */
export function patchGridInverse(patches: tf.Tensor<tf.Rank.R6>): tf.Tensor4D {
  if (patches == null || patches.rank !== 6) {
    throw new ShapeError(
      `patchGridInverse: argument 'patches' must have rank 6 [batch, rows, cols, patchHeight, patchWidth, channels]; ` +
        `got ${patches == null ? String(patches) : `rank ${patches.rank} [${patches.shape}]`}`,
    );
  }
  const [batch, rows, cols, ph, pw, channels] = patches.shape;
  return tf.tidy(() => {
    // [B·rows, cols, ph, pw·C] → [B·rows, ph, cols, pw·C]: rank 4, see gridOf.
    const merged = tf.reshape(patches, [batch * rows, cols, ph, pw * channels]);
    return tf.reshape(tf.transpose(merged, [0, 2, 1, 3]), [batch, rows * ph, cols * pw, channels]);
  });
}
