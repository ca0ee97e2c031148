/**
 * A 2-D principal-component projection of embeddings, for the scatter plot of test
 * codes coloured by label (Pearson 1901; Hotelling 1933).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { ConfigError, ShapeError } from './errors';
import { leadingEigenpairs, orthonormalizeRows } from './internal/symmetric-eigen';
import { checkInt, rowsOf } from './internal/validate';

/** Settings of {@link pca2d}. */
export interface Pca2dOptions {
  /** Most subspace iterations. Default 500. */
  maxIterations?: number;
  /** Stop when each axis's eigen-residual ‖C·a − λa‖ is below tolerance·λ₁. Default 1e-9. */
  tolerance?: number;
  /** Seed of the starting subspace. Default 0. */
  seed?: number;
}

/** The projection and what it keeps. */
export interface Pca2d {
  /** `[n, 2]` row-major coordinates of the centred rows on the two leading axes. */
  points: Float32Array;
  /** Fraction of the total variance along each axis, largest first; [0, 0] when all rows are equal. */
  explained: [number, number];
  /** `[2, dim]` row-major unit axes (sign fixed: each axis's largest-magnitude entry is positive). */
  axes: Float64Array;
  /** `[dim]` mean row that was subtracted. */
  mean: Float64Array;
}

/**
 * Projects rows onto the two leading principal axes. The second-moment matrix of the
 * centred rows is one `tf.matMul` — `[dim, dim]` (covariance), or the `[n, n]` Gram
 * matrix when there are fewer rows than features (same non-zero eigenvalues; axes =
 * Xᵀu normalised) — and its leading eigenvectors come from block subspace iteration
 * with a Rayleigh–Ritz step in float64 JS. The matrix is read back with `await data()`,
 * so it runs on every backend (webgpu too).
 *
 * @param features `[n, dim]` row-major embeddings.
 * @param dim features per row (≥ 2).
 * @param n number of rows (≥ 1); `features.length` must be `n·dim`.
 * @param options iteration limits and seed; see {@link Pca2dOptions}.
 * @returns `points` `[n, 2]`, explained-variance ratios, `axes` `[2, dim]`, `mean` `[dim]`.
 * @throws ConfigError when dim < 2, n < 1 or an option is out of range.
 * @throws ShapeError when `features.length !== n·dim`.
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @example
 * const { points, explained } = await pca2d(testCodes, 64, 2000);
 * console.log(`PC1 ${(100 * explained[0]).toFixed(1)}%, PC2 ${(100 * explained[1]).toFixed(1)}%`);
 */
export async function pca2d(features: Float32Array, dim: number, n: number, options: Pca2dOptions = {}): Promise<Pca2d> {
  const o: Required<Pca2dOptions> = { maxIterations: 500, tolerance: 1e-9, seed: 0, ...options };
  checkInt('pca2d', 'dim', dim, 2);
  checkInt('pca2d', 'n', n, 1);
  checkInt('pca2d', 'maxIterations', o.maxIterations, 1);
  if (!(o.tolerance > 0)) throw new ConfigError(`pca2d: tolerance must be > 0, got ${o.tolerance}`);
  if (features.length !== n * dim) {
    throw new ShapeError(`pca2d: features must hold n·dim = ${n}·${dim} = ${n * dim} values, got ${features.length}`);
  }
  rowsOf('pca2d', 'features', features, dim);
  const mean = new Float64Array(dim);
  for (let i = 0; i < features.length; i += dim) for (let j = 0; j < dim; j++) mean[j] += features[i + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const centred = new Float32Array(features.length);
  for (let i = 0; i < features.length; i += dim) for (let j = 0; j < dim; j++) centred[i + j] = features[i + j] - mean[j];

  // Fewer rows than features: the [n, n] Gram matrix is the smaller problem.
  const gram = n < dim;
  const m = gram ? n : dim;
  const moment = tf.tidy(() => {
    const x = tf.tensor2d(centred, [n, dim]);
    return (gram ? tf.matMul(x, x, false, true) : tf.matMul(x, x, true, false)).div(n);
  });
  const c = Float64Array.from(await moment.data());
  moment.dispose();
  let trace = 0;
  for (let j = 0; j < m; j++) trace += c[j * m + j];

  const rng = new Rng(o.seed);
  let axes: Float64Array = new Float64Array(2 * dim);
  let values = [0, 0];
  if (trace > 0) {
    const eig = leadingEigenpairs(c, m, Math.min(2, m), { ...o, seed: rng.int(2 ** 31) });
    values = [eig.values[0], eig.values[1] ?? 0];
    axes = gram ? featureAxes(centred, eig.vectors, Math.min(2, m), n, dim) : eig.vectors;
  }
  // Orthonormal whatever the data: a missing or zero axis (rank < 2) becomes any orthogonal direction.
  orthonormalizeRows(axes, 2, dim, rng);
  for (let r = 0; r < 2; r++) fixSign(axes, r * dim, dim);

  const points = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    let p0 = 0;
    let p1 = 0;
    for (let j = 0; j < dim; j++) {
      const v = centred[i * dim + j];
      p0 += v * axes[j];
      p1 += v * axes[dim + j];
    }
    points[2 * i] = p0;
    points[2 * i + 1] = p1;
  }
  const explained: [number, number] = trace > 0 ? [values[0] / trace, values[1] / trace] : [0, 0];
  return { points, explained, axes, mean };
}

/** Axes in feature space from Gram eigenvectors u (`[count, n]`): Xᵀu, `[2, dim]` (rows past `count` zero). */
function featureAxes(x: Float32Array, u: Float64Array, count: number, n: number, dim: number): Float64Array {
  const axes = new Float64Array(2 * dim);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < n; i++) {
      const ui = u[r * n + i];
      for (let j = 0; j < dim; j++) axes[r * dim + j] += ui * x[i * dim + j];
    }
  }
  return axes;
}

function fixSign(axes: Float64Array, offset: number, d: number): void {
  let big = 0;
  for (let j = 1; j < d; j++) if (Math.abs(axes[offset + j]) > Math.abs(axes[offset + big])) big = j;
  if (axes[offset + big] < 0) for (let j = 0; j < d; j++) axes[offset + j] = -axes[offset + j];
}
