/**
 * The bound an objective trains with, chosen by name: every objective builds
 * scores in the shared layout `[B, B]` / `[B, B, L]` (positives on the diagonal)
 * and hands them here, so every objective × estimator pair works.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  BOUND_KINDS,
  NamedBound,
  type BoundKind,
  type BoundResult,
  type JsdReport,
  type NegativeOptions,
  type PoolOptions,
} from '@infomax/estimators';

/** Estimator names a config accepts, declared once (the estimators' {@link BOUND_KINDS}). */
export const ESTIMATOR_KINDS = BOUND_KINDS;
/** One of {@link ESTIMATOR_KINDS}. */
export type EstimatorKind = BoundKind;
/**
 * The estimators that take negative masks, positive masks and memory queues: all but
 * `interpolated` (I_α), whose leave-one-out baseline needs square in-batch scores.
 */
export const MASKED_ESTIMATOR_KINDS = ESTIMATOR_KINDS.filter((k) => k !== 'interpolated');

/**
 * The named bound at each place an objective scores pairs ("sites": DIM's local and
 * global terms, each direction of each CMC pair, each CPC offset), each with its own
 * state — MINE's moving average — saved as the buffer `bound_<site>` so that a resumed
 * run takes the steps an unstopped one would.
 *
 * Poole et al. 2019 (the bounds), https://arxiv.org/abs/1905.06922; Belghazi et al. 2018 (MINE),
 * https://arxiv.org/abs/1801.04062
 *
 * @example
 * const bounds = new ObjectiveBounds('mine', 'DimObjective', ['local']);
 * const { estimate, loss } = bounds.apply('local', scores, {}, true);
 */
export class ObjectiveBounds {
  private readonly sites = new Map<string, NamedBound>();

  /**
   * @param kind one of {@link ESTIMATOR_KINDS}
   * @param fn the objective's name, for error messages
   * @param sites the names of the places it scores pairs
   * @param options `jsdReport`: the estimate a JSD bound reports (see `NamedBound`)
   */
  constructor(
    readonly kind: EstimatorKind,
    fn: string,
    sites: readonly string[],
    options: { jsdReport?: JsdReport } = {},
  ) {
    for (const site of sites) this.sites.set(site, new NamedBound(kind, fn, options));
  }

  /**
   * The bound at `site` on `scores` `[B, B]` or `[B, B, L]` (`scores[i, k] = T(x_i, y_k)`);
   * `training` false leaves MINE's average alone.
   * @returns `{ estimate, loss }` scalars the caller owns
   * @throws Error for a site not declared; ShapeError / ConfigError from the bound
   */
  apply(site: string, scores: tf.Tensor, negatives: NegativeOptions & PoolOptions, training: boolean): BoundResult {
    const bound = this.sites.get(site);
    if (bound === undefined) throw new Error(`ObjectiveBounds: no site '${site}' (declared: ${[...this.sites.keys()].join(', ')})`);
    return bound.apply(scores, negatives, { training });
  }

  /** Each site's state that shapes later steps (MINE only), as `bound_<site>`; the caller owns the tensors. */
  buffers(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [site, bound] of this.sites) {
      const state = bound.state();
      if (state !== null) out[`bound_${site}`] = state;
    }
    return out;
  }

  /** The shapes {@link buffers} has, for `checkBuffers` (`null`: any length). */
  bufferShapes(): Record<string, (number | null)[]> {
    return this.kind === 'mine' ? Object.fromEntries([...this.sites.keys()].map((s) => [`bound_${s}`, [null]])) : {};
  }

  /** Puts back the `bound_<site>` entries of `buffers` (already checked against {@link bufferShapes}). */
  setBuffers(buffers: Record<string, tf.Tensor>): void {
    for (const [site, bound] of this.sites) if (buffers[`bound_${site}`] !== undefined) bound.load(buffers[`bound_${site}`]);
  }

  dispose(): void {
    this.sites.forEach((b) => b.dispose());
  }
}
