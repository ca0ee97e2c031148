/**
 * Deep InfoMax: maximise the MI between an image's global code and its local
 * feature map (global term, weight α) and every location of that map (local term,
 * weight β), and match the codes to a prior adversarially (weight γ):
 *
 *   L = −α·Î(E(x); C(x)) − β·(1/L)·Σ_l Î(E(x); C_l(x)) + γ·(−E log σ(D(E(x))))
 *
 * with Î any bound of `@infomax/estimators` (JSD by default) on scores in the shared
 * layout: local scores `[B, B, L]` (`scores[i, k, l]` = global head of image i · local
 * head of image k at location l, divided by √units; negatives are the other images'
 * feature vectors at the same location) or, with `localNegatives: 'batch+locations'`,
 * `[B·L, B·L]` (negatives: every location of every other image, as DIM's code; the same
 * value for JSD and NWJ, which average over negatives, a larger K for InfoNCE),
 * global scores `[B, B]` from a separable critic of
 * the code and the flattened map. DIM(L) is α = 0, β = 1 (the default); DIM(G) α = 1,
 * β = 0; the paper adds prior matching with γ = 0.1.
 *
 * Hjelm et al. 2019, "Learning deep representations by mutual information estimation
 * and maximization", https://arxiv.org/abs/1808.06670
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { bool, finite, int, nullish, object, oneOf, reject, Rng } from '@infomax/engine';
import type { Encoder } from '@infomax/encoders';
import { POOLED_BOUND_KINDS, separableCritic, type Critic } from '@infomax/estimators';
import type { AugmentStep } from '@infomax/views';
import { MASKED_ESTIMATOR_KINDS, ObjectiveBounds, type EstimatorKind } from './estimator';
import { augmentAt, augmentField, checkAugment } from './internal/augment-config';
import { PRIOR_DISTRIBUTIONS, PriorMatcher, type PriorConfig } from './dim-prior';
import { checkBuffers, rngBuffer, setRng } from './internal/buffers';
import { estimatorField, estimatorIn, inputShapeField, seedField, sizesField } from './internal/config-schema';
import { Mlp } from './internal/mlp';
import { buildImageEncoder, encoderField, partSeeds, type EncoderPart } from './internal/encoder-part';
import type { Batch, LossResult, Objective } from './objective';
import type { ExampleSplit } from './example-split';

/** Negatives of DIM's local term, declared once. */
export const DIM_LOCAL_NEGATIVES = ['batch', 'batch+locations'] as const;
/** One of {@link DIM_LOCAL_NEGATIVES}. */
export type DimLocalNegatives = (typeof DIM_LOCAL_NEGATIVES)[number];

