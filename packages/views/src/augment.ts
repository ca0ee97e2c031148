/**
 * A pipeline of augmentations described by plain JSON steps, applied in order: what a
 * config names (`[{ kind: 'randomResizedCrop', scale: [0.2, 1] }, { kind: 'horizontalFlip' }]`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import { colorJitter, type ColorJitterOptions } from './color-jitter';
import { ConfigError, expectImageBatch, expectNumber } from './errors';
import { gaussianNoise, type GaussianNoiseOptions } from './gaussian-noise';
import { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip';
import { choosePerImage, coins } from './internal/per-image';
import { resolveRng, type SeedOrRng } from './internal/seed';
import { randomGrayscale, type RandomGrayscaleOptions } from './random-grayscale';
import { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop';

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

/** The option names each kind takes besides `kind`, declared once (what a config may set). */
export const AUGMENT_OPTIONS: Readonly<Record<AugmentKind, readonly string[]>> = {
  randomResizedCrop: ['size', 'scale', 'ratio'],
  colorJitter: ['brightness', 'contrast', 'saturation', 'hue', 'p'],
  horizontalFlip: ['p'],
  randomGrayscale: ['p'],
  gaussianNoise: ['std', 'clip'],
};

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
 * {@link gaussianNoise}), validated by it.
 *
 * As torchvision's `Compose` of SimCLR's transforms: Chen et al. (2020), "A Simple
 * Framework for Contrastive Learning of Visual Representations", https://arxiv.org/abs/2002.05709
 *
 * @param images `[batch, height, width, channels]` in [0, 1]
 * @param options generator and steps, see {@link AugmentOptions}
 * @returns `[batch, height', width', channels]` (a crop's `size` may change height and width); the caller owns it
 * @throws ConfigError for an unknown kind (naming the step's index) or a bad option;
 *   ShapeError when a step does not fit the images (grayscale of 1-channel images)
 * @example
 * const view = augment(images, { rng, steps: [{ kind: 'randomResizedCrop', scale: [0.2, 1] }, { kind: 'horizontalFlip' }] });
 */
export function augment(images: tf.Tensor4D, options: AugmentOptions): tf.Tensor4D {
  expectImageBatch('augment', 'images', images);
  const rng = resolveRng('augment', options?.rng);
  const steps = options.steps;
  if (!Array.isArray(steps)) throw new ConfigError(`augment: option 'steps' must be an array of steps; got ${String(steps)}`);
  return tf.tidy(() => {
    let x = images;
    steps.forEach((step, i) => {
      x = applyStep(x, step, rng, i);
    });
    return x === images ? tf.clone(x) : x;
  });
}

function applyStep(x: tf.Tensor4D, step: AugmentStep, rng: Rng, i: number): tf.Tensor4D {
  switch (step?.kind) {
    case 'randomResizedCrop':
      return randomResizedCrop(x, { ...step, rng });
    case 'horizontalFlip':
      return horizontalFlip(x, { ...step, rng });
    case 'randomGrayscale':
      return randomGrayscale(x, { ...step, rng });
    case 'gaussianNoise':
      return gaussianNoise(x, { ...step, rng });
    case 'colorJitter': {
      const { p = 1, ...jitter } = step;
      expectNumber('colorJitter', 'p', p, 0, 1);
      if (p === 1) return colorJitter(x, { ...jitter, rng });
      // The coins first, then the jitter of every image: a fixed order of draws.
      const coin = coins(rng, x.shape[0], p);
      return choosePerImage(coin, colorJitter(x, { ...jitter, rng }), x);
    }
    default:
      throw new ConfigError(
        `augment: option 'steps[${i}].kind' must be one of ${AUGMENT_KINDS.map((k) => `'${k}'`).join(', ')}; got ${JSON.stringify((step as { kind?: unknown } | null)?.kind)}`,
      );
  }
}
