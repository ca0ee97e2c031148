/**
 * Contrastive Predictive Coding on images: cut each image into a grid of
 * overlapping patches, encode every patch (z), summarise the rows above with a
 * row-causal network (c_t), and predict the code k rows below with one linear
 * map per offset:
 *
 *   L = (1/K) Σ_{k=1..K} −Î(W_k c_{t,j}; z_{t+k,j})
 *
 * Scores for offset k in the shared layout: `'batch'` negatives give `[B, B, L]`
 * (`scores[i, n, l]` = prediction of image i at location l · code of image n there;
 * the other images at the same location are the negatives), `'batch+locations'`
 * flattens images × locations into `[B·L, B·L]` (every other patch, in this image or
 * another, is a negative — CPC's choice). InfoNCE by default; any bound works.
 *
 * van den Oord, Li & Vinyals 2018, "Representation Learning with Contrastive Predictive
 * Coding", https://arxiv.org/abs/1807.03748; Hénaff et al. 2020, https://arxiv.org/abs/1905.09272
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { int, list, nullish, object, oneOf, reject, Rng } from '@infomax/engine';
import type { Encoder, ImageEncoderConfig } from '@infomax/encoders';
import { patchGrid } from '@infomax/views';
import type { AugmentStep } from '@infomax/views';
import { ObjectiveBounds, type EstimatorKind } from './estimator';
import { augmentAt, augmentField, checkAugment } from './internal/augment-config';
import { checkBuffers } from './internal/buffers';
import { estimatorField, inputShapeField, seedField } from './internal/config-schema';
import { buildEncoderAt, buildImageEncoder, encoderField, partSeeds, type EncoderPart } from './internal/encoder-part';
import { MaskedConvStack } from './internal/masked-conv';
import { glorot } from './internal/mlp';
import type { Batch, LossResult, Objective } from './objective';

/** Which patches are negatives, declared once. */
export const CPC_NEGATIVES = ['batch', 'batch+locations'] as const;
/** One of {@link CPC_NEGATIVES}. */
export type CpcNegatives = (typeof CPC_NEGATIVES)[number];

