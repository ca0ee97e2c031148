/**
 * SimCLR: two augmentations of every image through one shared encoder and an MLP
 * projection head; NT-Xent on the cosine similarities / τ, each of the 2N embeddings
 * against its other view with the other 2N − 2 as negatives, both views as anchors:
 *
 *   L = (1/2N) Σ_i −log( e^{s(z_i, z_i')} / Σ_{k ≠ i} e^{s(z_i, z_k)} ),  s(u, v) = cos(u, v) / τ
 *
 * which is InfoNCE (K = 2N − 1) on the shared score layout, so any bound that takes a
 * negative mask works on the same scores. The probe reads the encoder's code, before
 * the head (SimCLR's choice).
 *
 * Chen, Kornblith, Norouzi, Hinton 2020, "A Simple Framework for Contrastive Learning of
 * Visual Representations", https://arxiv.org/abs/2002.05709
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { int, nullish, object, oneOf, Rng } from '@infomax/engine';
import type { Encoder } from '@infomax/encoders';
import { twoViewNegatives, twoViewScores } from '@infomax/estimators';
import { augment, type AugmentStep } from '@infomax/views';
import { MASKED_ESTIMATOR_KINDS, ObjectiveBounds, type EstimatorKind } from './estimator';
import { augmentField, checkAugment, resolveAugment, stepRng } from './internal/augment-config';
import { checkBuffers } from './internal/buffers';
import { estimatorField, inputShapeField, seedField, sizesField, temperatureField } from './internal/config-schema';
import { buildImageEncoder, encoderField, partSeeds, type EncoderPart } from './internal/encoder-part';
import { Mlp } from './internal/mlp';
import type { Batch, LossResult, Objective } from './objective';

/** A SimCLR config with every default filled in (what `objective.config` holds). */
export type SimclrConfig = {
  kind: 'simclr';
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** The shared encoder (an @infomax/encoders config without `inputShape`/`seed`). Default `{ kind: 'dcgan' }`. */
  encoder: EncoderPart;
  /**
   * The augmentation pipeline each view draws independently (@infomax/views steps). Default
   * SimCLR's, sized for small images: random resized crop (scale [0.2, 1]), horizontal flip,
   * colour jitter 0.4 (saturation 0.4 and hue 0.1 on RGB) with p = 0.8, and on RGB grayscale
   * with p = 0.2.
   */
  augment: AugmentStep[];
  /** Hidden sizes of the projection head (ReLU between). Default [512]. */
  projectionHidden: number[];
  /** Width of the projection, where NT-Xent compares. Default 128 (SimCLR's). */
  projectionUnits: number;
  /** Temperature τ > 0. Default 0.5. */
  temperature: number;
  /** The bound on the scores; any but `interpolated` (which takes no negative mask). Default 'infonce' (NT-Xent). */
  estimator: EstimatorKind;
  /** Seed of every initialisation and augmentation. Default 0. */
  seed: number;
};

