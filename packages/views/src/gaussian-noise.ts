/**
 * Additive Gaussian pixel noise.
 */
import * as tf from '@tensorflow/tfjs';
import { expectImageBatch, expectNumber } from './errors';
import { resolveRng, type SeedOrRng } from './internal/seed';

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
 * Add independent N(0, std²) noise to every pixel and channel. Differentiable with
 * respect to the images (where not clipped).
 *
 * @param images `[batch, height, width, channels]`
 * @param options generator, `std` and clipping, see {@link GaussianNoiseOptions}
 * @returns `[batch, height, width, channels]`
 * @throws ShapeError when `images` is not rank 4 float32; ConfigError for a bad `rng` or `std`.
 * @example
 * const noisy = gaussianNoise(images, { rng, std: 0.05 });
 */
export function gaussianNoise(images: tf.Tensor4D, options: GaussianNoiseOptions): tf.Tensor4D {
  expectImageBatch('gaussianNoise', 'images', images);
  const rng = resolveRng('gaussianNoise', options?.rng);
  const std = expectNumber('gaussianNoise', 'std', options.std, 0);
  const clip = options.clip ?? true;
  return tf.tidy(() => {
    const noisy = tf.add(images, tf.randomNormal(images.shape, 0, std, 'float32', rng.tfSeed()));
    return (clip ? tf.clipByValue(noisy, 0, 1) : noisy) as tf.Tensor4D;
  });
}
