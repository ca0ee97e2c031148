/**
 * The `augment` key of image objectives: a pipeline of @infomax/views augmentation
 * steps, validated key by key against the views' own option lists and by running it
 * once, and drawn in training from a generator seeded by the objective's seed and the
 * step index (so a resumed run draws what an unstopped one would, with nothing to save).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { augment, AUGMENT_KINDS, AUGMENT_OPTIONS, type AugmentStep } from '@infomax/views';
import { ConfigError, ShapeError } from '../errors';
import { ConfigReader } from './config-reader';

/**
 * Reads `key` (default `fallback`) as a list of steps whose output keeps `inputShape`.
 * @throws ConfigError naming `key[i]` or `key[i].option` for an unknown kind or option, a
 *   value the view rejects, or a step that changes the image shape
 */
export function readAugment(r: ConfigReader, key: string, inputShape: [number, number, number], fallback: AugmentStep[] = []): AugmentStep[] {
  const value = r.raw(key) ?? fallback;
  if (!Array.isArray(value)) r.fail(key, 'an array of augmentation steps ({ kind, ...options })', value);
  const steps = value.map((item, i) => {
    const s = new ConfigReader(r.fn, item, r.path(`${key}[${i}]`));
    const kind = s.choice('kind', AUGMENT_KINDS, undefined);
    const step: Record<string, unknown> = { kind };
    for (const option of AUGMENT_OPTIONS[kind]) if (s.has(option)) step[option] = s.raw(option);
    s.done();
    return step as AugmentStep;
  });
  // Each step once on a blank batch: the views validate their own options and shapes.
  tf.tidy(() => {
    let x = tf.zeros([2, ...inputShape]) as tf.Tensor4D;
    steps.forEach((step, i) => {
      try {
        x = augment(x, { rng: 0, steps: [step] });
      } catch (err) {
        if (!(err instanceof ConfigError || err instanceof ShapeError)) throw err;
        throw new ConfigError(`${r.fn}: config key '${r.path(`${key}[${i}]`)}' is not a valid step: ${err.message}`);
      }
      if (x.shape.slice(1).join('x') !== inputShape.join('x')) {
        r.fail(`${key}[${i}]`, `a step keeping the image shape [${inputShape.join(', ')}] (the encoder's input)`, step);
      }
    });
  });
  return steps;
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
