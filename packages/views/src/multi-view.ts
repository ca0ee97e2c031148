/**
 * Compose view functions into one function that returns every view of a batch.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, expectImageBatch } from './errors';
import type { View } from './types';

/**
 * Compose views: the returned function applies each view to the same batch and
 * returns all results in order, a view that returns several tensors (`halves`,
 * `labSplit`) contributing each of them. It owns one `tf.tidy`, so a view may chain
 * ops freely (`(x) => colorJitter(horizontalFlip(x, { rng }), { rng, brightness: 0.4 })`):
 * intermediates are freed, only the views come back.
 *
 * As lightly's MultiViewTransform: one transform per view.
 *
 * @param views the view functions, at least one
 * @returns `(images: [batch, height, width, channels]) => Tensor[]`, one entry per
 *   view output; the caller disposes them
 * @throws ConfigError when `views` is empty or holds a non-function (at composition);
 *   ShapeError from the returned function when `images` is not rank 4 float32, or
 *   whatever a view throws.
 * @example
 * const rng = new Rng(0);
 * const twoCrops = multiView([
 *   (x) => randomResizedCrop(x, { rng, size: 32 }),
 *   (x) => randomResizedCrop(x, { rng, size: 32 }),
 * ]);
 * const [a, b] = twoCrops(images);
 */
export function multiView(views: readonly View[]): (images: tf.Tensor4D) => tf.Tensor[] {
  if (!Array.isArray(views) || views.length === 0 || !views.every((v) => typeof v === 'function')) {
    throw new ConfigError(`multiView: argument 'views' must be a non-empty array of view functions; got ${describe(views)}`);
  }
  return (images: tf.Tensor4D) => {
    expectImageBatch('multiView', 'images', images);
    // A view may hand back its input (an identity view); a copy lets the caller
    // dispose every returned view without disposing the batch.
    return tf.tidy(() => views.flatMap((view) => view(images)).map((t) => (t === images ? tf.clone(t) : t)));
  };
}

function describe(views: unknown): string {
  if (!Array.isArray(views)) return String(views);
  return `[${views.map((v) => (typeof v === 'function' ? 'function' : typeof v)).join(', ')}]`;
}
