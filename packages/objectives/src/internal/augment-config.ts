/**
 * The `augment` key of image objectives: a pipeline of @infomax/views augmentation
 * steps, checked against the views' own option lists and by running it once, and drawn
 * in training from a generator seeded by the objective's seed and the step index (so a
 * resumed run draws what an unstopped one would, with nothing to save).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { byKind, list, nullish, object, oneOf, reject, Rng, type CheckContext } from '@infomax/engine';
import { augment, AUGMENT_KINDS, AUGMENT_OPTIONS, type AugmentKind, type AugmentStep } from '@infomax/views';
import { ConfigError, ShapeError } from '../errors';

/** One step: a kind and that view's option names (their values are the view's to check). */
const stepSchema = (kind: AugmentKind) =>
  object({ kind: oneOf([kind] as const), ...Object.fromEntries(AUGMENT_OPTIONS[kind].map((option) => [option, z.unknown().optional()])) });

const STEPS = list(
  byKind(AUGMENT_KINDS.map(stepSchema) as unknown as [ReturnType<typeof stepSchema>], 'an augmentation step ({ kind, ...options })'),
  {
    what: 'a list of augmentation steps ({ kind, ...options })',
  },
);

/**
 * The `augment` key: a list of steps, each a kind and its options (checked by
 * {@link checkAugment} once the image shape is known).
 * @param fallback the steps when the key is absent; null when the default depends on other keys
 */
export const augmentField = <F extends AugmentStep[] | null>(fallback: F) =>
  nullish(STEPS, fallback as never).transform((steps) => steps as AugmentStep[] | (null extends F ? null : never));

/**
 * Runs each step once on a blank batch of `inputShape`: the views check their own options,
 * and every step must keep the shape. Reports the first failure at `augment[i]`.
 * @returns false after reporting a step, true when all pass
 */
export function checkAugment(ctx: CheckContext, steps: readonly AugmentStep[], inputShape: readonly number[]): boolean {
  return tf.tidy(() => {
    const blank: tf.Tensor = tf.zeros([2, ...inputShape]);
    let x = blank as tf.Tensor4D;
    for (const [i, step] of steps.entries()) {
      try {
        x = augment(x, { rng: 0, steps: [step] });
      } catch (err) {
        if (!(err instanceof ConfigError || err instanceof ShapeError)) throw err;
        reject(ctx, ['augment', i], `a valid augmentation step (${err.message})`, step);
        return false;
      }
      if (x.shape.slice(1).join('x') !== inputShape.join('x')) {
        reject(ctx, ['augment', i], `a step keeping the image shape [${inputShape.join(', ')}] (the encoder's input)`, step);
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
