/**
 * Contrastive Multiview Coding: one encoder per view (or one shared by views of one
 * kind, `sharedEncoder`), and the MI between the codes of view pairs maximised with a
 * contrastive bound:
 *
 *   L = Σ_{(a,b) ∈ pairs} ½·(−Î(z_a; z_b) − Î(z_b; z_a)),  T(z_a, z_b) = cos(g_a z_a, h_b z_b) / τ
 *
 * (in-batch negatives, optionally plus a memory queue of past codes). With `momentum`
 * m > 0 the candidates a view is scored against are keys from a slowly moving copy of
 * the other view's encoder, k ← m·k + (1 − m)·θ after every step (MoCo; CMC's `--moco`
 * variant), so that queued codes stay comparable with new ones. Pairs: with
 * two views the one pair; with more, `'core'` pairs view 0 with each other view,
 * `'full'` takes every pair (the paper's full graph). InfoNCE by default; any bound of
 * `@infomax/estimators` works on the same `[B, B]` scores.
 *
 * Tian, Krishnan & Isola 2020, "Contrastive Multiview Coding", https://arxiv.org/abs/1906.05849;
 * He et al. 2020, "Momentum Contrast for Unsupervised Visual Representation Learning", https://arxiv.org/abs/1911.05722
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { bool, finite, int, nullish, object, oneOf, reject, Rng } from '@infomax/engine';
import { buildEncoder, type Encoder, type EncoderConfig } from '@infomax/encoders';
import { MemoryQueue, separableCritic, type Critic } from '@infomax/estimators';
import { defaultViews, VIEWS_SCHEMA, viewFunction, viewsAlikeAtTest, viewsFit, viewShapes, type CmcViewsConfig } from './cmc-views';
import { augment, type AugmentStep } from '@infomax/views';
import { MASKED_ESTIMATOR_KINDS, ObjectiveBounds, type EstimatorKind } from './estimator';
import { augmentField, checkAugment, stepRng } from './internal/augment-config';
import { checkBuffers, rngBuffer, setRng } from './internal/buffers';
import { estimatorField, estimatorIn, inputShapeField, seedField, sizesField, temperatureField } from './internal/config-schema';
import { buildEncoderAt, buildImageEncoder, encoderField, partSeeds, type EncoderPart } from './internal/encoder-part';
import type { Batch, LossResult, Objective } from './objective';

/** How views are paired, declared once. */
export const CMC_MODES = ['core', 'full'] as const;
/** One of {@link CMC_MODES}. */
export type CmcMode = (typeof CMC_MODES)[number];

/** A CMC config with every default filled in (what `objective.config` holds). */
export type CmcConfig = {
  kind: 'cmc';
  /** Image shape `[height, width, channels]`. Required. */
  inputShape: [number, number, number];
  /** The views (see CmcViewsConfig). Default `{ kind: 'lab' }` for RGB, `{ kind: 'crops', count: 2 }` otherwise. */
  views: CmcViewsConfig;
  /** `'core'` (view 0 against each other view) or `'full'` (every pair). The same with two views. Default 'core'. */
  mode: CmcMode;
  /** Each view's encoder (an @infomax/encoders config without `inputShape`/`seed`). Default `{ kind: 'dcgan' }`. */
  encoder: EncoderPart;
  /** The bound. Default 'infonce' (CMC's). */
  estimator: EstimatorKind;
  /** Temperature τ of the cosine scores, > 0. Default 0.07. */
  temperature: number;
  /** Hidden sizes of each side's projection before the cosine (`[]`: linear, CMC's). Default []. */
  projectionHidden: number[];
  /** Width of the projected embedding. Default 128. */
  projectionUnits: number;
  /** Rows of the memory queue of past codes per view (past keys, with `momentum`): extra negatives; 0 = in-batch only. Default 0. */
  queueSize: number;
  /**
   * Momentum m ∈ [0, 1) of a key encoder per view (MoCo): each view is scored against
   * the other view's keys — its key encoder's codes, batch and queue — and after every
   * step each key weight moves to m·k + (1 − m)·θ of its encoder's θ. 0: no key encoders,
   * codes against codes (CMC's default). MoCo uses 0.999 over 200 epochs; a few thousand
   * steps want about 0.99. Default 0.
   */
  momentum: number;
  /**
   * One encoder for every view, where the views are of one kind and shape (crops of one
   * image: the choice of SimCLR and instance discrimination) instead of CMC's one per
   * view (for views of different modalities). With crops, {@link CmcObjective.embed} is
   * then that encoder's code of the whole image. Default false.
   */
  sharedEncoder: boolean;
  /**
   * Augmentations in training (@infomax/views steps keeping the shape), drawn per step from
   * the seed: with `crops`, applied to each crop independently (SimCLR-style views); with
   * the other views, to the image before it is split, so both views see one augmentation
   * (a crop before Lab's L | ab split, as CMC's). Default [].
   */
  augment: AugmentStep[];
  /** Seed of every initialisation, crop and augmentation. Default 0. */
  seed: number;
};

