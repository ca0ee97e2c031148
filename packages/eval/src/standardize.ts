/**
 * Per-feature standardisation with statistics from the training split only, so
 * nothing about the test split leaks into the probe.
 */
import { rowsOf } from './internal/validate';

/** Smallest standard deviation divided by: constant features map to 0, not to ±Infinity. */
export const STD_FLOOR = 1e-6;

/** Standardised copies of both splits and the training statistics used. */
export interface Standardized {
  /** `[nTrain, dim]` row-major, each column mean 0 and std 1 (population std). */
  train: Float32Array;
  /** `[nTest, dim]` row-major, scaled with the training statistics. */
  test: Float32Array;
  /** `[dim]` training means. */
  mean: Float64Array;
  /** `[dim]` training standard deviations, floored at {@link STD_FLOOR}. */
  std: Float64Array;
}

/**
 * Standardises each feature to mean 0 and std 1 using the training split's
 * statistics (accumulated in float64); the test split is shifted and scaled by
 * the same numbers. Inputs are not modified.
 *
 * @param train `[nTrain, dim]` row-major features.
 * @param test `[nTest, dim]` row-major features (may be empty: length 0).
 * @param dim number of features per row.
 * @returns standardised copies plus `mean` and `std` (`[dim]` each).
 * @throws ConfigError when `dim` is not a positive integer.
 * @throws ShapeError when an array's length is not a multiple of `dim` (or `train` is empty).
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @example
 * const { train, test } = standardize(trainFeatures, testFeatures, 64);
 */
export function standardize(train: Float32Array, test: Float32Array, dim: number): Standardized {
  const n = rowsOf('standardize', 'train', train, dim);
  if (test.length > 0) rowsOf('standardize', 'test', test, dim);
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) mean[j] += train[row + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= n;
  // Two passes (sum of squared deviations) rather than E[x²] − E[x]², which cancels badly.
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) {
      const d = train[row + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < dim; j++) std[j] = Math.max(Math.sqrt(std[j] / n), STD_FLOOR);
  return { train: apply(train, mean, std), test: apply(test, mean, std), mean, std };
}

function apply(x: Float32Array, mean: Float64Array, std: Float64Array): Float32Array {
  const dim = mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += dim) {
    for (let j = 0; j < dim; j++) out[i + j] = (x[i + j] - mean[j]) / std[j];
  }
  return out;
}
