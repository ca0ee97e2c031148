/**
 * Principal component analysis with k components (Pearson 1901; Hotelling 1933): fit on
 * some rows, project those and others, as scikit-learn's `PCA(n_components=k)` does.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { ConfigError, ShapeError } from './errors';
import { leadingEigenpairs, orthonormalizeRows } from './internal/symmetric-eigen';
import { symmetricEigen } from './internal/tridiagonal-eigen';
import { checkInt, rowsOf } from './internal/validate';

/** Eigen-solvers {@link pca} can use. */
export const PCA_SOLVERS = ['auto', 'full', 'subspace'] as const;
/** One of {@link PCA_SOLVERS}. */
export type PcaSolver = (typeof PCA_SOLVERS)[number];

/** Settings of {@link pca}. */
export interface PcaOptions {
  /** Components kept (scikit-learn's `n_components`): an integer in 1..min(n, dim). Default 2. */
  k?: number;
  /**
   * `full`: every eigenpair of the m×m second-moment matrix (m = min(n, dim)) by Householder
   * tridiagonalisation and shifted QR, ~6m³ float64 flops whatever the spectrum.
   * `subspace`: the k leading pairs by block subspace iteration, ~2m²(k + 6) flops per
   * iteration, iterations growing as eigenvalue k + 7 nears eigenvalue k.
   * `auto` (default): `subspace` for a few axes of a wide matrix (k + 6 ≤ m / 32), else `full`.
   */
  solver?: PcaSolver;
  /** Most subspace iterations. Default 500. */
  maxIterations?: number;
  /** Subspace iteration stops when each residual ‖C·a − λa‖ is below tolerance·λ₁. Default 1e-9. */
  tolerance?: number;
  /** Seed of the starting subspace, and of directions filling a rank below k. Default 0. */
  seed?: number;
}

/** What {@link pcaTransform} needs: the axes and the mean. A {@link PcaFit} is one; so is its JSON read back. */
export interface PcaBasis {
  /** Components kept. */
  k: number;
  /** Features per row. */
  dim: number;
  /** `[k, dim]` row-major orthonormal axes. */
  components: ArrayLike<number>;
  /** `[dim]` mean row of the fitted data. */
  mean: ArrayLike<number>;
}

/** A fitted PCA and the projection of the rows it was fitted on. */
export interface PcaFit extends PcaBasis {
  /**
   * `[k, dim]` row-major unit axes, orthonormal, by decreasing explained variance. Sign
   * convention: each axis's largest-magnitude entry (the first, on a tie) is positive.
   * Axes past the data's rank (zero variance) are orthonormal directions drawn from `seed`.
   */
  components: Float64Array;
  /** `[dim]` mean row that was subtracted. */
  mean: Float64Array;
  /** `[k]` variance along each axis (eigenvalues of the covariance, divisor n − 1 as in scikit-learn), descending. */
  explainedVariance: Float64Array;
  /** `[k]` each axis's share of the total variance; all 0 when all rows are equal. */
  explainedVarianceRatio: Float64Array;
  /** Total variance: the trace of the covariance (divisor n − 1). */
  totalVariance: number;
  /** `[n, k]` row-major coordinates of the fitted rows: (x − mean)·componentsᵀ. */
  points: Float32Array;
  /** The solver that ran (`auto` resolved). */
  solver: Exclude<PcaSolver, 'auto'>;
}

/**
 * Fits the k leading principal axes of `features` and projects the rows onto them. The
 * second-moment matrix of the centred rows is one `tf.matMul` — `[dim, dim]`, or the
 * `[n, n]` Gram matrix when there are fewer rows than features (same non-zero
 * eigenvalues; axes = Xᵀu normalised) — read back with `await data()` (so every backend
 * works, webgpu too) and decomposed in float64 JS by `options.solver`. Costs: n·dim·m
 * flops for the matrix on the backend, the solver's (see {@link PcaOptions.solver}), and
 * n·dim·k for the projection on the backend; docs/benchmarks/eval.md times both solvers
 * at dim 784 and 1,024 against scikit-learn. The matrix is a float32 product: an axis is
 * accurate to about 1e-6·λ₁ divided by the gap between its variance and the nearest other
 * one (Davis–Kahan), the leading axes to ~1e-6, tail axes of near-equal variances less. On
 * the benchmark's data the ratios agree with scikit-learn's float64 PCA to 1e-8, held-out
 * projections to 1e-4.
 *
 * @param features `[n, dim]` row-major rows (n ≥ 1).
 * @param dim features per row (≥ 1).
 * @param options k, solver, iteration limits and seed; see {@link PcaOptions}.
 * @returns axes `[k, dim]`, explained variance and its ratio `[k]`, mean `[dim]`, points `[n, k]`.
 * @throws ConfigError when dim is not a positive integer, k is outside 1..min(n, dim) or an option is out of range.
 * @throws ShapeError when `features.length` is not a positive multiple of dim.
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @example
 * const fit = await pca(trainCodes, 64, { k: 10 });           // fit.points: [nTrain, 10]
 * const test10 = await pcaTransform(fit, testCodes);         // [nTest, 10], the same axes
 * console.log(`10 components keep ${(100 * fit.explainedVarianceRatio.reduce((a, b) => a + b)).toFixed(1)}%`);
 */