/** SimCLR's augmentations for `channels`-channel images. */
function defaultAugment(channels: number): AugmentStep[] {
  const rgb = channels === 3;
  return [
    { kind: 'randomResizedCrop', scale: [0.2, 1] },
    { kind: 'horizontalFlip' },
    rgb
      ? { kind: 'colorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }
      : { kind: 'colorJitter', brightness: 0.4, contrast: 0.4, p: 0.8 },
    ...(rgb ? [{ kind: 'randomGrayscale', p: 0.2 } as AugmentStep] : []),
  ];
}

/** A SimCLR config's keys, defaults and checks across keys (the one place they are set). */
export const SIMCLR_SCHEMA = object({
  kind: oneOf(['simclr'] as const),
  inputShape: inputShapeField(),
  encoder: encoderField({ kind: 'dcgan' }),
  augment: augmentField(null),
  projectionHidden: sizesField([512]),
  projectionUnits: nullish(int(1), 128),
  temperature: temperatureField(0.5),
  estimator: estimatorField('infonce', MASKED_ESTIMATOR_KINDS),
  seed: seedField(),
}).transform((c, ctx): SimclrConfig => {
  const inputShape = c.inputShape as [number, number, number];
  const augment = c.augment ?? resolveAugment(defaultAugment(inputShape[2]));
  if (!checkAugment(ctx, augment, inputShape)) return z.NEVER;
  return { ...c, inputShape, augment };
});

/** Builds SimCLR from a config {@link SIMCLR_SCHEMA} resolved. */
export function buildSimclr(config: SimclrConfig): SimclrObjective {
  const seeds = partSeeds(config.seed, 3);
  const { encoder, stored } = buildImageEncoder(config.encoder, config.inputShape, seeds[0]);
  return new SimclrObjective({ ...config, encoder: stored }, encoder, seeds);
}

/** SimCLR as an {@link Objective}; build it with `buildObjective({ kind: 'simclr', inputShape })`. */
export class SimclrObjective implements Objective {
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer> = {};
  readonly auxiliaryVariables: tf.Variable[] = [];
  private readonly head: Mlp;
  private readonly bounds: ObjectiveBounds;
  private readonly augmentSeed: number;
  /** The negative mask of the last batch size: a constant, built once. */
  private negatives: { n: number; mask: tf.Tensor2D } | null = null;

  constructor(
    readonly config: SimclrConfig,
    readonly encoder: Encoder,
    seeds: number[],
  ) {
    this.head = new Mlp([encoder.globalSize, ...config.projectionHidden, config.projectionUnits], new Rng(seeds[1]));
    this.augmentSeed = seeds[2];
    this.bounds = new ObjectiveBounds(config.estimator, 'SimclrObjective', ['views']);
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.head.variables];
  }

  /**
   * The NT-Xent loss of one batch: in training, two augmentations per image drawn from
   * the generator of (seed, step); in inference, the images themselves twice.
   * @param batch images `[N, H, W, C]` in [0, 1], N ≥ 2
   * @returns loss and metrics `mi` (the bound's estimate, nats; ≤ log(2N − 1) for InfoNCE)
   *   and, for InfoNCE, `nt_xent` (the loss as SimCLR reports it: log(2N − 1) − mi)
   */
  loss(batch: Batch, options: { training: boolean; step: number }): LossResult {
    const { training, step } = options;
    const n = batch.images.shape[0];
    return tf.tidy(() => {
      const rng = stepRng(this.augmentSeed, step);
      const views = [0, 1].map(() => (training ? augment(batch.images, { rng, steps: this.config.augment }) : batch.images));
      // One pass over both views: batch norm sees the 2N images together, as SimCLR's global BN.
      const z = this.head.apply(this.encoder.encode(tf.concat(views, 0), { training }).global);
      const [a, b] = tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      const scores = twoViewScores(a, b, { temperature: this.config.temperature });
      const bound = this.bounds.apply('views', scores, { negativeMask: this.mask(n) }, training);
      const metrics: Record<string, tf.Scalar> = { mi: bound.estimate };
      if (this.config.estimator === 'infonce') metrics.nt_xent = tf.sub(Math.log(2 * n - 1), bound.estimate) as tf.Scalar;
      return { loss: bound.loss, metrics };
    });
  }

  /**
   * The representation a probe evaluates: the encoder's code of the whole image.
   * @param images `[B, H, W, C]` @returns `[B, D]`
   */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.encoder.encode(images, { training: false }).global);
  }

  /** MINE's moving average (`bound_views`) with `estimator: 'mine'`; else none. */
  buffers(): Record<string, tf.Tensor> {
    return this.bounds.buffers();
  }

  /** Puts back what {@link buffers} returned. @throws ShapeError naming the buffer at fault */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    checkBuffers('SimclrObjective.setBuffers', buffers, this.bounds.bufferShapes());
    this.bounds.setBuffers(buffers);
  }

  private mask(n: number): tf.Tensor2D {
    if (this.negatives?.n !== n) {
      this.negatives?.mask.dispose();
      this.negatives = { n, mask: tf.keep(twoViewNegatives(n)) };
    }
    return this.negatives.mask;
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
    this.bounds.dispose();
    this.negatives?.mask.dispose();
    this.negatives = null;
  }
}
