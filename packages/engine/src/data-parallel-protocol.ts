/**
 * Messages between {@link DataParallel} and its workers, and the task contract a
 * user module fulfils so each worker can build an identical replica.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * What a task module exports as `createTask(options)`: the same options must build
 * bit-identical replicas (seed every initializer).
 */
export interface ParallelTask {
  /** Variables the optimizer trains, in a fixed order. */
  variables: tf.Variable[];
  /** The scalar loss of a shard (a mean over its examples). Inputs: the step's tensors, sharded on axis 0. */
  loss: (inputs: tf.Tensor[]) => tf.Scalar;
  /** The optimizer each replica applies the averaged gradient with. */
  optimizer: tf.Optimizer;
}

/** One input of a step: values and shape; axis 0 is split across workers. */
export interface StepInput {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export type ToWorker =
  | { kind: 'init'; module: string; options: unknown; backend: 'wasm' | 'cpu' }
  | { kind: 'share'; grads: SharedArrayBuffer; mean: SharedArrayBuffer; index: number; workers: number }
  | { kind: 'grad'; inputs: StepInput[]; weight: number }
  | { kind: 'reduce'; weights: number[] }
  | { kind: 'apply' }
  | { kind: 'read' };

export type FromWorker =
  | { kind: 'ready'; sizes: number[] }
  | { kind: 'shared' }
  | { kind: 'graded'; loss: number }
  | { kind: 'reduced' }
  | { kind: 'applied' }
  | { kind: 'weights'; values: Float32Array[] }
  | { kind: 'error'; message: string };