/** A CMC config's keys, defaults and checks across keys (the one place they are set). */
export const CMC_SCHEMA = object({
  kind: oneOf(['cmc'] as const),
  inputShape: inputShapeField(),
  views: nullish(VIEWS_SCHEMA, null),
  mode: nullish(oneOf(CMC_MODES), 'core'),
  encoder: encoderField({ kind: 'dcgan' }),
  estimator: estimatorField('infonce'),
  temperature: temperatureField(0.07),
  projectionHidden: sizesField([]),
  projectionUnits: nullish(int(1), 128),
  queueSize: nullish(int(0), 0),
  momentum: nullish(finite({ min: 0, below: 1 }), 0),
  sharedEncoder: nullish(bool(), false),
  augment: augmentField([]),
  seed: seedField(),
}).transform((c, ctx): CmcConfig => {
  const inputShape = c.inputShape as [number, number, number];
  const views = c.views ?? defaultViews(inputShape[2]);
  if (!viewsFit(views, inputShape[2]))
    return reject(ctx, ['views', 'kind'], `halves or crops for ${inputShape[2]}-channel images (Lab needs RGB)`, views.kind);
  if (c.sharedEncoder) {
    const shapes = viewShapes(views, inputShape);
    if (shapes.some((s) => s.join('x') !== shapes[0].join('x'))) {
      return reject(
        ctx,
        ['sharedEncoder'],
        `false for views of different shapes (${shapes.map((s) => `[${s.join(', ')}]`).join(' vs ')})`,
        true,
      );
    }
  }
  if (c.queueSize > 0 && !estimatorIn(ctx, c.estimator, MASKED_ESTIMATOR_KINDS, 'with a queue (queued codes are extra negatives)'))
    return z.NEVER;
  if (!checkAugment(ctx, c.augment, inputShape)) return z.NEVER;
  return { ...c, inputShape, views, augment: c.augment };
});

/** Builds CMC from a config {@link CMC_SCHEMA} resolved: an encoder per view (or one shared), momentum copies. */
export function buildCmc(config: CmcConfig): CmcObjective {
  const shapes = viewShapes(config.views, config.inputShape);
  const seeds = partSeeds(config.seed, 2 * shapes.length + 2);
  const first = buildImageEncoder(config.encoder, shapes[0], seeds[0]);
  const encoders = [first.encoder];
  try {
    for (let v = 1; v < shapes.length; v++) {
      encoders.push(
        config.sharedEncoder
          ? first.encoder
          : buildEncoderAt(config.encoder, { ...first.stored, inputShape: shapes[v], seed: seeds[v] } as EncoderConfig),
      );
    }
  } catch (err) {
    new Set(encoders).forEach((e) => e.dispose());
    throw err;
  }
  if (config.momentum > 0) encoders.push(...momentumCopies(encoders));
  const resolved = { ...config, encoder: first.stored };
  return new CmcObjective(resolved, encoders.slice(0, shapes.length), seeds.slice(shapes.length), encoders.slice(shapes.length));
}

/** A key encoder per view, each a copy of its view's encoder (views sharing an encoder share its copy). */
function momentumCopies(encoders: Encoder[]): Encoder[] {
  const copies = new Map<Encoder, Encoder>();
  return encoders.map((e) => {
    let key = copies.get(e);
    if (key === undefined) {
      key = buildEncoder(e.config);
      copies.set(e, key);
      key.trainableVariables.forEach((v, i) => v.assign(e.trainableVariables[i]));
    }
    return key;
  });
}

