/**
 * Halves of an image as two views: Tschannen et al.'s MNIST setup, where the top and
 * bottom halves of a digit are the two views whose mutual information is maximised.
 */
import * as tf from '@tensorflow/tfjs';
import { nullish, object, oneOf } from '@infomax/engine';
import { expectImageBatch, parseOptions, ShapeError } from './errors';
import { sliceAxis } from './internal/slice-axis';

/** Along which axis {@link halves} cuts. */
export const HALVES_AXES = ['rows', 'cols'] as const;
export type HalvesAxis = (typeof HALVES_AXES)[number];

/** Options of {@link halves}. */
export interface HalvesOptions {
  /**
   * `'rows'` cuts across the rows: [top, bottom] (the paper's MNIST views).
   * `'cols'` cuts across the columns: [left, right]. Default `'rows'`.
   */
  axis?: HalvesAxis;
}

/** The keys of {@link HalvesOptions}, their values and defaults. */
const SCHEMA = object({ axis: nullish(oneOf(HALVES_AXES), 'rows') });

/**
 * Split every image into two halves of equal shape.
 *
 * With an odd side the middle row (or column) belongs to neither half, so that
 * both halves have the same shape and can share one encoder. Differentiable.
 *
 * Tschannen, Djolonga, Rubenstein, Gelly, Lucic (2020), "On Mutual Information
 * Maximization for Representation Learning", ICLR, https://arxiv.org/abs/1907.13625
 *
 * @param images `[batch, height, width, channels]`
 * @param options which axis to cut, see {@link HalvesOptions}
 * @returns `[top, bottom]`, each `[batch, ⌊height/2⌋, width, channels]`; or with
 *   `axis: 'cols'` `[left, right]`, each `[batch, height, ⌊width/2⌋, channels]`
 * @throws ShapeError when `images` is not rank 4 float32 or the cut side is shorter than 2;
 *   ConfigError for an unknown `axis` or option.
 * @example
 * const [top, bottom] = halves(mnistBatch); // [64,28,28,1] → two [64,14,28,1]
 */
export function halves(images: tf.Tensor4D, options: HalvesOptions = {}): [tf.Tensor4D, tf.Tensor4D] {
  expectImageBatch('halves', 'images', images);
  const { axis } = parseOptions('halves', SCHEMA, options);
  const dim = axis === 'rows' ? 1 : 2;
  const side = images.shape[dim];
  if (side < 2) {
    throw new ShapeError(`halves: argument 'images' [${images.shape}] must have at least 2 ${axis} to cut in halves; got ${side}`);
  }
  return tf.tidy(() => halvesOf(images, dim, Math.floor(side / 2))) as [tf.Tensor4D, tf.Tensor4D];
}

function halvesOf(images: tf.Tensor4D, dim: 1 | 2, half: number): tf.Tensor4D[] {
  const second = images.shape[dim] - half;
  return [sliceAxis(images, dim, 0, half), sliceAxis(images, dim, second, half)] as tf.Tensor4D[];
}
