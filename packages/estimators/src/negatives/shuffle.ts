/**
 * Shuffled negatives: the product-of-marginals sample of MINE. Pairing x_i with
 * y_σ(i) for a random permutation σ draws (x, y) from p(x)p(y) when σ(i) ≠ i.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/engine';
import { ShapeError } from '../errors';
import { checkPositiveInt, describe } from '../internal/validate';

/**
 * A random derangement σ of 0..n−1 (no fixed points): a uniformly random n-cycle
 * (Sattolo's algorithm), so each σ(i) is uniform over the other n − 1 indices.
 *
 * @param rng the generator.
 * @param n size, ≥ 2.
 * @returns σ as an Int32Array.
 * @throws ConfigError when n is not an integer ≥ 2.
 * @example
 * const sigma = derangement(new Rng(0), 64);
 */
export function derangement(rng: Rng, n: number): Int32Array {
  checkPositiveInt('derangement', 'n', n);
  if (n < 2) throw new ShapeError(`derangement: 'n' must be at least 2 (one element has no other partner), got ${n}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * The negative mask of the shuffle strategy: one product-of-marginals partner per row,
 * `mask[i, σ(i)] = 1` for a random derangement σ. Pass it as `negativeMask` to any
 * bound (the MINE paper's estimator uses these B pairs instead of all B(B−1)).
 *
 * Belghazi et al. 2018 (MINE), https://arxiv.org/abs/1801.04062
 *
 * @param rng the generator (same state, same mask).
 * @param batch B, ≥ 2.
 * @returns [B, B] float32 0/1 mask, zero on the diagonal.
 * @throws ConfigError / ShapeError when `batch` is not an integer ≥ 2.
 * @example
 * const { estimate } = dv(scores, { negativeMask: shuffleNegatives(rng, 64) });
 */
export function shuffleNegatives(rng: Rng, batch: number): tf.Tensor2D {
  const sigma = derangement(rng, batch);
  const mask = new Float32Array(batch * batch);
  for (let i = 0; i < batch; i++) mask[i * batch + sigma[i]] = 1;
  return tf.tensor2d(mask, [batch, batch]);
}

/**
 * Rows of `y` reordered by a permutation: `out[i] = y[permutation[i]]`, written as a
 * product with a one-hot matrix so that its gradient is a matrix product too (the
 * wasm backend has no gradient kernel for `gather`). For a critic evaluated on the
 * pairs (x_i, y_σ(i)) only.
 *
 * @param y [B, ...]
 * @param permutation B indices in [0, B).
 * @returns [B, ...], same shape as y.
 * @throws ShapeError when the permutation's length differs from B or an index is out of range.
 * @example
 * const yShuffled = permuteRows(y, derangement(rng, 64));
 */
export function permuteRows<T extends tf.Tensor>(y: T, permutation: ArrayLike<number>): T {
  if (!(y instanceof tf.Tensor) || y.rank < 1 || permutation.length !== y.shape[0]) {
    throw new ShapeError(
      `permuteRows: 'permutation' must have one index per row of 'y' (${y instanceof tf.Tensor ? y.shape[0] : describe(y)}), got ${permutation.length}`,
    );
  }
  const b = permutation.length;
  const onehot = new Float32Array(b * b);
  for (let i = 0; i < b; i++) {
    const j = permutation[i];
    if (!Number.isInteger(j) || j < 0 || j >= b) {
      throw new ShapeError(`permuteRows: 'permutation' entries must be integers in [0, ${b}), got ${j} at ${i}`);
    }
    onehot[i * b + j] = 1;
  }
  return tf.tidy(() => tf.matMul(tf.tensor2d(onehot, [b, b]), y.reshape([b, -1])).reshape(y.shape) as T);
}