/** A DIM config with every default filled in (what `objective.config` holds). */
export type DimConfig = {
  kind: 'dim';
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** The encoder (an @infomax/encoders config without `inputShape`/`seed`). Default `{ kind: 'dcgan' }` (at 28×28: conv 64-128 → 7×7×128 local map, fc 1024, 64-d code). */
  encoder: EncoderPart;
  /** The bound, one of ESTIMATOR_KINDS. Default 'jsd' (DIM's). */
  estimator: EstimatorKind;
  /** Weight α of the global term, ≥ 0. Default 0. */
  alpha: number;
  /** Weight β of the local term, ≥ 0. Default 1. */
  beta: number;
  /** Weight γ of prior matching, ≥ 0; 0 (the default) builds no discriminator. DIM uses 0.1. */
  gamma: number;
  /** Width of the local (1×1-conv, i.e. per-location dense) and global (MLP) heads of the local term: each is dense → ReLU → dense plus a linear shortcut, as DIM's (without its batch/layer norm). Default 256 (DIM: 2048; 256 keeps the heads cheaper than the encoder on wasm). */
  headUnits: number;
  /**
   * Negatives of the local term: `'batch'` (the other images at the same location: `[B, B, L]`
   * scores, the cheap default) or `'batch+locations'` (every location of every other image,
   * as DIM's code; InfoNCE's ceiling rises from log B to log((B − 1)·L + 1)). JSD, NWJ and
   * TUBA give the same values and gradients either way and score `[B, B, L]` for both;
   * InfoNCE, DV and SMILE pool each image's negatives over the locations (`poolLocations`:
   * `[B, B, L]` scores, a `batch` step's cost); MINE tiles `[B·L, B·L]` scores (~L times the
   * memory, ~30× the step on 28×28 images).
   */
  localNegatives: DimLocalNegatives;
  /** Hidden sizes of each side of the global term's separable critic (code vs flattened map). Default [512]; its embedding is `headUnits` wide. */
  globalHidden: number[];
  /** Prior matching settings (used when γ > 0). */
  prior: PriorConfig;
  /** Augmentations of the training images (@infomax/views steps keeping the shape), drawn per step from the seed. Default [] (DIM's). */
  augment: AugmentStep[];
  /**
   * Two augmented views of each training image, each view's global head scoring the other
   * view's local features (AMDIM's cross-view prediction, Bachman et al. 2019,
   * https://arxiv.org/abs/1906.00910): the code must keep what survives the augmentations.
   * Needs `augment`, the local term alone (α = 0) and `localNegatives: 'batch'`; a step
   * encodes 2B images. Default false (DIM's one view).
   */
  crossViews: boolean;
  /** Seed of every initialisation and prior sample. Default 0. */
  seed: number;
};

/** A DIM config's keys, defaults and checks across keys (the one place they are set). */
export const DIM_SCHEMA = object({
  kind: oneOf(['dim'] as const),
  inputShape: inputShapeField(),
  encoder: encoderField({ kind: 'dcgan' }),
  estimator: estimatorField('jsd'),
  alpha: nullish(finite({ min: 0 }), 0),
  beta: nullish(finite({ min: 0 }), 1),
  gamma: nullish(finite({ min: 0 }), 0),
  headUnits: nullish(int(1), 256),
  localNegatives: nullish(oneOf(DIM_LOCAL_NEGATIVES), 'batch'),
  globalHidden: sizesField([512]),
  prior: nullish(
    object({
      distribution: nullish(oneOf(PRIOR_DISTRIBUTIONS), 'uniform'),
      hidden: sizesField([1000, 200]),
      learningRate: nullish(finite({ above: 0 }), 1e-4),
    }),
    {},
  ),
  augment: augmentField([]),
  crossViews: nullish(bool(), false),
  seed: seedField(),
}).transform((c, ctx): DimConfig => {
  const inputShape = c.inputShape as [number, number, number];
  if (
    c.localNegatives === 'batch+locations' &&
    !estimatorIn(ctx, c.estimator, MASKED_ESTIMATOR_KINDS, "with localNegatives 'batch+locations' (a negative mask)")
  )
    return z.NEVER;
  if (c.alpha + c.beta + c.gamma === 0) return reject(ctx, ['beta'], 'above 0 when alpha and gamma are 0 (nothing to train)', c.beta);
  if (!checkAugment(ctx, c.augment, inputShape)) return z.NEVER;
  if (c.crossViews) {
    if (c.augment.length === 0) return reject(ctx, ['crossViews'], 'false without augment (two unaugmented views are one image)', true);
    if (c.alpha > 0) return reject(ctx, ['crossViews'], 'false with the global term (alpha > 0): only the local term compares views', true);
    if (c.localNegatives !== 'batch') return reject(ctx, ['crossViews'], "false with localNegatives 'batch+locations'", true);
  }
  return { ...c, inputShape };
});

/** Builds DIM from a config {@link DIM_SCHEMA} resolved. */
export function buildDim(config: DimConfig): DimObjective {
  const seeds = partSeeds(config.seed, 7);
  const { encoder, stored } = buildImageEncoder(config.encoder, config.inputShape, seeds[0]);
  return new DimObjective({ ...config, encoder: stored }, encoder, seeds);
}

