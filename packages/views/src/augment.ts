/**
 * A pipeline of augmentations described by plain JSON steps, applied in order: what a
 * config names (`[{ kind: 'randomResizedCrop', scale: [0.2, 1] }, { kind: 'horizontalFlip' }]`).
 */
import * as tf from '@tensorflow/tfjs';
import { byKind, list, nullish, object, oneOf, type Rng } from '@infomax/engine';
import type { z } from 'zod';
import { colorJitter, COLOR_JITTER_SCHEMA, type ColorJitterOptions } from './color-jitter';
import { expectImageBatch } from './errors';
import { gaussianNoise, GAUSSIAN_NOISE_SCHEMA, type GaussianNoiseOptions } from './gaussian-noise';
import { horizontalFlip, HORIZONTAL_FLIP_SCHEMA, type HorizontalFlipOptions } from './horizontal-flip';
import { choosePerImage, coins, probability } from './internal/per-image';
import { randomOptions, type SeedOrRng } from './internal/seed';
import { randomGrayscale, RANDOM_GRAYSCALE_SCHEMA, type RandomGrayscaleOptions } from './random-grayscale';
import { randomResizedCrop, RANDOM_RESIZED_CROP_SCHEMA, type RandomResizedCropOptions } from './random-resized-crop';

/** Augmentation kinds a pipeline step may name, declared once. */
export const AUGMENT_KINDS = ['randomResizedCrop', 'colorJitter', 'horizontalFlip', 'randomGrayscale', 'gaussianNoise'] as const;
/** One of {@link AUGMENT_KINDS}. */
export type AugmentKind = (typeof AUGMENT_KINDS)[number];

/**
 * One step of a pipeline: a kind and that view's options (without `rng`, which the
 * pipeline passes). `colorJitter` also takes `p`, the probability that an image is
 * jittered at all (default 1; SimCLR uses 0.8).
 */
export type AugmentStep =
  | ({ kind: 'randomResizedCrop' } & Omit<RandomResizedCropOptions, 'rng'>)
  | ({ kind: 'colorJitter'; p?: number } & Omit<ColorJitterOptions, 'rng'>)
  | ({ kind: 'horizontalFlip' } & Omit<HorizontalFlipOptions, 'rng'>)
  | ({ kind: 'randomGrayscale' } & Omit<RandomGrayscaleOptions, 'rng'>)
  | ({ kind: 'gaussianNoise' } & Omit<GaussianNoiseOptions, 'rng'>);

/** A step's schema: its kind, then the view's options. */
function step<const K extends AugmentKind, T extends z.ZodRawShape>(kind: K, options: T, description: string) {
  return object({ kind: oneOf([kind] as const), ...options }).describe(description);
}

/**
 * One augmentation step, told apart by its `kind`: each kind's options with their ranges
 * and defaults (those of the view it names) and no other key. A config's `augment` entry.
 * @example
 * parseConfig(AUGMENT_STEP_SCHEMA, { kind: 'horizontalFlip' }, fail); // { kind: 'horizontalFlip', p: 0.5 }
 */
export const AUGMENT_STEP_SCHEMA = byKind(
  [
    step('randomResizedCrop', RANDOM_RESIZED_CROP_SCHEMA.shape, 'A random box of random area and aspect ratio per image, resized to size.'),
    step(
      'colorJitter',
      {
        ...COLOR_JITTER_SCHEMA.shape,
        p: nullish(probability(), 1).describe('Probability that an image is jittered at all (SimCLR: 0.8).'),
      },
      'Random brightness, contrast, saturation and hue per image, applied with probability p.',
    ),
    step('horizontalFlip', HORIZONTAL_FLIP_SCHEMA.shape, 'A left-right mirror of each image with probability p.'),
    step('randomGrayscale', RANDOM_GRAYSCALE_SCHEMA.shape, 'Each image replaced by its luma with probability p (3 channels).'),
    step('gaussianNoise', GAUSSIAN_NOISE_SCHEMA.shape, 'Additive N(0, std²) pixel noise, clipped to [0, 1] unless clip is false.'),
  ],
  'an augmentation step ({ kind, ...options })',
);

