/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, "Fashion-MNIST: a Novel Image
 * Dataset for Benchmarking Machine Learning Algorithms", https://arxiv.org/abs/1708.07747):
 * 60,000 + 10,000 grayscale 28×28 images of clothing in 10 classes, in IDX files.
 */
import { type TrainTest } from './dataset';
import { loadIdxFolder } from './idx';
import { exists } from './internal/files';
import * as path from 'path';

/** Where Debian's `dataset-fashion-mnist` package installs the four `.gz` IDX files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class names, indexed by label (from the dataset's README). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * The folder holding Fashion-MNIST's train and test IDX files, if any:
 * `dir` when given, else {@link FASHION_MNIST_DEBIAN_DIR}.
 *
 * @param dir a folder to check instead of the Debian one.
 * @returns the folder when its `train-images-idx3-ubyte(.gz)` exists, else `undefined`.
 * @example
 * const dir = await findFashionMnist();
 * if (!dir) console.log('apt-get install dataset-fashion-mnist');
 */
export async function findFashionMnist(dir: string = FASHION_MNIST_DEBIAN_DIR): Promise<string | undefined> {
  for (const name of ['train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte']) {
    if (await exists(path.join(dir, name))) return dir;
  }
  return undefined;
}

/**
 * Loads Fashion-MNIST from `dir` (default: Debian's {@link FASHION_MNIST_DEBIAN_DIR}).
 *
 * @param dir the folder of the four IDX files (`train-images-idx3-ubyte.gz`, …).
 * @returns `{ train, test }`: 60,000 and 10,000 images `[N, 28, 28, 1]` with
 *   {@link FASHION_MNIST_CLASSES} as class names.
 * @throws DatasetError as {@link loadIdxFolder}; `missing` names the files looked
 *   for (install Debian's `dataset-fashion-mnist`, or download with {@link downloadIdxDataset}).
 * @example
 * const { train } = await loadFashionMnist();
 * console.log(train.classes?.[train.labels[0]]); // 'Ankle boot'
 */
export async function loadFashionMnist(dir: string = FASHION_MNIST_DEBIAN_DIR): Promise<TrainTest> {
  return loadIdxFolder(dir, { name: 'fashion-mnist', classes: FASHION_MNIST_CLASSES });
}
