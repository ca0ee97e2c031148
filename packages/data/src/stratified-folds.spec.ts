import { DatasetError } from './errors';
import { stratifiedFolds } from './stratified-folds';

describe('stratifiedFolds', () => {
  // MUTAG's class sizes: 63 and 125.
  const labels = Int32Array.from([...new Array(63).fill(-1), ...new Array(125).fill(1)]);

  it('MUTAG-sized, 10 folds: every row tested once, train = the rest, class counts per fold within one of 6.3 / 12.5', () => {
    const folds = stratifiedFolds(labels, { folds: 10, seed: 1 });
    expect(folds.length).toBe(10);
    const tested = new Int32Array(labels.length);
    for (const { train, test } of folds) {
      test.forEach((i) => tested[i]++);
      expect(train.length + test.length).toBe(labels.length);
      expect(new Set([...train, ...test]).size).toBe(labels.length);
      expect([...train].every((v, i) => i === 0 || v > train[i - 1])).toBe(true);
      const neg = [...test].filter((i) => labels[i] === -1).length;
      expect(Math.abs(neg - 6.3)).toBeLessThan(1);
      expect(Math.abs(test.length - neg - 12.5)).toBeLessThan(1);
      expect(Math.abs(test.length - 18.8)).toBeLessThan(1);
    }
    expect(tested.every((c) => c === 1)).toBe(true);
  });

  it('the same seed gives the same folds, another seed others', () => {
    const a = stratifiedFolds(labels, { seed: 2 });
    expect(stratifiedFolds(labels, { seed: 2 })).toEqual(a);
    expect(stratifiedFolds(labels, { seed: 3 })[0].test).not.toEqual(a[0].test);
  });

  it('bad options are typed errors', () => {
    expect(() => stratifiedFolds([0, 1, 0], { folds: 4 })).toThrow(DatasetError);
    expect(() => stratifiedFolds([0, 1, 0], { folds: 1 })).toThrow(
      /stratifiedFolds: option folds must be an integer from 2 to the 3 rows, got 1/,
    );
    expect(() => stratifiedFolds([0, 1, 0], { folds: 3, seed: NaN })).toThrow(/seed/);
  });
});
