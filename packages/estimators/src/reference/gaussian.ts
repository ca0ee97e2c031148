/**
 * Correlated Gaussians: the known-MI problem of Belghazi et al. 2018 and Poole et al.
 * 2019. X, Y ∈ R^d standard normal, each pair of coordinates (x_j, y_j) correlated
 * with coefficient ρ, coordinates independent: I(X;Y) = −d/2 · log(1 − ρ²).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import { ShapeError } from '../errors';
import { checkNumber, checkPositiveInt, describe } from '../internal/validate';

/**
 * The MI of the correlated Gaussian, in nats.
 *
 * @param rho correlation of each coordinate pair, in (−1, 1).
 * @param dim d, the number of coordinate pairs.
 * @returns −d/2 · log(1 − ρ²).
 * @throws ConfigError for ρ outside (−1, 1) or a non-positive-integer `dim`.
 * @example
 * gaussianMi(0.5, 20); // 2.877 nats
 */
export function gaussianMi(rho: number, dim: number): number {
  checkNumber('gaussianMi', 'rho', rho, -1, 1, { loOpen: true, hiOpen: true });
  checkPositiveInt('gaussianMi', 'dim', dim);
  return (-dim / 2) * Math.log1p(-rho * rho);
}

/**
 * The correlation ρ ≥ 0 for which the correlated Gaussian in `dim` dimensions has MI `mi`.
 *
 * @param mi target MI in nats, ≥ 0.
 * @param dim d, the number of coordinate pairs.
 * @returns sqrt(1 − e^(−2·mi/d)).
 * @throws ConfigError for a negative or non-finite `mi` or a non-positive-integer `dim`.
 * @example
 * rhoForMi(2, 20); // 0.4355
 */
export function rhoForMi(mi: number, dim: number): number {
  checkNumber('rhoForMi', 'mi', mi, 0, Infinity, { hiOpen: true });
  checkPositiveInt('rhoForMi', 'dim', dim);
  return Math.sqrt(-Math.expm1((-2 * mi) / dim));
}

/** A sample of the correlated Gaussian: n rows of d coordinates each, row-major. */
export interface GaussianSample {
  /** x, n·d values row-major ([n, d]). */
  x: Float64Array;
  /** y = ρ·x + sqrt(1 − ρ²)·ε, n·d values row-major ([n, d]). */
  y: Float64Array;
  /** Rows. */
  n: number;
  /** Coordinates per row. */
  dim: number;
}

/**
 * Draws n pairs (x, y) of the correlated Gaussian.
 *
 * @param rng the generator (same seed, same sample).
 * @param n number of pairs.
 * @param dim d.
 * @param rho correlation in (−1, 1).
 * @returns x and y, each [n, dim] row-major.
 * @throws ConfigError for a bad n, dim or ρ.
 * @example
 * const { x, y } = correlatedGaussian(new Rng(1), 2000, 2, rhoForMi(1, 2));
 */
export function correlatedGaussian(rng: Rng, n: number, dim: number, rho: number): GaussianSample {
  checkPositiveInt('correlatedGaussian', 'n', n);
  checkPositiveInt('correlatedGaussian', 'dim', dim);
  checkNumber('correlatedGaussian', 'rho', rho, -1, 1, { loOpen: true, hiOpen: true });
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n * dim);
  const noise = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n * dim; i++) {
    x[i] = rng.normal();
    y[i] = rho * x[i] + noise * rng.normal();
  }
  return { x, y, n, dim };
}

/**
 * The true log density ratio log p(x,y)/(p(x)p(y)) of the correlated Gaussian for
 * every pair (x_i, y_k): the optimal critic of DV, InfoNCE and SMILE (up to a constant),
 * of TUBA with a zero log-baseline, and, plus 1, of NWJ.
 *
 * Per coordinate: −½·log(1−ρ²) − (ρ²x² − 2ρxy + ρ²y²) / (2(1−ρ²)).
 *
 * @param x [B, d]
 * @param y [M, d]
 * @param rho the correlation the data were drawn with, in (−1, 1).
 * @returns [B, M] scores, `scores[i, k] = log r(x_i, y_k)`.
 * @throws ShapeError when x and y differ in d or are not rank 2; ConfigError for ρ outside (−1, 1).
 * @example
 * const scores = gaussianLogRatio(x, y, rhoForMi(2, 20)); // dv(scores).estimate ≈ 2
 */
export function gaussianLogRatio(x: tf.Tensor2D, y: tf.Tensor2D, rho: number): tf.Tensor2D {
  checkNumber('gaussianLogRatio', 'rho', rho, -1, 1, { loOpen: true, hiOpen: true });
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor) || x.rank !== 2 || y.rank !== 2 || x.shape[1] !== y.shape[1]) {
    throw new ShapeError(
      `gaussianLogRatio: 'x' [B, d] and 'y' [M, d] must be rank 2 with the same d, got ${describe(x)} and ${describe(y)}`,
    );
  }
  return tf.tidy(() => {
    const d = x.shape[1];
    const r2 = rho * rho;
    const c = 1 / (2 * (1 - r2));
    const xx = tf.sum(tf.square(x), 1, true); // [B, 1]
    const yy = tf.sum(tf.square(y), 1).expandDims(0); // [1, M]
    const xy = tf.matMul(x, y, false, true); // [B, M]
    const quad = tf.sub(tf.mul(r2, tf.add(xx, yy)), tf.mul(2 * rho, xy));
    return tf.sub((-d / 2) * Math.log1p(-r2), tf.mul(c, quad)) as tf.Tensor2D;
  });
}
