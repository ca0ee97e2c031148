import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { checkFloat, checkPositiveInt, describe } from '../internal/validate';

/** Options of {@link MemoryQueue}. */
export interface MemoryQueueOptions {
  /** Most rows kept (CMC uses 16384 on ImageNet). */
  capacity: number;
  /** Size of each stored row. */
  dim: number;
}

/**
 * A FIFO queue of past embeddings used as extra negatives: after each step push that
 * step's y's; score the current x's against `values()` with the same critic and pass
 * the result as `extra` to a bound. Stored rows are detached copies: no gradient flows
 * into past batches.
 *
 * He et al. 2020 (MoCo), https://arxiv.org/abs/1911.05722; Tian et al. 2020 (CMC),
 * https://arxiv.org/abs/1906.05849
 *
 * @example
 * const queue = new MemoryQueue({ capacity: 4096, dim: 128 });
 * const loss = () => infoNce(critic.scores(x, y), { extra: critic.scores(x, queue.values()) }).loss;
 * optimizer.minimize(loss, false, critic.variables);
 * queue.push(y);
 */
export class MemoryQueue {
  private readonly capacity: number;
  private readonly dim: number;
  /** Newest rows first: [size, dim]; null while empty. */
  private rows: tf.Tensor2D | null = null;

  /** @throws ConfigError for a non-positive-integer capacity or dim. */
  constructor(options: MemoryQueueOptions) {
    checkPositiveInt('MemoryQueue', 'capacity', options.capacity);
    checkPositiveInt('MemoryQueue', 'dim', options.dim);
    this.capacity = options.capacity;
    this.dim = options.dim;
  }

  /** Number of rows stored now (≤ capacity). */
  get size(): number {
    return this.rows === null ? 0 : this.rows.shape[0];
  }

  /**
   * Appends a batch, dropping the oldest rows beyond the capacity.
   *
   * @param y [B, dim]
   * @throws ShapeError for another shape or dtype (values are not read: a NaN row shows in the loss).
   */
  push(y: tf.Tensor2D): void {
    if (!(y instanceof tf.Tensor) || y.rank !== 2 || y.shape[1] !== this.dim) {
      throw new ShapeError(`MemoryQueue.push: 'y' must have shape [batch, ${this.dim}], got ${describe(y)}`);
    }
    checkFloat('MemoryQueue.push', y, 'y');
    const old = this.rows;
    this.rows = tf.tidy(() => {
      const joined = old === null ? y : tf.concat([y, old], 0);
      const keep = Math.min(this.capacity, joined.shape[0]);
      return joined.slice([0, 0], [keep, this.dim]);
    });
    old?.dispose();
  }

  /**
   * Replaces the stored rows by `rows`, newest first as {@link values} returns them: to put
   * a checkpointed queue back. The queue keeps its own copy.
   *
   * @param rows [n, dim] with n ≤ capacity
   * @throws ShapeError for another shape or dtype, or more rows than the capacity.
   */
  load(rows: tf.Tensor2D): void {
    if (!(rows instanceof tf.Tensor) || rows.rank !== 2 || rows.shape[1] !== this.dim || rows.shape[0] > this.capacity) {
      throw new ShapeError(`MemoryQueue.load: 'rows' must have shape [n ≤ ${this.capacity}, ${this.dim}], got ${describe(rows)}`);
    }
    checkFloat('MemoryQueue.load', rows, 'rows');
    this.rows?.dispose();
    this.rows = rows.shape[0] === 0 ? null : (rows.clone() as tf.Tensor2D);
  }

  /**
   * The stored rows, newest first: [size, dim] (size may be 0). The caller owns the
   * returned tensor (a copy sharing the data).
   */
  values(): tf.Tensor2D {
    return this.rows === null ? tf.zeros([0, this.dim]) : this.rows.clone();
  }

  /** Frees the stored rows; the queue is empty afterwards. */
  dispose(): void {
    this.rows?.dispose();
    this.rows = null;
  }
}
