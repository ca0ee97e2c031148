/**
 * The `augment` key of image objectives: a pipeline of @infomax/views augmentation
 * steps, checked by the views' own schema and then against the image shape, and drawn
 * in training from a generator seeded by the objective's seed and the step index (so a
 * resumed run draws what an unstopped one would, with nothing to save).
 */
import * as tf from '@tensorflow/tfjs';
import { nullish, reject, Rng, type CheckContext } from '@infomax/engine';
import { augment, AUGMENT_STEPS_SCHEMA, type AugmentStep } from '@infomax/views';
import { ShapeError } from '../errors';

/**
 * The `augment` key: a list of steps, each a kind and its options with their ranges and
 * defaults (the views' `AUGMENT_STEPS_SCHEMA`); what a step needs of the image shape is
 * checked by {@link checkAugment} once that is known.
 * @param fallback the steps when the key is absent; null when the default depends on other keys
 */
export const augmentField = <F extends AugmentStep[] | null>(fallback: F) =>
  nullish(AUGMENT_STEPS_SCHEMA, fallback as never).transform((steps) => steps as AugmentStep[] | (null extends F ? null : never));

/**
 * Steps with their defaults filled in, as the `augment` key resolves them.
 * @param steps valid steps (an objective's default pipeline)
 */
export function resolveAugment(steps: AugmentStep[]): AugmentStep[] {
  return AUGMENT_STEPS_SCHEMA.parse(steps);
}

/**
 * Runs each step once on a blank batch of `inputShape`: each must fit the images
 * (grayscale, saturation and hue need 3 channels) and keep their shape (a crop's `size`).
 * Reports the first failure at `augment[i]`.
 * @returns false after reporting a step, true when all pass
 */
export function checkAugment(ctx: CheckContext, steps: readonly AugmentStep[], inputShape: readonly number[]): boolean {
  const shape = `[${inputShape.join(', ')}]`;
  return tf.tidy(() => {
    const blank: tf.Tensor = tf.zeros([2, ...inputShape]);
    let x = blank as tf.Tensor4D;
    for (const [i, step] of steps.entries()) {
      try {
        x = augment(x, { rng: 0, steps: [step] });
      } catch (err) {
        if (!(err instanceof ShapeError)) throw err;
        reject(ctx, ['augment', i], `a step that fits images of ${shape} (${err.message})`, step);
        return false;
      }
      if (x.shape.slice(1).join('x') !== inputShape.join('x')) {
        reject(ctx, ['augment', i], `a step keeping the image shape ${shape} (the encoder's input)`, step);
        return false;
      }
    }
    return true;
  });
}

/**
 * The generator of training step `step`'s augmentations: a pure function of the seed
 * and the step.
 */
export function stepRng(seed: number, step: number): Rng {
  return new Rng(seed * 2 ** 21 + step);
}

/**
 * `images` augmented by `steps` with step `step`'s generator; with no steps, `images` itself.
 * @param images `[B, H, W, C]` @returns `[B, H, W, C]`
 */
export function augmentAt(images: tf.Tensor4D, steps: readonly AugmentStep[], seed: number, step: number): tf.Tensor4D {
  return steps.length === 0 ? images : augment(images, { rng: stepRng(seed, step), steps });
}