export async function pca(features: Float32Array, dim: number, options: PcaOptions = {}): Promise<PcaFit> {
  const o: Required<PcaOptions> = { k: 2, solver: 'auto', maxIterations: 500, tolerance: 1e-9, seed: 0, ...options };
  const n = rowsOf('pca', 'features', features, dim);
  const { k } = o;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, dim)) {
    throw new ConfigError(`pca: k must be an integer in 1..min(n, dim) = 1..${Math.min(n, dim)} (n ${n}, dim ${dim}), got ${k}`);
  }
  if (!(PCA_SOLVERS as readonly string[]).includes(o.solver)) {
    throw new ConfigError(`pca: solver must be one of ${PCA_SOLVERS.join(', ')}, got ${JSON.stringify(o.solver)}`);
  }
  checkInt('pca', 'maxIterations', o.maxIterations, 1);
  if (!(o.tolerance > 0)) throw new ConfigError(`pca: tolerance must be > 0, got ${o.tolerance}`);

  const mean = new Float64Array(dim);
  for (let i = 0; i < features.length; i += dim) for (let j = 0; j < dim; j++) mean[j] += features[i + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const centred = centre(features, mean, dim);

  // Fewer rows than features: the [n, n] Gram matrix is the smaller problem.
  const gram = n < dim;
  const m = gram ? n : dim;
  const divisor = Math.max(n - 1, 1);
  const moment = tf.tidy(() => {
    const x = tf.tensor2d(centred, [n, dim]);
    return (gram ? tf.matMul(x, x, false, true) : tf.matMul(x, x, true, false)).div(divisor);
  });
  const c = Float64Array.from(await moment.data());
  moment.dispose();
  let totalVariance = 0;
  for (let j = 0; j < m; j++) totalVariance += c[j * m + j];

  const solver = o.solver === 'auto' ? (32 * (k + 6) > m ? 'full' : 'subspace') : o.solver;
  const rng = new Rng(o.seed);
  let components: Float64Array = new Float64Array(k * dim);
  const explainedVariance = new Float64Array(k);
  if (totalVariance > 0) {
    const eig = solver === 'full' ? symmetricEigen(c, m) : leadingEigenpairs(c, m, k, { ...o, seed: rng.int(2 ** 31) });
    for (let r = 0; r < k; r++) explainedVariance[r] = Math.max(eig.values[r], 0);
    const leading = eig.vectors.subarray(0, k * m);
    components = gram ? featureAxes(centred, leading, k, n, dim) : Float64Array.from(leading);
  }
  // Both solvers return orthonormal eigenvectors of C; Gram axes Xᵀu are only orthogonal, and
  // past the rank (or for constant data) zero: those become directions orthogonal to the others.
  if (gram || totalVariance === 0) orthonormalizeRows(components, k, dim, rng);
  for (let r = 0; r < k; r++) fixSign(components, r * dim, dim);

  const explainedVarianceRatio = explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
  const points = await project(centred, n, { k, dim, components, mean });
  return { k, dim, components, mean, explainedVariance, explainedVarianceRatio, totalVariance, points, solver };
}

/**
 * Projects rows onto a fitted PCA's axes: (x − mean)·componentsᵀ, centred in float64, the
 * product one `tf.matMul` (n·dim·k flops on the backend).
 *
 * @param basis a {@link PcaFit}, or any `{ k, dim, components [k, dim], mean [dim] }` (e.g. a fit saved as JSON).
 * @param features `[n, dim]` row-major rows (n ≥ 1).
 * @returns `[n, k]` row-major coordinates.
 * @throws ConfigError when `basis.k` or `basis.dim` is not a positive integer.
 * @throws ShapeError when `components` is not k·dim long, `mean` not dim long, or `features.length` not a positive multiple of dim.
 * @throws NonFiniteError when a feature is NaN or ±Infinity.
 * @example
 * const fit = await pca(trainCodes, 64, { k: 16 });
 * const testPoints = await pcaTransform(fit, testCodes); // [nTest, 16]
 */
export async function pcaTransform(basis: PcaBasis, features: Float32Array): Promise<Float32Array> {
  const { k, dim } = basis;
  checkInt('pcaTransform', 'basis.k', k, 1);
  checkInt('pcaTransform', 'basis.dim', dim, 1);
  if (basis.components.length !== k * dim) {
    throw new ShapeError(
      `pcaTransform: basis.components must hold k·dim = ${k}·${dim} = ${k * dim} values, got ${basis.components.length}`,
    );
  }
  if (basis.mean.length !== dim) throw new ShapeError(`pcaTransform: basis.mean must hold dim = ${dim} values, got ${basis.mean.length}`);
  const n = rowsOf('pcaTransform', 'features', features, dim);
  return project(centre(features, basis.mean, dim), n, basis);
}

/** x − mean, row by row, in float64 before rounding to float32. */
function centre(x: Float32Array, mean: ArrayLike<number>, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += dim) for (let j = 0; j < dim; j++) out[i + j] = x[i + j] - mean[j];
  return out;
}

/** `[n, dim]` centred rows · `[k, dim]`ᵀ axes. */
async function project(centred: Float32Array, n: number, basis: PcaBasis): Promise<Float32Array> {
  const points = tf.tidy(() =>
    tf.matMul(tf.tensor2d(centred, [n, basis.dim]), tf.tensor2d(Float32Array.from(basis.components), [basis.k, basis.dim]), false, true),
  );
  const values = (await points.data()) as Float32Array;
  points.dispose();
  return values;
}

/** Axes in feature space from Gram eigenvectors u (`[count, n]`): Xᵀu, `[count, dim]`. */
function featureAxes(x: Float32Array, u: Float64Array, count: number, n: number, dim: number): Float64Array {
  const axes = new Float64Array(count * dim);
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
