/**
 * Random conversion to grayscale, independently per image.
 */
import * as tf from '@tensorflow/tfjs';
import { nullish, object } from '@infomax/engine';
import { expectChannels, expectImageBatch } from './errors';
import { mixChannels } from './internal/mix-channels';
import { choosePerImage, coins, LUMA, probability } from './internal/per-image';
import { randomOptions, type SeedOrRng } from './internal/seed';

/** Options of {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Generator to draw from (advances), or a seed (the same choices on every call). Required. */
  rng: SeedOrRng;
  /** Probability that an image turns gray, in [0, 1]. Default 0.2 (SimCLR's value). */
  p?: number;
}

/**
 * The options of {@link randomGrayscale} but `rng`: `p` in [0, 1], default 0.2 (null too).
 * @example
 * parseConfig(RANDOM_GRAYSCALE_SCHEMA, {}, fail); // { p: 0.2 }
 */
export const RANDOM_GRAYSCALE_SCHEMA = object({ p: nullish(probability(), 0.2).describe('Probability that an image turns gray.') });

/**
 * Replace each image, with probability `p`, by its luma (0.299R + 0.587G + 0.114B)
 * in all three channels. Differentiable with respect to the images.
 *
 * @param images `[batch, height, width, 3]`
 * @param options generator and probability, see {@link RandomGrayscaleOptions}
 * @returns `[batch, height, width, 3]`
 * @throws ShapeError when `images` is not rank 4 float32 with 3 channels;
 *   ConfigError for a bad `rng` or `p`, or an unknown option.
 * @example
 * const some = randomGrayscale(images, { rng, p: 0.2 });
 */
export function randomGrayscale(images: tf.Tensor4D, options: RandomGrayscaleOptions): tf.Tensor4D {
  expectImageBatch('randomGrayscale', 'images', images);
  expectChannels('randomGrayscale', 'images', images, 3);
  const { rng, resolved } = randomOptions('randomGrayscale', RANDOM_GRAYSCALE_SCHEMA, options);
  const { p } = resolved;
  return tf.tidy(() => {
    const gray = mixChannels(images, [LUMA, LUMA, LUMA]); // the luma in all three channels
    return choosePerImage(coins(rng, images.shape[0], p), gray, images);
  });
}
