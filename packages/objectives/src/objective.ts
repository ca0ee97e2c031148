/**
 * The contract every objective fulfils, and the one training step the trainer
 * runs on any of them. An objective is views + encoders + critic + bound; it
 * owns its parts' variables (and, for adversarial pieces such as DIM's prior
 * discriminator, an auxiliary step with its own optimizer). Its type parameters
 * default to images; a graph objective (InfoGraph) takes batches of graphs.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Encoder, GraphEncoder, GraphInput } from '@infomax/encoders';
import type { ExampleSplit } from './example-split';

/** A batch as the data package yields it: images `[batch, height, width, channels]` in [0, 1]. */
export interface Batch {
  images: tf.Tensor4D;
  labels?: tf.Tensor1D;
}

/** What {@link Objective.loss} returns; the caller owns the tensors. */
export interface LossResult {
  /** The scalar to minimise. */
  loss: tf.Scalar;
  /** Every MI estimate it computes (in nats) and other diagnostics, as scalars. */
  metrics: Record<string, tf.Scalar>;
}

/**
 * A configured objective.
 * @typeParam B the batch `loss` takes: images ({@link Batch}, the default) or graphs (`GraphInput`)
 * @typeParam E the encoder whose representation is evaluated: `Encoder` or `GraphEncoder`
 * @typeParam X what `embed` takes: images `[batch, height, width, channels]` or graphs
 */
export interface Objective<B = Batch, E = Encoder, X = tf.Tensor4D> {
  /** JSON-serialisable config (defaults filled in); `buildObjective(config)` rebuilds the same objective. */
  readonly config: { kind: string } & Record<string, unknown>;
  /** The encoder whose representation is evaluated (frozen features for the probe). */
  readonly encoder: E;
  /** Variables the main loss trains: encoders, heads, critics, context/predictor nets. */
  readonly variables: tf.Variable[];
  /**
   * Variables the main loss does not train, updated by {@link auxiliaryStep} instead: parts
   * with their own optimizer (DIM's prior discriminator) or moved by a rule (CMC's momentum
   * key encoders). Checkpointed with the rest; may be empty.
   */
  readonly auxiliaryVariables: tf.Variable[];
  /**
   * The loss and metrics of one batch. Pure tensor math (no optimizer side effects):
   * the trainer calls it inside `optimizer.minimize` / `tf.variableGrads`.
   * `training` switches batch norm to batch statistics and randomised views on.
   */
  loss(batch: B, options: { training: boolean; step: number }): LossResult;
  /**
   * Optional auxiliary update run after the main step (DIM prior matching trains its
   * discriminator here with its own optimizer). Returns its metrics as scalars (read back
   * with the step's own, in one read, then disposed by the caller) or plain numbers.
   */
  auxiliaryStep?(batch: B, options: { step: number }): Record<string, tf.Scalar | number>;
  /**
   * The representation a probe evaluates, from raw images `[batch, height, width, channels]`
   * (or a batch of graphs) to `[batch, D]` (inference mode). Optional for custom objectives;
   * the built-in ones apply their own views first (CMC's Lab split — codes of every view
   * concatenated — CPC's patch grid), which `encoder` alone does not. The caller owns the result.
   */
  embed?(input: X): tf.Tensor2D;
  /**
   * State besides variables and optimizer slots that shapes the next steps: memory queues
   * (CMC), the generators of random views and prior samples (their state as four int32
   * words). The trainer saves it in each checkpoint and gives it back to
   * {@link setBuffers} on resume, so that a resumed run takes the steps an unstopped one
   * would. The caller owns the returned tensors. Absent: the objective has no such state.
   */
  buffers?(): Record<string, tf.Tensor>;
  /**
   * Puts back what {@link buffers} returned (the caller keeps the tensors).
   * @throws ShapeError naming the buffer when one is missing, unknown or of another shape
   */
  setBuffers?(buffers: Record<string, tf.Tensor>): void;
  /**
   * The loss divided into a per-example and a batch part (see {@link ExampleSplit}), so a
   * step can spread the per-example part over threads. Absent when the objective offers
   * none; null when its config couples the examples (an encoder with batch norm).
   */
  split?(): ExampleSplit | null;
  /** Optimizers owned by auxiliary parts, by name (their state goes into checkpoints). */
  readonly auxiliaryOptimizers: Record<string, tf.Optimizer>;
  /** Frees every variable and model the objective owns. */
  dispose(): void;
}

/**
 * An objective on graphs: `loss` and `embed` take a batch of graphs as one disjoint union
 * (`GraphInput`: node features, edge index lists, node → graph segment ids; what
 * `@infomax/data`'s `graphBatch` yields), `embed` returns one row per graph.
 */
export type GraphObjective = Objective<GraphInput, GraphEncoder, GraphInput>;
