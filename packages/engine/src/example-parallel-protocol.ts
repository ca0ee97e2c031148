/**
 * The contract between {@link ExampleParallel} (Node-only) and the code that uses it,
 * browser-safe so that a training step can take a splitter without importing Node:
 * a step whose loss couples the examples of a batch (in-batch negatives) is split
 * into a per-example part, run on a shard of the batch in each thread, and a batch
 * part, run once on the main thread on every shard's outputs.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * What a task module exports as `createTask(options)` for {@link ExampleParallel}: one
 * replica of the per-example part. Its weights are sent by the main thread before each
 * step, so a replica only needs the right variable shapes, in the main thread's order.
 */
export interface ExampleTask {
  /** The part's variables, in the order of the main thread's list (same shapes). */
  variables: tf.Variable[];
  /**
   * The per-example part on a shard: inputs each `[shard, ...]`, outputs each
   * `[shard, ...]` (row i of every output depends on row i of the inputs only).
   * Synchronous tensor math, run under a gradient tape.
   */
  forward(inputs: tf.Tensor[]): tf.Tensor[];
}

/**
 * A per-example part spread over threads, as a training step sees it (implemented by
 * the Node-only `ExampleParallel` of `@infomax/engine`).
 */
export interface ExampleSplitter {
  /** Threads the batch is split over (the main thread included). */
  readonly threads: number;
  /**
   * A scalar variable (0, never updated) to differentiate along with the model's: it
   * puts the other threads' outputs on the gradient tape, so that their gradients are
   * computed, and sent back, during the backward pass. Drop its gradient.
   */
  readonly gate: tf.Variable;
  /**
   * Starts a step; call inside the function being differentiated. Sends `variables`'
   * values and a shard of `inputs` to each other thread, runs `local` on the first shard
   * here, and returns every output for the whole batch (shards concatenated on axis 0).
   * @param inputs each `[batch, ...]`, float32
   * @param variables the per-example part's variables (those of the task, same order)
   * @param local the per-example part, as {@link ExampleTask.forward}
   * @returns the outputs, each `[batch, ...]`
   */
  forward(inputs: tf.Tensor[], variables: tf.Variable[], local: (shard: tf.Tensor[]) => tf.Tensor[]): tf.Tensor[];
  /**
   * Ends a step after the backward pass: adds every other thread's gradient of
   * `variables` to `grads`, in thread order, disposing the tensors it replaces.
   * @returns `grads` with the summed gradients
   */
  gather(grads: tf.NamedTensorMap, variables: tf.Variable[]): tf.NamedTensorMap;
  /** Releases the other threads from a step that failed before {@link gather}; a no-op otherwise. */
  cancel(): void;
}

/** A tensor as it crosses threads. */
export interface WireTensor {
  values: Float32Array<ArrayBuffer>;
  shape: number[];
}

/** Starts a worker's step (sent on the worker's port); the weights are in the shared weights buffer. */
export type StepMessage = { kind: 'step'; inputs: WireTensor[] };

/** Builds a worker's replica (sent on the worker's port); answered by `ready` with the variables' shapes. */
export type InitMessage = { kind: 'init'; module: string; options: unknown; backend: 'wasm' | 'cpu'; port: unknown; words: Int32Array };

/** Hands a worker the buffers it shares with the main thread: every replica's weights (one), its own gradients. */
export type ShareMessage = { kind: 'share'; weights: SharedArrayBuffer; grads: SharedArrayBuffer };

/** Messages of a step on the synchronous channel, main thread to worker. */
export type ToReplica = { kind: 'dy'; dys: WireTensor[] } | { kind: 'abort' };

/** Messages of a step on the synchronous channel, worker to main thread. */
export type FromReplica =
  { kind: 'outputs'; outputs: WireTensor[] } | { kind: 'grads' } | { kind: 'aborted' } | { kind: 'error'; message: string };
