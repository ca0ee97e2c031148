/**
 * The in-memory dataset every loader returns: pixels stay `Uint8` (a quarter of
 * float32's memory: 60,000 28×28 images are 47 MB, not 188 MB) until
 * {@link batchStream} turns a batch into float tensors.
 */
import { DatasetError, optionError } from './errors';
import { createPrng, permutation } from './internal/prng';

/**
 * A labelled image dataset held as bytes.
 *
 * Pixel `(n, y, x, c)` is `images[((n * height + y) * width + x) * channels + c]`,
 * i.e. `[count, height, width, channels]` row-major, the layout of tfjs' NHWC tensors.
 */
export interface ImageDataset {
  /** A short human-readable name, e.g. `"fashion-mnist/train"`. */
  readonly name: string;
  /** `[count, height, width, channels]` pixels, 0–255. */
  readonly images: Uint8Array;
  /** `[count]` class indices, 0-based; `-1` marks an unlabelled image (STL-10's unlabeled split). */
  readonly labels: Int32Array;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel: 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  /** Class names, indexed by label, when the format provides them. */
  readonly classes?: readonly string[];
}

/** A dataset's two parts, as stored on disk or as made by {@link split}. */
export interface TrainTest {
  /** Images to train on. */
  readonly train: ImageDataset;
  /** Held-out images to evaluate on. */
  readonly test: ImageDataset;
}

/**
 * Builds an {@link ImageDataset} after checking that the arrays agree with the sizes.
 *
 * @param fields the dataset; `images` is `[count, height, width, channels]`, `labels` is `[count]`.
 * @returns the same fields, frozen into a dataset.
 * @throws DatasetError (`invalid-option`) when a size is not a positive integer, the
 *   arrays' lengths disagree with the sizes, or a label is outside `[-1, classes.length)`.
 * @example
 * const ds = createDataset({ name: 'two', images: new Uint8Array(2 * 4), labels: Int32Array.of(0, 1),
 *   count: 2, height: 2, width: 2, channels: 1, classes: ['a', 'b'] });
 */
export function createDataset(fields: ImageDataset): ImageDataset {
  const fn = 'createDataset';
  for (const key of ['height', 'width', 'channels'] as const) {
    if (!Number.isInteger(fields[key]) || fields[key] < 1) throw optionError(fn, key, 'a positive integer', fields[key]);
  }
  if (!Number.isInteger(fields.count) || fields.count < 0) throw optionError(fn, 'count', 'an integer ≥ 0', fields.count);
  const pixels = fields.count * fields.height * fields.width * fields.channels;
  if (fields.images.length !== pixels) {
    throw optionError(fn, 'images.length', `${pixels} (count×height×width×channels)`, fields.images.length);
  }
  if (fields.labels.length !== fields.count) throw optionError(fn, 'labels.length', `${fields.count} (count)`, fields.labels.length);
  if (fields.classes !== undefined) {
    const k = fields.classes.length;
    for (let i = 0; i < fields.count; i++) {
      const label = fields.labels[i];
      if (label < -1 || label >= k) {
        throw optionError(fn, `labels[${i}]`, `in [-1, ${k}) for ${k} classes`, label);
      }
    }
  }
  return Object.freeze({ ...fields });
}

/**
 * The images at `indices`, in that order, as a new dataset (pixels copied).
 * To keep n images of a dataset, use {@link stratifiedSubset}: most stored datasets
 * are ordered by class, so the first n are not a sample.
 *
 * @param dataset the source dataset.
 * @param indices positions into `dataset`, each in `[0, count)`.
 * @param name the new dataset's name (default: the source's name).
 * @returns a dataset of `indices.length` images.
 * @throws DatasetError (`invalid-option`) when an index is out of range.
 * @example
 * const firstTen = subset(ds, Array.from({ length: 10 }, (_, i) => i));
 */
export function subset(dataset: ImageDataset, indices: ArrayLike<number>, name = dataset.name): ImageDataset {
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= dataset.count) {
      throw optionError('subset', `indices[${i}]`, `an integer in [0, ${dataset.count})`, j);
    }
    images.set(dataset.images.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = dataset.labels[j];
  }
  return createDataset({ ...dataset, name, images, labels, count: indices.length });
}

/** Options of {@link split}. */
export interface SplitOptions {
  /** Fraction of the images that go to the test part, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed of the random assignment; the same seed gives the same parts. Default 0. */
  seed?: number;
}

/**
 * Splits a dataset at random (seeded) into train and test parts, each kept in
 * the source's order. The test part has `round(count × testFraction)` images.
 *
 * @param dataset the dataset to split.
 * @param options see {@link SplitOptions}.
 * @returns `{ train, test }`, named `<name>/train` and `<name>/test`.
 * @throws DatasetError (`invalid-option`) when `testFraction` is not in (0, 1)
 *   or a part would be empty.
 * @example
 * const { train, test } = split(ds, { testFraction: 0.2, seed: 7 });
 */
export function split(dataset: ImageDataset, options: SplitOptions = {}): TrainTest {
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 0;
  if (!(testFraction > 0 && testFraction < 1)) throw optionError('split', 'testFraction', 'in (0, 1)', testFraction);
  if (!Number.isFinite(seed)) throw optionError('split', 'seed', 'a finite number', seed);
  const testCount = Math.round(dataset.count * testFraction);
  if (testCount === 0 || testCount === dataset.count) {
    throw new DatasetError('invalid-option', `split: testFraction ${testFraction} of ${dataset.count} images leaves an empty part`);
  }
  const order = permutation(dataset.count, createPrng(seed));
  const test = Array.from(order.subarray(0, testCount)).sort((a, b) => a - b);
  const train = Array.from(order.subarray(testCount)).sort((a, b) => a - b);
  return { train: subset(dataset, train, `${dataset.name}/train`), test: subset(dataset, test, `${dataset.name}/test`) };
}