/** CMC as an {@link Objective}; build it with `buildObjective({ kind: 'cmc', inputShape, views })`. */
export class CmcObjective implements Objective {
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer> = {};
  /** View pairs `[a, b]` and their critics. */
  private readonly pairs: { a: number; b: number; critic: Critic }[] = [];
  private readonly queues: MemoryQueue[] = [];
  private readonly views: (images: tf.Tensor4D, training: boolean) => tf.Tensor4D[];
  /** The generator of the random views (crops). */
  private readonly viewRng: Rng;
  private readonly bounds: ObjectiveBounds;
  private readonly augmentSeed: number;
  /** Keys of the last training batch (its codes, without momentum), pushed into the queues by {@link auxiliaryStep}. */
  private pending: tf.Tensor2D[] = [];

  constructor(
    readonly config: CmcConfig,
    private readonly encoders: Encoder[],
    seeds: number[],
    /** With momentum, the key encoder of each view; else empty. */
    private readonly keyEncoders: Encoder[] = [],
  ) {
    if (keyEncoders.length !== 0 && keyEncoders.length !== encoders.length) {
      throw new Error(`CmcObjective: ${keyEncoders.length} key encoders for ${encoders.length} views`);
    }
    this.viewRng = new Rng(seeds[encoders.length]);
    this.augmentSeed = seeds[encoders.length + 1];
    this.views = viewFunction(config.views, this.viewRng);
    const n = encoders.length;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (config.mode === 'core' && a > 0) continue;
        const critic = separableCritic({
          xDim: encoders[a].globalSize,
          yDim: encoders[b].globalSize,
          hidden: config.projectionHidden,
          embedDim: config.projectionUnits,
          cosine: true,
          temperature: config.temperature,
          seed: seeds[this.pairs.length],
        });
        this.pairs.push({ a, b, critic });
      }
    }
    this.bounds = new ObjectiveBounds(
      config.estimator,
      'CmcObjective',
      this.pairs.flatMap(({ a, b }) => [`${a}_${b}`, `${b}_${a}`]),
    );
    if (config.queueSize > 0) encoders.forEach((e) => this.queues.push(new MemoryQueue({ capacity: config.queueSize, dim: e.globalSize })));
  }

  /** The encoder of view 0 (L for Lab), or the one shared encoder; {@link embed} says what is probed. */
  get encoder(): Encoder {
    return this.encoders[0];
  }

  /** The key encoders' weights (moved by {@link auxiliaryStep}, not by the loss); empty without momentum. */
  get auxiliaryVariables(): tf.Variable[] {
    return distinct(this.keyEncoders).flatMap((e) => e.trainableVariables);
  }

  get variables(): tf.Variable[] {
    return [...distinct(this.encoders).flatMap((e) => e.trainableVariables), ...this.pairs.flatMap((p) => p.critic.variables)];
  }

  /**
   * The CMC loss of one batch.
   * @param batch images `[B, H, W, C]` in [0, 1], B ≥ 2
   * @returns loss and metrics `mi_<a>_<b>` per pair (mean of both directions, nats) and `mi` (their mean)
   */
  loss(batch: Batch, options: { training: boolean; step: number }): LossResult {
    const { training } = options;
    // One tidy for everything: the tape needs the codes until the gradients are taken.
    return tf.tidy(() => {
      const views = this.augmentedViews(batch.images, training, options.step);
      const codes = views.map((x, v) => this.encoders[v].encode(x, { training }).global);
      // What each view's codes are scored against: the key encoders' codes (no gradient
      // reaches those: their weights are not among `variables`), else the codes themselves.
      const momentum = this.keyEncoders.length > 0;
      const keys = momentum ? views.map((x, v) => this.keyEncoders[v].encode(x, { training }).global) : codes;
      const queued = this.queues.map((q) => (q.size > 0 ? q.values() : null));
      const metrics: Record<string, tf.Scalar> = {};
      const losses: tf.Scalar[] = [];
      for (const { a, b, critic } of this.pairs) {
        const scores = critic.scores(codes[a], keys[b]); // [B, B]: view a against b's candidates
        const reverse = momentum ? tf.transpose(critic.scores(keys[a], codes[b])) : tf.transpose(scores); // view b against a's
        const qa = queued[a];
        const qb = queued[b];
        const ab = this.bounds.apply(`${a}_${b}`, scores, qb ? { extra: critic.scores(codes[a], qb) } : {}, training);
        const ba = this.bounds.apply(`${b}_${a}`, reverse, qa ? { extra: tf.transpose(critic.scores(qa, codes[b])) } : {}, training);
        metrics[`mi_${a}_${b}`] = tf.mul(0.5, tf.add(ab.estimate, ba.estimate)) as tf.Scalar;
        losses.push(tf.mul(0.5, tf.add(ab.loss, ba.loss)) as tf.Scalar);
      }
      metrics.mi = tf.mean(tf.stack(Object.values(metrics))) as tf.Scalar;
      if (training && this.queues.length > 0) {
        tf.dispose(this.pending);
        this.pending = keys.map((c) => tf.keep(c.clone()));
      }
      return { loss: tf.addN(losses) as tf.Scalar, metrics };
    });
  }

  /** The views of a batch; in training with `augment`, each crop augmented, or the image before it is split. */
  private augmentedViews(images: tf.Tensor4D, training: boolean, step: number): tf.Tensor4D[] {
    const steps = this.config.augment;
    if (!training || steps.length === 0) return this.views(images, training);
    const rng = stepRng(this.augmentSeed, step);
    if (viewsAlikeAtTest(this.config.views)) return this.views(images, training).map((v) => augment(v, { rng, steps }));
    return this.views(augment(images, { rng, steps }), training);
  }

  /**
   * After a training step: pushes its keys (codes without momentum) into the memory
   * queues, and moves every key encoder weight to m·k + (1 − m)·θ (no-ops without
   * queues and momentum).
   */
  auxiliaryStep(_batch: Batch, _options: { step: number }): Record<string, number> {
    this.pending.forEach((c, v) => this.queues[v].push(c));
    tf.dispose(this.pending);
    this.pending = [];
    const m = this.config.momentum;
    const moved = new Set<Encoder>();
    tf.tidy(() =>
      this.keyEncoders.forEach((key, v) => {
        if (moved.has(key)) return; // views sharing an encoder share its key copy
        moved.add(key);
        const theta = this.encoders[v].trainableVariables;
        key.trainableVariables.forEach((k, i) => k.assign(tf.add(tf.mul(m, k), tf.mul(1 - m, theta[i]))));
      }),
    );
    return this.queues.length > 0 ? { queue_size: this.queues[0].size } : {};
  }

  /** The views' generator (`views_rng`), each view's queue (`queue_<v>`, newest first), MINE's averages (`bound_<a>_<b>`). */
  buffers(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = { views_rng: rngBuffer(this.viewRng), ...this.bounds.buffers() };
    this.queues.forEach((q, v) => (out[`queue_${v}`] = q.values()));
    return out;
  }

  /** Puts back what {@link buffers} returned. @throws ShapeError naming the buffer at fault */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    const expected: Record<string, (number | null)[]> = { views_rng: [4], ...this.bounds.bufferShapes() };
    this.queues.forEach((_q, v) => (expected[`queue_${v}`] = [null, this.encoders[v].globalSize]));
    checkBuffers('CmcObjective.setBuffers', buffers, expected);
    setRng(this.viewRng, buffers.views_rng);
    this.bounds.setBuffers(buffers);
    this.queues.forEach((q, v) => q.load(buffers[`queue_${v}`] as tf.Tensor2D));
  }

  /**
   * The representation a probe evaluates: every view's code, concatenated (CMC's choice);
   * with one shared encoder over views that are all the whole image at test time (crops),
   * their one code, computed once.
   * @param images `[B, H, W, C]` @returns `[B, Σ D_v]`, or `[B, D]` for shared crops
   */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    if (this.config.sharedEncoder && viewsAlikeAtTest(this.config.views)) return tf.tidy(() => this.encoders[0].encode(images).global);
    return tf.tidy(() =>
      tf.concat(
        this.views(images, false).map((x, v) => this.encoders[v].encode(x).global),
        1,
      ),
    );
  }

  dispose(): void {
    distinct([...this.encoders, ...this.keyEncoders]).forEach((e) => e.dispose());
    this.pairs.forEach((p) => p.critic.dispose());
    this.bounds.dispose();
    this.queues.forEach((q) => q.dispose());
    tf.dispose(this.pending);
    this.pending = [];
  }
}

/** Encoders, each once (one, when views share it). */
function distinct(encoders: Encoder[]): Encoder[] {
  return [...new Set(encoders)];
}
