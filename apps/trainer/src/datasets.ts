/**
 * Loads the dataset a config names, as a train/test pair with class names.
 */
import {
  loadBundledDigits,
  loadCifar10,
  loadCifar100,
  loadFashionMnist,
  loadIdxFolder,
  loadImageFolder,
  loadStl10,
  split,
  subset,
  syntheticDataset,
  type ImageDataset,
  type TrainTest,
} from '@infomax/data';
import type { DataConfig } from './config';

/** A loaded dataset: both parts and the class names. */
export interface LoadedData {
  train: ImageDataset;
  test: ImageDataset;
  /** Class names (`'0'`… when the format has none). */
  classes: string[];
}

/**
 * Loads `config.dataset` (folders and images are checked by @infomax/data) and applies the limits.
 * @param config the run's `data` section
 * @param seed the run seed (synthetic images and folder splits use it)
 * @returns train and test parts, images `[count, height, width, channels]` bytes
 * @throws DatasetError when the folder or files are missing or malformed
 * @example
 * const { train, test, classes } = await loadData(resolveConfig({}).data, 0);
 */
export async function loadData(config: DataConfig, seed: number): Promise<LoadedData> {
  const parts = await loadParts(config, seed);
  const first = (d: ImageDataset, n: number | null) =>
    n === null || n >= d.count ? d : subset(d, Int32Array.from({ length: n }, (_, i) => i));
  const train = first(parts.train, config.trainLimit);
  const test = first(parts.test, config.testLimit);
  let top = -1;
  for (const l of train.labels) if (l > top) top = l;
  for (const l of test.labels) if (l > top) top = l;
  const classes = [...(train.classes ?? Array.from({ length: top + 1 }, (_, i) => String(i)))];
  return { train, test, classes };
}

async function loadParts(c: DataConfig, seed: number): Promise<TrainTest> {
  const dir = c.path as string;
  switch (c.dataset) {
    case 'digits':
      return loadBundledDigits();
    case 'fashion-mnist':
      return c.path === null ? loadFashionMnist() : loadFashionMnist(c.path);
    case 'idx':
      return loadIdxFolder(dir);
    case 'cifar10':
      return loadCifar10(dir);
    case 'cifar100':
      return loadCifar100(dir);
    case 'stl10': {
      const { train, test } = await loadStl10(dir);
      return { train, test };
    }
    case 'folder': {
      const all = await loadImageFolder(dir, { ...(c.size === null ? {} : { size: c.size }), ...(c.channels === null ? {} : { channels: c.channels }) });
      return split(all, { seed });
    }
    case 'synthetic':
      return split(syntheticDataset({ count: c.count, pattern: c.pattern, channels: c.channels ?? 1, seed }), { seed });
  }
}