/** Bounds that take every location's negatives on `[B, B, L]` scores (`poolLocations`); the rest tile the scores. */
const POOLED: ReadonlySet<string> = new Set(POOLED_BOUND_KINDS);

/** `s[i, k·L + l]` = global head i · local head (k, l) / √U: `[B, B·L]` from `[B, U]` and `[B, L, U]`. */
function localDots(g: tf.Tensor2D, heads: tf.Tensor3D): tf.Tensor2D {
  const [b, l, u] = heads.shape;
  return tf.div(tf.matMul(g, tf.reshape(heads, [b * l, u]), false, true), Math.sqrt(u));
}

/** `[B·L, B·L]` mask: 1 where the row's and the column's images differ (plain tensor math). */
function otherImages(b: number, l: number): tf.Tensor2D {
  const differ = tf.sub(1, tf.eye(b)).reshape([b, 1, b, 1]);
  return tf.reshape(tf.tile(differ, [1, l, 1, l]), [b * l, b * l]);
}

/** Deep InfoMax as an {@link Objective}; build it with `buildObjective({ kind: 'dim', inputShape })`. */
export class DimObjective implements Objective {
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer> = {};
  private readonly localHead: Mlp | null = null;
  private readonly globalHead: Mlp | null = null;
  private readonly globalCritic: Critic | null = null;
  private readonly prior: PriorMatcher | null = null;
  /** Codes of the last training batch, for the discriminator step (saves encoding the batch again). */
  private pendingCodes: tf.Tensor2D | null = null;
  /** The `batch+locations` negative mask for the last (B, L): a constant, built once rather than tiled every step. */
  private negativeMask: { b: number; l: number; mask: tf.Tensor2D } | null = null;
  private readonly bounds: ObjectiveBounds;

  constructor(
    readonly config: DimConfig,
    readonly encoder: Encoder,
    private readonly seeds: number[],
  ) {
    this.bounds = new ObjectiveBounds(config.estimator, 'DimObjective', ['local', 'global']);
    const [m1, m2, c] = encoder.localShape;
    const d = encoder.globalSize;
    if (config.beta > 0) {
      const u = config.headUnits;
      this.localHead = new Mlp([c, u, u], new Rng(seeds[1]), { shortcut: true });
      this.globalHead = new Mlp([d, u, u], new Rng(seeds[2]), { shortcut: true });
    }
    if (config.alpha > 0) {
      this.globalCritic = separableCritic({
        xDim: d,
        yDim: m1 * m2 * c,
        hidden: config.globalHidden,
        embedDim: config.headUnits,
        seed: seeds[3],
      });
    }
    if (config.gamma > 0) {
      this.prior = new PriorMatcher(d, config.prior, seeds[4]);
      this.auxiliaryOptimizers.prior = this.prior.optimizer;
    }
  }

  get variables(): tf.Variable[] {
    return [
      ...this.encoder.trainableVariables,
      ...(this.localHead?.variables ?? []),
      ...(this.globalHead?.variables ?? []),
      ...(this.globalCritic?.variables ?? []),
    ];
  }

  get auxiliaryVariables(): tf.Variable[] {
    return this.prior?.variables ?? [];
  }

  /**
   * The weighted DIM loss of one batch.
   * @param batch images `[B, H, W, C]` in [0, 1], B ≥ 2
   * @returns loss and metrics `mi_local`, `mi_global` (nats, per active term), `prior_gen` (the encoder's adversarial term)
   */
  loss(batch: Batch, options: { training: boolean; step: number }): LossResult {
    return tf.tidy(() => {
      let outputs = this.examples(this.views(batch.images, options), options);
      // In evaluation both views are the batch itself: encoded once, its outputs stand for both.
      if (this.config.crossViews && !options.training) outputs = outputs.map((o) => tf.concat([o, o], 0));
      const { loss, metrics } = this.batchLoss(outputs, options);
      return { loss, metrics };
    });
  }

