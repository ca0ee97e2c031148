/**
 * The shape every view function has, and what {@link multiView} composes.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * A view: a pure function of an image batch `[batch, height, width, channels]`
 * (float32 in [0, 1]) that returns one tensor or several (a split such as
 * `halves` or `labSplit` returns two). Randomised views capture their generator
 * in a closure, e.g. `(x) => horizontalFlip(x, { rng })`.
 */
export type View = (images: tf.Tensor4D) => tf.Tensor | tf.Tensor[];
