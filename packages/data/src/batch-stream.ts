/**
 * Seeded mini-batch streams: each epoch visits every image exactly once in an
 * order drawn from the seed, and the next batch is gathered while the consumer
 * works on the current one.
 */
import * as tf from '@tensorflow/tfjs';
import { type ImageDataset } from './dataset';
import { optionError } from './errors';
import { planBatches, resolvePlan, type BatchOrderOptions, type PlannedBatch } from './internal/batch-plan';

export { stepsPerEpoch } from './internal/batch-plan';

/** One mini-batch. The consumer owns the tensors and must dispose them. */
export interface Batch {
  /** `[batch, height, width, channels]` float32 pixels, in [0, 1] unless `normalize` says otherwise. */
  readonly images: tf.Tensor4D;
  /** `[batch]` int32 labels (−1 for unlabelled images). */
  readonly labels: tf.Tensor1D;
  /** `[batch]` positions of these images in the dataset. */
  readonly indices: Int32Array;
  /** 0-based epoch this batch belongs to. */
  readonly epoch: number;
  /** 0-based batch number within the epoch. */
  readonly step: number;
}

/** Per-channel standardisation applied after scaling to [0, 1]: `(x − mean[c]) / std[c]`. */
export interface Standardize {
  /** One mean per channel. */
  mean: readonly number[];
  /** One standard deviation per channel, each > 0. */
  std: readonly number[];
}

/** Options of {@link batchStream}: the order options every stream takes, and the pixel scaling. */
export interface BatchStreamOptions extends BatchOrderOptions {
  /** `'unit'` scales bytes to [0, 1]; a {@link Standardize} also subtracts and divides per channel. Default `'unit'`. */
  normalize?: 'unit' | Standardize;
}

/**
 * Streams a dataset as `{ images, labels }` tensor batches, shuffled per epoch
 * with a seed. Options are checked when called, before the first batch.
 *
 * Each yielded batch's tensors belong to the consumer: dispose them (or create
 * them inside your own `tf.tidy` scope) after the step, or they leak.
 *
 * @param dataset images `[N, H, W, C]` as bytes.
 * @param options see {@link BatchStreamOptions}.
 * @returns an async iterable of {@link Batch}: images `[batch, H, W, C]` float32, labels `[batch]` int32.
 * @throws DatasetError (`invalid-option`) for a bad option, or when `dropLast`
 *   would leave no batch at all (fewer images than `batchSize`).
 * @example
 * for await (const { images, labels } of batchStream(train, { batchSize: 64, seed: 1, epochs: 2 })) {
 *   const loss = step(images, labels);
 *   tf.dispose([images, labels]);
 * }
 */
export function batchStream(dataset: ImageDataset, options: BatchStreamOptions): AsyncGenerator<Batch, void, undefined> {
  const o = resolveOptions(dataset, options);
  return stream(dataset, o);
}

type Resolved = ReturnType<typeof resolveOptions>;

function resolveOptions(dataset: ImageDataset, options: BatchStreamOptions) {
  const fn = 'batchStream';
  const plan = resolvePlan(fn, dataset.name, dataset.count, 'images', options);
  const normalize = options.normalize ?? 'unit';
  const c = dataset.channels;
  let mean: readonly number[] = new Array<number>(c).fill(0);
  let std: readonly number[] = new Array<number>(c).fill(1);
  if (normalize !== 'unit') {
    if (normalize.mean?.length !== c || !normalize.mean.every(Number.isFinite)) {
      throw optionError(fn, 'normalize.mean', `${c} finite numbers (one per channel)`, normalize.mean);
    }
    if (normalize.std?.length !== c || !normalize.std.every((s) => Number.isFinite(s) && s > 0)) {
      throw optionError(fn, 'normalize.std', `${c} positive numbers (one per channel)`, normalize.std);
    }
    ({ mean, std } = normalize);
  }
  // One 256-entry lookup table per channel turns normalising into a single array read per pixel.
  const lut = mean.map((m, ch) => Float32Array.from({ length: 256 }, (_, v) => (v / 255 - m) / std[ch]));
  return { ...plan, lut };
}

interface HostBatch {
  images: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
  epoch: number;
  step: number;
}

async function* stream(dataset: ImageDataset, o: Resolved): AsyncGenerator<Batch, void, undefined> {
  const plan = planBatches(dataset.count, o);
  const { height, width, channels } = dataset;
  // Gathering runs in a later macrotask, so it overlaps whatever the consumer awaits meanwhile.
  const prefetch = (): Promise<HostBatch | undefined> =>
    new Promise((resolve) =>
      setImmediate(() => {
        const next = plan.next();
        resolve(next.done ? undefined : gather(dataset, next.value, o.lut));
      }),
    );
  let pending = prefetch();
  for (;;) {
    const host = await pending;
    if (host === undefined) return;
    pending = prefetch();
    yield {
      images: tf.tensor4d(host.images, [host.labels.length, height, width, channels], 'float32'),
      labels: tf.tensor1d(host.labels, 'int32'),
      indices: host.indices,
      epoch: host.epoch,
      step: host.step,
    };
  }
}

function gather(dataset: ImageDataset, batch: PlannedBatch, lut: Float32Array[]): HostBatch {
  const size = dataset.height * dataset.width * dataset.channels;
  const c = dataset.channels;
  const images = new Float32Array(batch.indices.length * size);
  const labels = new Int32Array(batch.indices.length);
  batch.indices.forEach((j, i) => {
    labels[i] = dataset.labels[j];
    const src = dataset.images.subarray(j * size, (j + 1) * size);
    const out = i * size;
    if (c === 1) {
      const table = lut[0];
      for (let p = 0; p < size; p++) images[out + p] = table[src[p]];
    } else {
      for (let p = 0; p < size; p++) images[out + p] = lut[p % c][src[p]];
    }
  });
  return { images, labels, indices: batch.indices, epoch: batch.epoch, step: batch.step };
}
