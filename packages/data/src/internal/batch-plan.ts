/**
 * The order of a batch stream: options every stream shares (batch size, seed,
 * epochs, dropLast, shuffle, startStep) and the seeded per-epoch plan of which
 * items each batch holds. Image and graph streams both walk it.
 */
import { DatasetError, optionError } from '../errors';
import { createPrng, permutation } from './prng';

/** The order of a batch stream, as the image and graph streams take it. */
export interface BatchOrderOptions {
  /** Items (images, graphs) per batch, ≥ 1. Required. */
  batchSize: number;
  /** Seed of the per-epoch shuffles; the same seed gives the same batches. Default 0. */
  seed?: number;
  /** Passes over the dataset, ≥ 1 (`Infinity` streams forever). Default 1. */
  epochs?: number;
  /** Drop each epoch's last, smaller batch. Default false. */
  dropLast?: boolean;
  /** Shuffle each epoch; false keeps dataset order (for evaluation). Default true. */
  shuffle?: boolean;
  /**
   * Batches of the first epoch to skip without building them (resuming mid-epoch:
   * the order is the same, the first `startStep` batches are never gathered). Default 0.
   */
  startStep?: number;
}

/** {@link BatchOrderOptions} checked, defaults filled in. */
export type ResolvedPlan = Required<BatchOrderOptions>;

/** One planned batch: positions into the dataset. */
export interface PlannedBatch {
  indices: Int32Array;
  epoch: number;
  step: number;
}

/**
 * Number of batches one epoch yields.
 *
 * @param count items in the dataset.
 * @param batchSize items per batch.
 * @param dropLast whether a last, smaller batch is dropped.
 * @returns `floor(count / batchSize)` when dropping, else `ceil(count / batchSize)`.
 * @example
 * stepsPerEpoch(60000, 64, true); // 937
 */
export function stepsPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Checks the order options for a dataset of `count` items (`what`: "images", "graphs").
 * @throws DatasetError `invalid-option` naming `fn` and the option.
 */
export function resolvePlan(fn: string, name: string, count: number, what: string, options: BatchOrderOptions): ResolvedPlan {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw optionError(fn, 'batchSize', 'a positive integer', batchSize);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw optionError(fn, 'seed', 'a finite number', seed);
  const epochs = options.epochs ?? 1;
  if (!(epochs === Infinity || (Number.isInteger(epochs) && epochs >= 1)))
    throw optionError(fn, 'epochs', 'a positive integer or Infinity', epochs);
  const dropLast = options.dropLast ?? false;
  if (count === 0 || (dropLast && count < batchSize)) {
    throw new DatasetError(
      'invalid-option',
      `${fn}: ${name} has ${count} ${what}, too few for one batch of ${batchSize}${dropLast ? ' with dropLast' : ''}`,
    );
  }
  const startStep = options.startStep ?? 0;
  if (!Number.isInteger(startStep) || startStep < 0) throw optionError(fn, 'startStep', 'an integer ≥ 0', startStep);
  return { batchSize, seed, epochs, dropLast, shuffle: options.shuffle ?? true, startStep };
}

/** The batches of every epoch, each epoch in a fresh seeded order (or dataset order without shuffle). */
export function* planBatches(count: number, o: ResolvedPlan): Generator<PlannedBatch> {
  const prng = createPrng(o.seed);
  const steps = stepsPerEpoch(count, o.batchSize, o.dropLast);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = o.shuffle ? permutation(count, prng) : Int32Array.from({ length: count }, (_, i) => i);
    for (let step = epoch === 0 ? o.startStep : 0; step < steps; step++) {
      yield { indices: order.slice(step * o.batchSize, Math.min(count, (step + 1) * o.batchSize)), epoch, step };
    }
  }
}
