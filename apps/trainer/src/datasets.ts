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
  stratifiedSubset,
  syntheticDataset,
  type ImageDataset,
  type TrainTest,
} from '@infomax/data';
import type { DataConfig } from './config';
import { ConfigError } from './errors';

/** A loaded dataset: both parts and the class names. */
export interface LoadedData {
  train: ImageDataset;
  test: ImageDataset;
  /** Class names (`'0'`… when the format has none). */
  classes: string[];
  /**
   * One line saying what the run trains and tests on, e.g.
   * `train: 800 of 8,000 images, class-balanced (seed 0): 0×80 1×80 … 9×80; test: all 2,000 images`.
   */
  summary: string;
}

/** Classes listed one by one up to this many; beyond it, the range of per-class counts. */
const LISTED_CLASSES = 20;

/**
 * Loads `config.dataset` (folders and images are checked by @infomax/data) and applies the limits:
 * `trainLimit` / `testLimit` keep a seeded class-balanced subset (`stratifiedSubset`: the same
 * number of every class), never the first n, because stored datasets are often ordered by class.
 * @param config the run's `data` section
 * @param seed the run seed (synthetic images, folder splits and the limited subsets use it)
 * @returns train and test parts, images `[count, height, width, channels]` bytes
 * @throws DatasetError when the folder or files are missing or malformed; ConfigError for `tu` (graphs: see `loadGraphData`)
 * @example
 * const { train, test, classes, summary } = await loadData(resolveConfig({}).data, 0);
 * console.log(summary); // train: all 8,000 images: 0×782 1×921 … 9×767; test: all 2,000 images
 */
export async function loadData(config: DataConfig, seed: number): Promise<LoadedData> {
  const parts = await loadParts(config, seed);
  const limit = (d: ImageDataset, n: number | null) => (n === null ? d : stratifiedSubset(d, { count: n, seed }));
  const train = limit(parts.train, config.trainLimit);
  const test = limit(parts.test, config.testLimit);
  let top = -1;
  for (const l of train.labels) if (l > top) top = l;
  for (const l of test.labels) if (l > top) top = l;
  const classes = [...(train.classes ?? Array.from({ length: top + 1 }, (_, i) => String(i)))];
  const part = (name: string, d: ImageDataset, from: ImageDataset) =>
    `${name}: ${d === from ? 'all ' : `${d.count.toLocaleString('en-US')} of `}${from.count.toLocaleString('en-US')} images` +
    (d === from ? '' : `, class-balanced (seed ${seed})`);
  const summary = `${part('train', train, parts.train)}: ${classMix(train.labels, classes)}; ${part('test', test, parts.test)}`;
  return { train, test, classes, summary };
}

/**
 * How many items of each class: `0×78 1×92 …` (every class, zeros included), or `100 classes, 4–6 each`
 * past {@link LISTED_CLASSES}; unlabelled items (label −1) last.
 * @param labels `[n]` class of each item, −1 for none
 * @param classes class names, by class
 * @example
 * classMix(Int32Array.from([0, 1, 1, -1]), ['a', 'b']); // 'a×1 b×2 unlabelled×1'
 */
export function classMix(labels: Int32Array, classes: readonly string[]): string {
  const counts = new Array<number>(classes.length).fill(0);
  let unlabelled = 0;
  for (const l of labels) {
    if (l < 0) unlabelled++;
    else counts[l]++;
  }
  const mix =
    counts.length === 0
      ? []
      : counts.length <= LISTED_CLASSES
        ? counts.map((c, k) => `${classes[k]}×${c}`)
        : [`${counts.length} classes, ${Math.min(...counts)}–${Math.max(...counts)} each`];
  if (unlabelled > 0) mix.push(`unlabelled×${unlabelled}`);
  return mix.join(' ');
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
      const all = await loadImageFolder(dir, {
        ...(c.size === null ? {} : { size: c.size }),
        ...(c.channels === null ? {} : { channels: c.channels }),
      });
      return split(all, { seed });
    }
    case 'synthetic':
      return split(syntheticDataset({ count: c.count, pattern: c.pattern, channels: c.channels ?? 1, seed }), { seed });
    case 'tu':
      throw new ConfigError('data.dataset', `'tu' holds graphs, not images: load it with loadGraphData`);
  }
}