  /**
   * What the encoder sees: in evaluation the batch; in training the batch augmented, with
   * `crossViews` two augmented views of it stacked on axis 0 (`[2B, ...]`).
   */
  private views(images: tf.Tensor4D, options: { training: boolean; step: number }): tf.Tensor4D {
    if (!options.training) return images;
    const view = (seed: number) => augmentAt(images, this.config.augment, seed, options.step);
    return this.config.crossViews ? tf.concat([view(this.seeds[5]), view(this.seeds[6])], 0) : view(this.seeds[5]);
  }

  /**
   * The per-example / batch division of {@link loss}: the encoder and the local term's
   * heads are per example; the scores, bounds and prior terms couple the batch. Null
   * when the encoder uses batch norm (its batch statistics couple the examples) or the
   * objective augments (one seeded draw per batch, which a shard would not reproduce).
   */
  split(): ExampleSplit | null {
    if ((this.encoder.config as { batchNorm?: boolean }).batchNorm || this.config.augment.length > 0) return null;
    return {
      variables: [...this.encoder.trainableVariables, ...(this.localHead?.variables ?? []), ...(this.globalHead?.variables ?? [])],
      examples: (images, options) => this.examples(images, options),
      batchLoss: (outputs, options) => this.batchLoss(outputs, options),
    };
  }

  /** Per-example outputs: local-head map `[b, L, U]` and global head `[b, U]` (β > 0), then the code `[b, D]` (α or γ > 0), then the local map `[b, M, M, C]` (α > 0). */
  private examples(images: tf.Tensor4D, options: { training: boolean }): tf.Tensor[] {
    return tf.tidy(() => {
      const { local, global } = this.encoder.encode(images, { training: options.training });
      const out: tf.Tensor[] = [];
      if (this.localHead && this.globalHead) {
        const [b, m1, m2, c] = local.shape;
        // A 1×1-conv head is a dense map of every location's feature vector.
        const flat = this.localHead.apply(tf.reshape(local, [b * m1 * m2, c])); // [B·M·M, U]
        out.push(tf.reshape(flat, [b, m1 * m2, -1]), this.globalHead.apply(global));
      }
      if (this.globalCritic || this.prior) out.push(global);
      if (this.globalCritic) out.push(local);
      return out;
    });
  }

  /** The loss from the outputs of {@link examples} for the whole batch. */
  private batchLoss(outputs: tf.Tensor[], options: { training: boolean; step: number }): LossResult {
    return tf.tidy(() => {
      const rest = [...outputs];
      const metrics: Record<string, tf.Scalar> = {};
      const terms: tf.Scalar[] = [];
      if (this.localHead && this.globalHead) {
        const [heads, g] = rest.splice(0, 2) as [tf.Tensor3D, tf.Tensor2D]; // [B, L, U], [B, U]
        const [b, l] = heads.shape;
        const everyLocation = this.config.localNegatives === 'batch+locations';
        const bound =
          !everyLocation || POOLED.has(this.bounds.kind)
            ? this.bounds.apply('local', this.localScores(g, heads), everyLocation ? { poolLocations: true } : {}, options.training)
            : this.bounds.apply(
                'local',
                tf.reshape(tf.tile(tf.expandDims(localDots(g, heads), 1), [1, l, 1]), [b * l, b * l]),
                {
                  // Row (i, l) repeats image i's global row for each of its locations; every
                  // location of another image is a negative, the image's own other locations are neither.
                  negativeMask: this.otherImagesMask(b, l),
                },
                options.training,
              );
        metrics.mi_local = bound.estimate;
        terms.push(tf.mul(this.config.beta, bound.loss));
      }
      const global = (this.globalCritic || this.prior ? rest.shift() : undefined) as tf.Tensor2D;
      if (this.globalCritic) {
        const local = rest.shift() as tf.Tensor4D;
        const bound = this.bounds.apply(
          'global',
          this.globalCritic.scores(global, tf.reshape(local, [local.shape[0], -1])),
          {},
          options.training,
        );
        metrics.mi_global = bound.estimate;
        terms.push(tf.mul(this.config.alpha, bound.loss));
      }
      if (this.prior) {
        const gen = this.prior.generatorLoss(global);
        metrics.prior_gen = gen;
        terms.push(tf.mul(this.config.gamma, gen));
        if (options.training) {
          this.pendingCodes?.dispose();
          this.pendingCodes = tf.keep(global.clone());
        }
      }
      return { loss: tf.addN(terms) as tf.Scalar, metrics };
    });
  }

