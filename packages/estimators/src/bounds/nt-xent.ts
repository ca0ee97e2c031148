import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { normalizeRows } from '../internal/mlp';
import { checkNumber, describe } from '../internal/validate';
import { infoNce } from './info-nce';
import type { BoundResult } from './types';

/** Options of {@link ntXent} and {@link twoViewScores}. */
export interface NtXentOptions {
  /** Temperature τ > 0 of the cosine similarities. Default 0.5 (SimCLR's code; its paper's best at large batches is 0.1). */
  temperature?: number;
}

/**
 * The scores of two views' embeddings in the shared layout, for NT-Xent: the 2N
 * embeddings (view a's rows, then view b's) as anchors, each against every embedding,
 * columns ordered so that an anchor's other view sits on the diagonal.
 * `scores[i, k] = cos(z_i, z_{(k + N) mod 2N}) / τ`; column `(i + N) mod 2N` is the
 * anchor itself, which {@link twoViewNegatives} leaves out.
 *
 * Chen et al. 2020 (SimCLR), https://arxiv.org/abs/2002.05709
 *
 * @param a `[N, D]` embeddings of view a
 * @param b `[N, D]` embeddings of view b (row i: the same image as a's row i)
 * @param options see {@link NtXentOptions}
 * @returns `[2N, 2N]` scores, positives on the diagonal (the caller owns it)
 * @throws ShapeError unless `a` and `b` are float32 `[N, D]` alike with N ≥ 2; ConfigError for τ ≤ 0
 * @example
 * const scores = twoViewScores(za, zb, { temperature: 0.5 });
 * const { estimate } = infoNce(scores, { negativeMask: twoViewNegatives(za.shape[0]) });
 */
export function twoViewScores(a: tf.Tensor2D, b: tf.Tensor2D, options: NtXentOptions = {}): tf.Tensor2D {
  const temperature = options.temperature ?? 0.5;
  checkNumber('twoViewScores', 'temperature', temperature, 0, Infinity, { loOpen: true });
  checkPair(a, b);
  const n = a.shape[0];
  return tf.tidy(() => {
    const z = normalizeRows(tf.concat([a, b], 0));
    const s = tf.div(tf.matMul(z, z, false, true), temperature);
    return tf.concat([tf.slice(s, [0, n], [2 * n, n]), tf.slice(s, [0, 0], [2 * n, n])], 1) as tf.Tensor2D;
  });
}

/**
 * The negatives of {@link twoViewScores}: every pair but the positive (diagonal) and the
 * anchor against itself (column `(i + N) mod 2N`), 2N − 2 per row.
 * @param n images per view, ≥ 2
 * @returns `[2N, 2N]` of 0/1 (the caller owns it)
 * @example
 * const mask = twoViewNegatives(64); // [128, 128], 126 ones per row
 */
export function twoViewNegatives(n: number): tf.Tensor2D {
  if (!Number.isInteger(n) || n < 2)
    throw new ShapeError(`twoViewNegatives: argument 'n' must be an integer >= 2 (images per view); got ${describe(n)}`);
  return tf.tidy(() => {
    const eye = tf.eye(n);
    const zero = tf.zeros([n, n]);
    const self = tf.concat([tf.concat([zero, eye], 1), tf.concat([eye, zero], 1)], 0);
    return tf.sub(tf.sub(1, tf.eye(2 * n)), self) as tf.Tensor2D;
  });
}

/**
 * NT-Xent, SimCLR's normalized temperature-scaled cross-entropy: for each of the 2N
 * embeddings of a batch's two views, the cross-entropy of picking its other view among
 * the other 2N − 1 embeddings by cosine similarity / τ, averaged over all 2N anchors (so
 * symmetric in the views). It is InfoNCE on {@link twoViewScores} with K = 2N − 1:
 * `loss = log(2N − 1) − estimate`.
 *
 * Chen, Kornblith, Norouzi, Hinton (2020), "A Simple Framework for Contrastive Learning
 * of Visual Representations", https://arxiv.org/abs/2002.05709; Sohn (2016), the N-pair loss.
 *
 * @param a `[N, D]` embeddings (projections) of view a
 * @param b `[N, D]` embeddings of view b, row i the same image as a's row i
 * @param options see {@link NtXentOptions}
 * @returns `{ estimate, loss }` scalars: the InfoNCE estimate (nats, ≤ log(2N − 1)) and the NT-Xent loss
 * @throws ShapeError for mismatched or non-float `[N, D]` inputs; ConfigError for τ ≤ 0
 * @example
 * const { loss } = ntXent(head(encoder(viewA)), head(encoder(viewB)), { temperature: 0.5 });
 */
export function ntXent(a: tf.Tensor2D, b: tf.Tensor2D, options: NtXentOptions = {}): BoundResult {
  return tf.tidy(() => {
    const n = a.shape[0];
    const { estimate } = infoNce(twoViewScores(a, b, options), { negativeMask: twoViewNegatives(n) });
    return { estimate, loss: tf.sub(Math.log(2 * n - 1), estimate) as tf.Scalar };
  });
}

function checkPair(a: unknown, b: unknown): asserts a is tf.Tensor2D {
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.dtype !== 'float32') {
      throw new ShapeError(`twoViewScores: argument '${name}' must be a float32 tensor [N, D]; got ${describe(t)}`);
    }
  }
  const [ta, tb] = [a as tf.Tensor2D, b as tf.Tensor2D];
  if (ta.shape[0] !== tb.shape[0] || ta.shape[1] !== tb.shape[1] || ta.shape[0] < 2) {
    throw new ShapeError(`twoViewScores: arguments 'a' and 'b' must both be [N, D] with N >= 2; got [${ta.shape}] and [${tb.shape}]`);
  }
}
