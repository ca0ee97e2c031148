/**
 * A 2-D principal-component projection of embeddings, for the scatter plot of test
 * codes coloured by label (Pearson 1901; Hotelling 1933).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/engine';
import { ConfigError, ShapeError } from './errors';
import { checkInt, rowsOf } from './internal/validate';

/** Settings of {@link pca2d}. */
export interface Pca2dOptions {
  /** Most subspace iterations on the covariance matrix. Default 1000. */
  maxIterations?: number;
  /** Stop when the subspace moves less than this (relative residual). Default 1e-10. */
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
 * Projects rows onto the two leading principal axes. The `[dim, dim]` covariance is
 * one `tf.matMul` of the centred rows; its two leading eigenvectors come from
 * subspace (block power) iteration with a Rayleigh–Ritz step, in float64 JS, which
 * converges at the rate λ₃/λ₂ and costs O(dim²) per iteration.
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
 * const { points, explained } = pca2d(testCodes, 64, 2000);
 * console.log(`PC1 ${(100 * explained[0]).toFixed(1)}%, PC2 ${(100 * explained[1]).toFixed(1)}%`);
 */
export function pca2d(features: Float32Array, dim: number, n: number, options: Pca2dOptions = {}): Pca2d {
  const o: Required<Pca2dOptions> = { maxIterations: 1000, tolerance: 1e-10, seed: 0, ...options };
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

  const covariance = tf.tidy(() => {
    const x = tf.tensor2d(centred, [n, dim]);
    return tf.matMul(x, x, true, false).div(n);
  });
  const c = Float64Array.from(covariance.dataSync());
  covariance.dispose();

  let trace = 0;
  for (let j = 0; j < dim; j++) trace += c[j * dim + j];
  const { axes, values } = leadingPair(c, dim, o);
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

/** Two leading eigenpairs of the symmetric `[d, d]` matrix `c` by orthogonal iteration. */
function leadingPair(c: Float64Array, d: number, o: Required<Pca2dOptions>): { axes: Float64Array; values: [number, number] } {
  const rng = new Rng(o.seed);
  let v = new Float64Array(2 * d).map(() => rng.normal());
  orthonormalize(v, d, rng);
  let w = new Float64Array(2 * d);
  for (let it = 0; it < o.maxIterations; it++) {
    multiply(c, v, w, d);
    // Residual of C·V outside span(V), relative to ‖C·V‖: zero once V spans an invariant subspace.
    const residual = outsideSpan(w, v, d);
    [v, w] = [w, v];
    orthonormalize(v, d, rng);
    if (residual < o.tolerance) break;
  }
  // Rayleigh–Ritz: diagonalise Vᵀ C V (2×2) and rotate V into the eigenvectors.
  multiply(c, v, w, d);
  const a = dot(v, 0, w, 0, d);
  const b = dot(v, 0, w, d, d);
  const e = dot(v, d, w, d, d);
  const theta = 0.5 * Math.atan2(2 * b, a - e);
  const cs = Math.cos(theta);
  const sn = Math.sin(theta);
  const axes = new Float64Array(2 * d);
  for (let j = 0; j < d; j++) {
    axes[j] = cs * v[j] + sn * v[d + j];
    axes[d + j] = -sn * v[j] + cs * v[d + j];
  }
  let values: [number, number] = [
    a * cs * cs + 2 * b * cs * sn + e * sn * sn,
    a * sn * sn - 2 * b * cs * sn + e * cs * cs,
  ];
  if (values[1] > values[0]) {
    const first = axes.slice(0, d);
    axes.copyWithin(0, d);
    axes.set(first, d);
    values = [values[1], values[0]];
  }
  for (let r = 0; r < 2; r++) fixSign(axes, r * d, d);
  return { axes, values: [Math.max(values[0], 0), Math.max(values[1], 0)] };
}

/** out[r] = C · v[r] for the two rows of v ([2, d]). */
function multiply(c: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += c[row + j] * v[r * d + j];
      out[r * d + i] = s;
    }
  }
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += x[xo + j] * y[yo + j];
  return s;
}

/** ‖W − V Vᵀ W‖ / ‖W‖ for orthonormal rows V; 0 when W is zero. */
function outsideSpan(w: Float64Array, v: Float64Array, d: number): number {
  let total = 0;
  let outside = 0;
  for (let r = 0; r < 2; r++) {
    const p0 = dot(v, 0, w, r * d, d);
    const p1 = dot(v, d, w, r * d, d);
    for (let j = 0; j < d; j++) {
      const x = w[r * d + j];
      const rest = x - p0 * v[j] - p1 * v[d + j];
      total += x * x;
      outside += rest * rest;
    }
  }
  return total > 0 ? Math.sqrt(outside / total) : 0;
}

/**
 * Gram–Schmidt on the two rows of v ([2, d]), in place. A row that is (numerically)
 * zero or parallel to the first — C is zero or of rank one — is replaced by a
 * random direction orthogonal to the first, so the axes stay orthonormal whatever
 * the data. The second row is orthogonalised twice ("twice is enough", Kahan).
 */
function orthonormalize(v: Float64Array, d: number, rng: Rng): void {
  let scale = Math.sqrt(dot(v, 0, v, 0, d));
  if (scale === 0) {
    for (let j = 0; j < d; j++) v[j] = rng.normal();
    scale = Math.sqrt(dot(v, 0, v, 0, d));
  }
  for (let j = 0; j < d; j++) v[j] /= scale;
  const before = Math.sqrt(dot(v, d, v, d, d));
  removeFirst(v, d);
  removeFirst(v, d);
  if (Math.sqrt(dot(v, d, v, d, d)) <= 1e-12 * Math.max(scale, before)) {
    for (let j = 0; j < d; j++) v[d + j] = rng.normal();
    removeFirst(v, d);
    removeFirst(v, d);
  }
  const norm = Math.sqrt(dot(v, d, v, d, d));
  for (let j = 0; j < d; j++) v[d + j] /= norm;
}

/** Subtracts from v's second row its component along the (unit) first row. */
function removeFirst(v: Float64Array, d: number): void {
  const p = dot(v, 0, v, d, d);
  for (let j = 0; j < d; j++) v[d + j] -= p * v[j];
}

function fixSign(axes: Float64Array, offset: number, d: number): void {
  let big = 0;
  for (let j = 1; j < d; j++) if (Math.abs(axes[offset + j]) > Math.abs(axes[offset + big])) big = j;
  if (axes[offset + big] < 0) for (let j = 0; j < d; j++) axes[offset + j] = -axes[offset + j];
}
