/**
 * CIFAR-10 and CIFAR-100 in their "binary version" (Krizhevsky 2009, "Learning
 * Multiple Layers of Features from Tiny Images",
 * https://www.cs.toronto.edu/~kriz/cifar.html): each record is the label byte(s)
 * followed by 3,072 bytes, the red, green and blue 32×32 planes in turn.
 */
import * as path from 'path';
import { createDataset, type ImageDataset, type TrainTest } from './dataset';
import { DatasetError } from './errors';
import { exists, readWhole } from './internal/files';
import { planarToInterleaved } from './internal/layout';

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

/** CIFAR-10 class names, indexed by label (as in `batches.meta.txt`). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/**
 * Loads CIFAR-10 from the extracted `cifar-10-binary.tar.gz`: `data_batch_1.bin`
 * … `data_batch_5.bin` (train, 50,000) and `test_batch.bin` (10,000).
 *
 * @param dir the `cifar-10-batches-bin` folder, or a folder containing it.
 * @returns `{ train, test }`, images `[N, 32, 32, 3]`; class names from
 *   `batches.meta.txt` when present, else {@link CIFAR10_CLASSES}.
 * @throws DatasetError `missing` (folder or batch file), `wrong-length` (a file
 *   that is not whole 3,073-byte records), `bad-label` (label ≥ 10).
 * @example
 * const { train } = await loadCifar10('/data/cifar-10-batches-bin');
 */
export async function loadCifar10(dir: string): Promise<TrainTest> {
  const root = await locate('loadCifar10', dir, 'cifar-10-batches-bin', 'data_batch_1.bin');
  const classes = (await readNames(path.join(root, 'batches.meta.txt'))) ?? CIFAR10_CLASSES;
  const trainFiles = [1, 2, 3, 4, 5].map((i) => path.join(root, `data_batch_${i}.bin`));
  return {
    train: await readRecords('loadCifar10', trainFiles, 1, 0, classes, 'cifar-10/train'),
    test: await readRecords('loadCifar10', [path.join(root, 'test_batch.bin')], 1, 0, classes, 'cifar-10/test'),
  };
}

/** Options of {@link loadCifar100}. */
export interface Cifar100Options {
  /** Which label to use: the 100 `fine` classes or the 20 `coarse` superclasses. Default `'fine'`. */
  labels?: 'fine' | 'coarse';
}

/**
 * Loads CIFAR-100 from the extracted `cifar-100-binary.tar.gz`: `train.bin`
 * (50,000) and `test.bin` (10,000), records of coarse label, fine label, pixels.
 *
 * @param dir the `cifar-100-binary` folder, or a folder containing it.
 * @param options see {@link Cifar100Options}.
 * @returns `{ train, test }`, images `[N, 32, 32, 3]`; class names from
 *   `fine_label_names.txt` / `coarse_label_names.txt` when present.
 * @throws DatasetError `missing`, `wrong-length` (not whole 3,074-byte records), `bad-label`.
 * @example
 * const { test } = await loadCifar100('/data', { labels: 'coarse' });
 */
export async function loadCifar100(dir: string, options: Cifar100Options = {}): Promise<TrainTest> {
  const fn = 'loadCifar100';
  const which = options.labels ?? 'fine';
  if (which !== 'fine' && which !== 'coarse') {
    throw new DatasetError('invalid-option', `${fn}: option labels must be 'fine' or 'coarse', got ${String(which)}`);
  }
  const root = await locate(fn, dir, 'cifar-100-binary', 'train.bin');
  const classCount = which === 'fine' ? 100 : 20;
  const classes = (await readNames(path.join(root, `${which}_label_names.txt`))) ?? classCount;
  const labelIndex = which === 'fine' ? 1 : 0;
  return {
    train: await readRecords(fn, [path.join(root, 'train.bin')], 2, labelIndex, classes, 'cifar-100/train'),
    test: await readRecords(fn, [path.join(root, 'test.bin')], 2, labelIndex, classes, 'cifar-100/test'),
  };
}

/** `dir` if it holds `marker`, else `dir/sub` if that does, else a `missing` error. */
async function locate(fn: string, dir: string, sub: string, marker: string): Promise<string> {
  if (await exists(path.join(dir, marker))) return dir;
  if (await exists(path.join(dir, sub, marker))) return path.join(dir, sub);
  throw new DatasetError('missing', `${fn}: no ${marker} in ${dir} or ${path.join(dir, sub)}`, dir);
}

/** Non-empty lines of a names file, or undefined when it does not exist. */
async function readNames(file: string): Promise<string[] | undefined> {
  if (!(await exists(file))) return undefined;
  const text = (await readWhole('readNames', file, 'class names')).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

async function readRecords(
  fn: string,
  files: string[],
  labelBytes: number,
  labelIndex: number,
  classes: readonly string[] | number,
  name: string,
): Promise<ImageDataset> {
  const recordSize = labelBytes + PIXELS;
  const classCount = typeof classes === 'number' ? classes : classes.length;
  const buffers = await Promise.all(files.map((f) => readWhole(fn, f, 'CIFAR batch')));
  buffers.forEach((bytes, i) => {
    if (bytes.length === 0 || bytes.length % recordSize !== 0) {
      throw new DatasetError(
        'wrong-length',
        `${fn}: ${files[i]} should be whole ${recordSize}-byte records (${labelBytes} label byte(s) + 3072 pixels), ` +
          `got ${bytes.length} bytes (${Math.floor(bytes.length / recordSize)} records + ${bytes.length % recordSize})`,
        files[i],
      );
    }
  });
  const count = buffers.reduce((n, b) => n + b.length / recordSize, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Int32Array(count);
  let n = 0;
  buffers.forEach((bytes, fileIndex) => {
    for (let at = 0; at < bytes.length; at += recordSize, n++) {
      const label = bytes[at + labelIndex];
      if (label >= classCount) {
        throw new DatasetError(
          'bad-label',
          `${fn}: ${files[fileIndex]} record ${at / recordSize} has label ${label}, expected < ${classCount}`,
          files[fileIndex],
        );
      }
      labels[n] = label;
      planarToInterleaved(
        bytes.subarray(at + labelBytes, at + recordSize),
        images.subarray(n * PIXELS, (n + 1) * PIXELS),
        SIDE,
        SIDE,
        3,
        false,
      );
    }
  });
  return createDataset({
    name,
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    ...(typeof classes === 'number' ? {} : { classes }),
  });
}
