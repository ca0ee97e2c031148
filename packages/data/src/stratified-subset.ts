/**
 * A seeded, class-stratified subset: the one way infomax takes "n images of a
 * dataset". Taking the first n is wrong for most stored datasets — the bundled
 * digits and image folders are stored class by class, so the first 800 digits are
 * 782 zeros and 18 ones. Classes get equal counts (class-balanced, the trainer's limits)
 * or counts proportional to their share.
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
  /**
   * How `count` is shared among classes. `'equal'` (default): the same number for every class
   * (a class with fewer images gives all it has, the rest is shared among the others);
   * `'proportional'`: each class's share of the dataset, so the subset keeps its class mix.
   */
  allocation?: 'equal' | 'proportional';
}

/** Quotas for class sizes `sizes` summing to `count` (< their total), by {@link StratifiedSubsetOptions.allocation}. */
function quotas(sizes: number[], count: number, allocation: 'equal' | 'proportional'): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (allocation === 'proportional') {
    // count · n_c / N as a whole part and an integer remainder: exact, no float ties.
    const products = sizes.map((n) => count * n);
    const quota = products.map((p) => Math.floor(p / total));
    const remainder = products.map((p) => p % total);
    const byRemainder = sizes.map((_, s) => s).sort((a, b) => remainder[b] - remainder[a] || a - b);
    for (let k = 0, missing = count - quota.reduce((t, q) => t + q, 0); k < missing; k++) quota[byRemainder[k]]++;
    return quota;
  }
  // Water-filling: classes smaller than an equal share give all they have, until every class left can take the share.
  const quota = new Array<number>(sizes.length).fill(0);
  let open = sizes.map((_, s) => s);
  let left = count;
  for (;;) {
    const share = Math.floor(left / open.length);
    const small = open.filter((s) => sizes[s] <= share);
    if (small.length === 0 || small.length === open.length) {
      for (const s of open) quota[s] = Math.min(share, sizes[s]);
      left -= open.reduce((t, s) => t + quota[s], 0);
      break;
    }
    for (const s of small) quota[s] = sizes[s];
    left -= small.reduce((t, s) => t + sizes[s], 0);
    open = open.filter((s) => sizes[s] > share);
  }
  // What floor() left over: one more each to the classes with room, lowest label first.
  for (let s = 0; left > 0 && s < sizes.length; s++) {
    if (quota[s] < sizes[s]) {
      quota[s]++;
      left--;
    }
  }
  return quota;
}

/**
 * `count` images drawn class by class: by default the same number from every class
 * (class-balanced), or in proportion to each class's share of the dataset (proportional
 * stratified sampling, Cochran, *Sampling Techniques*, 1977, §5.3), so the subset keeps
 * the dataset's class mix.
 *
 * Equal: each class gets ⌊count / K⌋ (a class with fewer images gives all of them and the
 * rest is shared among the others); what is left goes one each to the lowest labels.
 * Proportional: class c of `n_c` images gets `⌊count · n_c / N⌋`; the images still missing go
 * one each to the classes with the largest remainders (ties: the lower label). Either way
 * the counts sum to `count` exactly.
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
 * const small = stratifiedSubset(train, { count: 800, seed: 0 }); // 80 of every digit
 * const mix = stratifiedSubset(train, { count: 800, allocation: 'proportional' }); // 69 fives … 92 ones, as in train
 */
export function stratifiedSubset(dataset: ImageDataset, options: StratifiedSubsetOptions): ImageDataset {
  const fn = 'stratifiedSubset';
  const { count, seed = 0, allocation = 'equal' } = options;
  if (!Number.isInteger(count) || count < 1) throw optionError(fn, 'count', 'an integer ≥ 1', count);
  if (!Number.isFinite(seed)) throw optionError(fn, 'seed', 'a finite number', seed);
  if (allocation !== 'equal' && allocation !== 'proportional') throw optionError(fn, 'allocation', "'equal' or 'proportional'", allocation);
  if (count >= dataset.count) return dataset;

  const members = new Map<number, number[]>();
  dataset.labels.forEach((label, i) => {
    const list = members.get(label);
    if (list) list.push(i);
    else members.set(label, [i]);
  });
  const strata = [...members.keys()].sort((a, b) => a - b);
  const quota = quotas(
    strata.map((label) => members.get(label)!.length),
    count,
    allocation,
  );

  const prng = createPrng(seed);
  const kept: number[] = [];
  strata.forEach((label, s) => {
    const list = members.get(label)!;
    const order = permutation(list.length, prng);
    for (let k = 0; k < quota[s]; k++) kept.push(list[order[k]]);
  });
  return subset(
    dataset,
    kept.sort((a, b) => a - b),
  );
}
