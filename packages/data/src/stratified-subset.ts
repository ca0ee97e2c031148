/**
 * A seeded, class-stratified subset: the one way infomax takes "n images of a
 * dataset". Taking the first n is wrong for most stored datasets — the bundled
 * digits and image folders are stored class by class, so the first 800 digits are
 * 782 zeros and 18 ones.
 */
import { subset, type ImageDataset } from './dataset';
import { optionError } from './errors';
import { createPrng, permutation } from './internal/prng';

/** Options of {@link stratifiedSubset}. */
export interface StratifiedSubsetOptions {
  /** Images to keep, an integer ≥ 1. A count ≥ the dataset's returns the dataset itself. */
  count: number;
  /** Seed of which images each class keeps; the same seed gives the same subset. Default 0. */
  seed?: number;
}

/**
 * `count` images drawn class by class in proportion to each class's share of the
 * dataset (proportional stratified sampling, Cochran, *Sampling Techniques*, 1977, §5.3),
 * so the subset has the dataset's class mix and its accuracy estimates the full one's.
 *
 * Class c of `n_c` images gets `⌊count · n_c / N⌋` images; the images still missing go
 * one each to the classes with the largest remainders (ties: the lower label), so the
 * counts sum to `count` exactly and each is within 1 of its proportional share.
 * Which images of a class are kept is a seeded permutation of that class. Unlabelled
 * images (label −1) form one more stratum, so a wholly unlabelled dataset gives a
 * seeded uniform sample. The kept images stay in the source's order (as {@link split}'s).
 *
 * @param dataset the source, images `[N, height, width, channels]`.
 * @param options see {@link StratifiedSubsetOptions}.
 * @returns a dataset of `min(count, N)` images `[count, height, width, channels]`, same name and classes.
 * @throws DatasetError (`invalid-option`) when `count` is not an integer ≥ 1 or `seed` is not finite.
 * @example
 * const { train } = await loadBundledDigits();
 * const small = stratifiedSubset(train, { count: 800, seed: 0 }); // every digit, ~8–11% each, as in train
 */
export function stratifiedSubset(dataset: ImageDataset, options: StratifiedSubsetOptions): ImageDataset {
  const fn = 'stratifiedSubset';
  const { count, seed = 0 } = options;
  if (!Number.isInteger(count) || count < 1) throw optionError(fn, 'count', 'an integer ≥ 1', count);
  if (!Number.isFinite(seed)) throw optionError(fn, 'seed', 'a finite number', seed);
  if (count >= dataset.count) return dataset;

  const members = new Map<number, number[]>();
  dataset.labels.forEach((label, i) => {
    const list = members.get(label);
    if (list) list.push(i);
    else members.set(label, [i]);
  });
  const strata = [...members.keys()].sort((a, b) => a - b);
  // count · n_c / N as a whole part and an integer remainder: exact, no float ties.
  const products = strata.map((label) => count * members.get(label)!.length);
  const quota = products.map((p) => Math.floor(p / dataset.count));
  const remainder = products.map((p) => p % dataset.count);
  const byRemainder = strata.map((_, s) => s).sort((a, b) => remainder[b] - remainder[a] || a - b);
  for (let k = 0, missing = count - quota.reduce((t, q) => t + q, 0); k < missing; k++) quota[byRemainder[k]]++;

  const prng = createPrng(seed);
  const kept: number[] = [];
  strata.forEach((label, s) => {
    const list = members.get(label)!;
    const order = permutation(list.length, prng);
    for (let k = 0; k < quota[s]; k++) kept.push(list[order[k]]);
  });
  return subset(dataset, kept.sort((a, b) => a - b));
}