  /**
   * Trains the prior discriminator one step on this batch's codes: those the last
   * training-mode `loss` computed (as the generator term saw them), else the batch
   * encoded in inference mode.
   */
  auxiliaryStep(batch: Batch, _options: { step: number }): Record<string, tf.Scalar> {
    if (!this.prior) return {};
    let codes = this.pendingCodes;
    this.pendingCodes = null;
    if (codes === null) {
      const { local, global, taps } = this.encoder.encode(batch.images, { training: false });
      tf.dispose([local, ...Object.values(taps)]);
      codes = global;
    }
    try {
      return this.prior.step(codes);
    } finally {
      codes.dispose();
    }
  }

  /**
   * The representation a probe evaluates: the global code.
   * @param images `[B, H, W, C]` @returns `[B, D]`
   */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.encoder.encode(images, { training: false });
      return out.global;
    });
  }

  /**
   * `[B, B, L]` local scores of global heads `g` `[B, U]` against local heads `[B, L, U]`.
   * With `crossViews` (rows 0..B view 1, B..2B view 2) view 1's global heads against view
   * 2's local heads and back, the two directions side by side as locations, `[B, B, 2L]`:
   * the bound's mean over locations is then the mean of the two directions, and an image's
   * negatives are the other images' features of the same view and location.
   */
  private localScores(g: tf.Tensor2D, heads: tf.Tensor3D): tf.Tensor3D {
    const [n, l] = heads.shape;
    if (!this.config.crossViews) return tf.reshape(localDots(g, heads), [n, n, l]);
    const [g1, g2] = tf.split(g, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    const [h1, h2] = tf.split(heads, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
    const b = n / 2;
    return tf.concat([tf.reshape(localDots(g1, h2), [b, b, l]), tf.reshape(localDots(g2, h1), [b, b, l])], 2) as tf.Tensor3D;
  }

  private otherImagesMask(b: number, l: number): tf.Tensor2D {
    if (this.negativeMask?.b !== b || this.negativeMask.l !== l) {
      this.negativeMask?.mask.dispose();
      this.negativeMask = { b, l, mask: tf.keep(otherImages(b, l)) };
    }
    return this.negativeMask.mask;
  }

  /** The prior sampler's generator (`prior_rng`), with prior matching; MINE's moving averages (`bound_local`, `bound_global`). */
  buffers(): Record<string, tf.Tensor> {
    return { ...(this.prior ? { prior_rng: rngBuffer(this.prior.rng) } : {}), ...this.bounds.buffers() };
  }

  /** Puts back what {@link buffers} returned. @throws ShapeError naming the buffer at fault */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    checkBuffers('DimObjective.setBuffers', buffers, { ...(this.prior ? { prior_rng: [4] } : {}), ...this.bounds.bufferShapes() });
    if (this.prior) setRng(this.prior.rng, buffers.prior_rng);
    this.bounds.setBuffers(buffers);
  }

  dispose(): void {
    this.negativeMask?.mask.dispose();
    this.negativeMask = null;
    this.encoder.dispose();
    this.localHead?.dispose();
    this.globalHead?.dispose();
    this.globalCritic?.dispose();
    this.prior?.dispose();
    this.bounds.dispose();
    this.pendingCodes?.dispose();
    this.pendingCodes = null;
  }
}
