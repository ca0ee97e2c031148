/**
 * Stratified k-fold cross-validation splits: the protocol of graph-classification
 * papers (10 folds; Xu et al. 2019, GIN, https://arxiv.org/abs/1810.00826; Sun et al.
 * 2020, InfoGraph, https://arxiv.org/abs/1908.01000), as scikit-learn's
 * `StratifiedKFold(shuffle=True)` makes them.
 */
import { optionError } from './errors';
import { createPrng, permutation } from './internal/prng';

/** One fold: the rows to fit on and the rows to score, each in increasing order. */
export interface Fold {
  /** Rows to fit on: every row outside this fold. */
  train: Int32Array;
  /** Rows to score: this fold's part. */
  test: Int32Array;
}

/** Options of {@link stratifiedFolds}. */
export interface StratifiedFoldsOptions {
  /** Number of folds k, from 2 to the number of rows. Default 10. */
  folds?: number;
  /** Seed of the shuffle within each class. Default 0. */
  seed?: number;
}

/**
 * Splits rows into k folds that keep each class's share: the rows of each class are
 * shuffled (seeded) and dealt to the folds in turn, each class starting where the last
 * one stopped, so fold sizes differ by at most one and every class's count per fold by
 * at most one. Every row is in exactly one test part.
 *
 * @param labels `[n]` class of each row (any integers).
 * @param options see {@link StratifiedFoldsOptions}.
 * @returns k folds; fold i's `test` is part i, its `train` every other row.
 * @throws DatasetError `invalid-option` when `folds` is not an integer in [2, n] or `seed` is not finite.
 * @example
 * for (const { train, test } of stratifiedFolds(mutag.labels, { folds: 10, seed: 0 })) fitAndScore(train, test);
 */
export function stratifiedFolds(labels: ArrayLike<number>, options: StratifiedFoldsOptions = {}): Fold[] {
  const fn = 'stratifiedFolds';
  const k = options.folds ?? 10;
  const seed = options.seed ?? 0;
  const n = labels.length;
  if (!Number.isInteger(k) || k < 2 || k > n) throw optionError(fn, 'folds', `an integer from 2 to the ${n} rows`, k);
  if (!Number.isFinite(seed)) throw optionError(fn, 'seed', 'a finite number', seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const rows = byClass.get(labels[i]) ?? [];
    rows.push(i);
    byClass.set(labels[i], rows);
  }
  const prng = createPrng(seed);
  const foldOf = new Int32Array(n);
  let next = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(cls)!;
    for (const j of permutation(rows.length, prng)) {
      foldOf[rows[j]] = next;
      next = (next + 1) % k;
    }
  }
  return Array.from({ length: k }, (_, f) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