/** A CPC config with every default filled in (what `objective.config` holds). */
export type CpcConfig = {
  kind: 'cpc';
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** Patch side and stride in pixels. Default size 8, stride size/2 (half overlap, CPC's). */
  patch: { size: number; stride: number };
  /** The encoder of one patch (an @infomax/encoders image config without `inputShape`/`seed`); its global vector is the patch code. Default DCGAN-style convs 32-64, no hidden dense layer, 64-d code. */
  encoder: EncoderPart;
  /** The context network: channels of its row-causal convs (last = context size), kernel rows and columns. Default `{ channels: [64, 64], rows: 3, cols: 3 }`. */
  context: { channels: number[]; rows: number; cols: number };
  /** Largest row offset K predicted (k = 1..K); < grid rows. Default 2. */
  offsets: number;
  /** Negatives: `'batch'` (other images, same location) or `'batch+locations'` (every other patch). Default 'batch+locations'. */
  negatives: CpcNegatives;
  /** The bound. Default 'infonce' (CPC's). */
  estimator: EstimatorKind;
  /** Augmentations of the training images before they are cut into patches (@infomax/views steps keeping the shape), drawn per step from the seed. Default []. */
  augment: AugmentStep[];
  /** Seed of every initialisation. Default 0. */
  seed: number;
};

/** Rows and columns of the patch grid of an image `[height, width, …]`. */
function gridOf(inputShape: readonly number[], patch: { size: number; stride: number }): [number, number] {
  return [Math.floor((inputShape[0] - patch.size) / patch.stride) + 1, Math.floor((inputShape[1] - patch.size) / patch.stride) + 1];
}

/** A CPC config's keys, defaults and checks across keys (the one place they are set). */
export const CPC_SCHEMA = object({
  kind: oneOf(['cpc'] as const),
  inputShape: inputShapeField(),
  patch: nullish(object({ size: nullish(int(1), 8), stride: nullish(int(1), null) }), {}),
  encoder: encoderField({ kind: 'dcgan', filters: [32, 64], fc: [] } as EncoderPart),
  context: nullish(
    object({ channels: nullish(list(int(1), { min: 1 }), [64, 64]), rows: nullish(int(1), 3), cols: nullish(int(1), 3) }),
    {},
  ),
  offsets: nullish(int(1), 2),
  negatives: nullish(oneOf(CPC_NEGATIVES), 'batch+locations'),
  estimator: estimatorField('infonce'),
  augment: augmentField([]),
  seed: seedField(),
}).transform((c, ctx): CpcConfig => {
  const inputShape = c.inputShape as [number, number, number];
  const side = Math.min(inputShape[0], inputShape[1]);
  if (c.patch.size > side) return reject(ctx, ['patch', 'size'], `an integer in 1..${side} (the image's shorter side)`, c.patch.size);
  const patch = { size: c.patch.size, stride: c.patch.stride ?? Math.max(1, Math.floor(c.patch.size / 2)) };
  const rows = gridOf(inputShape, patch)[0];
  if (rows < 2) return reject(ctx, ['patch'], 'a size and stride giving at least 2 rows of patches', patch);
  if (c.context.cols % 2 === 0) return reject(ctx, ['context', 'cols'], 'an odd integer (a centred kernel)', c.context.cols);
  if (c.offsets > rows - 1)
    return reject(ctx, ['offsets'], `an integer in 1..${rows - 1} (offsets below the ${rows} rows of patches)`, c.offsets);
  if (!checkAugment(ctx, c.augment, inputShape)) return z.NEVER;
  return { ...c, inputShape, patch };
});

/** Builds CPC from a config {@link CPC_SCHEMA} resolved: the patch encoder over the grid, the context network, the predictors. */
export function buildCpc(config: CpcConfig): CpcObjective {
  const seeds = partSeeds(config.seed, 4);
  const patchShape = [config.patch.size, config.patch.size, config.inputShape[2]];
  // Resolve and check the patch encoder's config on its own, then build it over the grid.
  const probe = buildImageEncoder(config.encoder, patchShape, seeds[0]);
  probe.encoder.dispose();
  const inner = { ...probe.stored, inputShape: patchShape, seed: seeds[0] } as ImageEncoderConfig;
  const encoder = buildEncoderAt(config.encoder, { kind: 'patch', grid: gridOf(config.inputShape, config.patch), encoder: inner });
  return new CpcObjective({ ...config, encoder: probe.stored }, encoder, seeds.slice(1));
}

/** CPC as an {@link Objective}; build it with `buildObjective({ kind: 'cpc', inputShape })`. */
export class CpcObjective implements Objective {
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer> = {};
  readonly auxiliaryVariables: tf.Variable[] = [];
  private readonly contextNet: MaskedConvStack;
  /** W_k `[contextSize, codeSize]` for k = 1..K. */
  private readonly predictors: tf.Variable[] = [];
  private readonly bounds: ObjectiveBounds;
  private readonly augmentSeed: number;

  /** @param encoder the patch encoder: grids `[B, rows, cols, p, p, c]` → codes `[B, rows, cols, D]` */
  constructor(
    readonly config: CpcConfig,
    readonly encoder: Encoder,
    seeds: number[],
  ) {
    const d = encoder.globalSize;
    const { channels, rows, cols } = config.context;
    this.contextNet = new MaskedConvStack([d, ...channels], rows, cols, new Rng(seeds[0]));
    const h = channels[channels.length - 1];
    const rng = new Rng(seeds[1]);
    for (let k = 1; k <= config.offsets; k++) this.predictors.push(glorot(rng, [h, d], h, d));
    this.bounds = new ObjectiveBounds(
      config.estimator,
      'CpcObjective',
      this.predictors.map((_w, i) => `k${i + 1}`),
    );
    this.augmentSeed = seeds[2];
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.contextNet.variables, ...this.predictors];
  }

  /**
   * The CPC loss of one batch.
   * @param batch images `[B, H, W, C]` in [0, 1], B ≥ 2
   * @returns loss and metrics `mi_k<k>` per offset (nats) and `mi` (their mean)
   */
  loss(batch: Batch, options: { training: boolean; step: number }): LossResult {
    return tf.tidy(() => {
      const images = options.training ? augmentAt(batch.images, this.config.augment, this.augmentSeed, options.step) : batch.images;
      const z = this.encoder.encode(this.grid(images), { training: options.training }).local; // [B, R, C, D]
      const [b, rows, cols, d] = z.shape;
      const ctx = this.contextNet.apply(z); // [B, R, C, H]
      const h = ctx.shape[3];
      const metrics: Record<string, tf.Scalar> = {};
      const losses: tf.Scalar[] = [];
      this.predictors.forEach((w, i) => {
        const k = i + 1;
        const n = rows - k;
        const l = n * cols;
        const c = tf.slice(ctx, [0, 0, 0, 0], [b, n, cols, h]);
        const pred = tf.matMul(tf.reshape(c, [b * l, h]), w as tf.Tensor2D); // [B·L, D]
        const target = tf.reshape(tf.slice(z, [0, k, 0, 0], [b, n, cols, d]), [b * l, d]);
        let scores: tf.Tensor;
        if (this.config.negatives === 'batch+locations')
          scores = tf.matMul(pred, target, false, true); // [B·L, B·L]
        else {
          const byLoc = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, l, d]), [1, 0, 2]) as tf.Tensor3D; // [L, B, D]
          scores = tf.transpose(tf.matMul(byLoc(pred), byLoc(target), false, true), [1, 2, 0]); // [B, B, L]
        }
        const bound = this.bounds.apply(`k${k}`, scores, {}, options.training);
        metrics[`mi_k${k}`] = bound.estimate;
        losses.push(bound.loss);
      });
      metrics.mi = tf.mean(tf.stack(Object.values(metrics))) as tf.Scalar;
      return { loss: tf.mean(tf.stack(losses)) as tf.Scalar, metrics };
    });
  }

  /**
   * The representation a probe evaluates: the mean of the patch codes.
   * @param images `[B, H, W, C]` @returns `[B, D]`
   */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.encoder.encode(this.grid(images)).global);
  }

  /** Images `[B, H, W, C]` → patch grid `[B, rows, cols, p, p, c]`. */
  private grid(images: tf.Tensor4D): tf.Tensor {
    return patchGrid(images, { size: this.config.patch.size, stride: this.config.patch.stride });
  }

  /** MINE's moving averages (`bound_k<k>` per offset) with `estimator: 'mine'`; else none. */
  buffers(): Record<string, tf.Tensor> {
    return this.bounds.buffers();
  }

  /** Puts back what {@link buffers} returned. @throws ShapeError naming the buffer at fault */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    checkBuffers('CpcObjective.setBuffers', buffers, this.bounds.bufferShapes());
    this.bounds.setBuffers(buffers);
  }

  dispose(): void {
    this.bounds.dispose();
    this.encoder.dispose();
    this.contextNet.dispose();
    tf.dispose(this.predictors);
  }
}