/**
 * A pipeline: a list of {@link AUGMENT_STEP_SCHEMA} steps, each resolved (defaults filled in).
 * @example
 * parseConfig(AUGMENT_STEPS_SCHEMA, [{ kind: 'horizontalFlip', p: 2 }], fail); // [0].p: expected a number in [0, 1], got 2
 */
export const AUGMENT_STEPS_SCHEMA = list(AUGMENT_STEP_SCHEMA, { what: 'a list of augmentation steps ({ kind, ...options })' }).transform(
  (steps): AugmentStep[] => steps,
);

/** The options of {@link augment} but `rng`. */
const AUGMENT_SCHEMA = object({ steps: AUGMENT_STEPS_SCHEMA });

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Generator every step draws from, in order (advances), or a seed. Required. */
  rng: SeedOrRng;
  /** The steps, applied in order; `[]` returns a copy. Required. */
  steps: readonly AugmentStep[];
}

/**
 * Apply a pipeline of augmentation steps to a batch, each step drawing its own random
 * choices per image from one generator, in order, so a seed pins the whole pipeline.
 * Each step's options are those of the view it names ({@link randomResizedCrop},
 * {@link colorJitter}, {@link horizontalFlip}, {@link randomGrayscale},
 * {@link gaussianNoise}), all checked by {@link AUGMENT_STEPS_SCHEMA} before any step runs.
 *
 * As torchvision's `Compose` of SimCLR's transforms: Chen et al. (2020), "A Simple
 * Framework for Contrastive Learning of Visual Representations", https://arxiv.org/abs/2002.05709
 *
 * @param images `[batch, height, width, channels]` in [0, 1]
 * @param options generator and steps, see {@link AugmentOptions}
 * @returns `[batch, height', width', channels]` (a crop's `size` may change height and width); the caller owns it
 * @throws ConfigError for an unknown kind or option, or a bad value, naming its key path
 *   (`augment: option 'steps[1].p': expected a number in [0, 1], got 2`);
 *   ShapeError when a step does not fit the images (grayscale of 1-channel images)
 * @example
 * const view = augment(images, { rng, steps: [{ kind: 'randomResizedCrop', scale: [0.2, 1] }, { kind: 'horizontalFlip' }] });
 */
export function augment(images: tf.Tensor4D, options: AugmentOptions): tf.Tensor4D {
  expectImageBatch('augment', 'images', images);
  const { rng, resolved } = randomOptions('augment', AUGMENT_SCHEMA, options);
  return tf.tidy(() => {
    let x = images;
    for (const step of resolved.steps) x = applyStep(x, step, rng);
    return x === images ? tf.clone(x) : x;
  });
}

function applyStep(x: tf.Tensor4D, step: AugmentStep, rng: Rng): tf.Tensor4D {
  switch (step.kind) {
    case 'randomResizedCrop':
      return randomResizedCrop(x, { ...withoutKind(step), rng });
    case 'horizontalFlip':
      return horizontalFlip(x, { ...withoutKind(step), rng });
    case 'randomGrayscale':
      return randomGrayscale(x, { ...withoutKind(step), rng });
    case 'gaussianNoise':
      return gaussianNoise(x, { ...withoutKind(step), rng });
    case 'colorJitter': {
      const { p = 1, ...jitter } = withoutKind(step);
      if (p === 1) return colorJitter(x, { ...jitter, rng });
      // The coins first, then the jitter of every image: a fixed order of draws.
      const coin = coins(rng, x.shape[0], p);
      return choosePerImage(coin, colorJitter(x, { ...jitter, rng }), x);
    }
  }
}

function withoutKind<T extends { kind: string }>(step: T): Omit<T, 'kind'> {
  const { kind: _kind, ...options } = step;
  return options;
}
