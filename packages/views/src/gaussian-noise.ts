/**
 * Additive Gaussian pixel noise.
 */
import * as tf from '@tensorflow/tfjs';
import { bool, finite, nullish, object } from '@infomax/engine';
import { expectImageBatch } from './errors';
import { randomOptions, type SeedOrRng } from './internal/seed';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Generator to draw from (advances), or a seed (the same noise on every call). Required. */
  rng: SeedOrRng;
  /** Standard deviation of the noise, ≥ 0, in pixel units of [0, 1]. Required. */
  std: number;
  /** Clip the result back into [0, 1] (then the noise is no longer exactly Gaussian). Default true. */
  clip?: boolean;
}

/**
 * The options of {@link gaussianNoise} but `rng`: `std` ≥ 0 (required) and `clip`
 * (default true, null too).
 * @example
 * parseConfig(GAUSSIAN_NOISE_SCHEMA, {}, fail); // std: expected a finite number ≥ 0, got undefined
 */
export const GAUSSIAN_NOISE_SCHEMA = object({
  std: finite({ min: 0 }).describe('Standard deviation of the noise, in pixel units of [0, 1]. Required.'),
  clip: nullish(bool(), true).describe('Clip the result back into [0, 1].'),
});

/**
 * Add independent N(0, std²) noise to every pixel and channel. Differentiable with
 * respect to the images (where not clipped).
 *
 * @param images `[batch, height, width, channels]`
 * @param options generator, `std` and clipping, see {@link GaussianNoiseOptions}
 * @returns `[batch, height, width, channels]`
 * @throws ShapeError when `images` is not rank 4 float32; ConfigError for a bad `rng`, `std`
 *   (`gaussianNoise: option 'std': expected a finite number ≥ 0, got -1`) or `clip`, or an unknown option.
 * @example
 * const noisy = gaussianNoise(images, { rng, std: 0.05 });
 */
export function gaussianNoise(images: tf.Tensor4D, options: GaussianNoiseOptions): tf.Tensor4D {
  expectImageBatch('gaussianNoise', 'images', images);
  const { rng, resolved } = randomOptions('gaussianNoise', GAUSSIAN_NOISE_SCHEMA, options);
  const { std, clip } = resolved;
  return tf.tidy(() => {
    const noisy = tf.add(images, tf.randomNormal(images.shape, 0, std, 'float32', rng.tfSeed()));
    return (clip ? tf.clipByValue(noisy, 0, 1) : noisy) as tf.Tensor4D;
  });
}
